package io.pullproof.agent.cri.proxy;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The runtime's complete answer to one unary call, kept as it came (headers, body bytes, status,
 * trailers) so a hook can look at it and still hand the kubelet exactly what the runtime said.
 *
 * @param headers response headers, or null when the runtime sent none (an immediate error)
 * @param body the response message bytes, or null on error
 */
public record RuntimeReply(Metadata headers, byte[] body, Status status, Metadata trailers) {

  public boolean ok() {
    return status.isOk() && body != null;
  }

  /** Calls the runtime and waits (on a worker thread, never an event loop). */
  public static RuntimeReply call(Channel runtime, MethodDescriptor<byte[], byte[]> method, CallOptions options,
      Metadata requestHeaders, byte[] request) {
    CompletableFuture<RuntimeReply> done = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call = runtime.newCall(method, options);
    call.start(new ClientCall.Listener<>() {
      private Metadata headers;
      private byte[] body;

      @Override
      public void onHeaders(Metadata received) {
        headers = received;
      }

      @Override
      public void onMessage(byte[] message) {
        body = message;
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        done.complete(new RuntimeReply(headers, status.isOk() ? body : null, status, trailers));
      }
    }, requestHeaders);
    call.request(2);
    call.sendMessage(request);
    call.halfClose();
    try {
      return done.get();
    } catch (InterruptedException e) {
      call.cancel("proxy interrupted", e);
      Thread.currentThread().interrupt();
      return new RuntimeReply(null, null, Status.CANCELLED.withDescription("proxy interrupted"), new Metadata());
    } catch (ExecutionException e) {
      throw new IllegalStateException("a call listener never fails its future", e);
    }
  }
}
