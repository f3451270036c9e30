package io.pullproof.agent.cri.proxy;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A unary call that a {@link UnaryHook} sees before and after the runtime: the request is read
 * whole, the hook runs on a worker thread, and the kubelet gets either the runtime's reply
 * (headers, body, status and trailers unchanged) or the hook's refusal.
 */
public final class HookedUnary implements ServerCallHandler<byte[], byte[]> {
  private static final Logger LOG = LoggerFactory.getLogger(HookedUnary.class);

  private final Channel runtime;
  private final UnaryHook hook;
  private final Executor workers;

  public HookedUnary(Channel runtime, UnaryHook hook, Executor workers) {
    this.runtime = runtime;
    this.hook = hook;
    this.workers = workers;
  }

  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> server, Metadata headers) {
    CallOptions options = PassThrough.callOptions();
    server.request(2);
    return new ServerCall.Listener<>() {
      private byte[] request;

      @Override
      public void onMessage(byte[] message) {
        if (request != null) {
          server.close(Status.INTERNAL.withDescription("more than one request message for a unary method"), new Metadata());
          return;
        }
        request = message;
      }

      @Override
      public void onHalfClose() {
        if (request == null) {
          server.close(Status.INTERNAL.withDescription("no request message for a unary method"), new Metadata());
          return;
        }
        byte[] bytes = request;
        try {
          workers.execute(() -> answer(server, headers, options, bytes));
        } catch (RejectedExecutionException e) {
          server.close(Status.UNAVAILABLE.withDescription("pullproof CRI proxy is shutting down"), new Metadata());
        }
      }
    };
  }

  private void answer(ServerCall<byte[], byte[]> server, Metadata headers, CallOptions options, byte[] request) {
    String method = server.getMethodDescriptor().getFullMethodName();
    UnaryHook.Outcome outcome;
    try {
      outcome = hook.handle(request, bytes -> RuntimeReply.call(runtime, server.getMethodDescriptor(), options, headers, bytes));
    } catch (RuntimeException e) {
      // A bug in a hook must not look like the runtime's answer: say where it came from.
      LOG.error("{}: the proxy failed", method, e);
      outcome = UnaryHook.Outcome.refuse(Status.INTERNAL.withDescription("pullproof CRI proxy: " + e).withCause(e));
    }
    if (server.isCancelled()) {
      return;
    }
    if (outcome.refusal() != null) {
      server.close(outcome.refusal(), new Metadata());
      return;
    }
    RuntimeReply reply = outcome.reply();
    if (reply.headers() != null) {
      server.sendHeaders(reply.headers());
    }
    if (reply.ok()) {
      server.sendMessage(reply.body());
    }
    server.close(reply.status(), reply.trailers());
  }
}
