package io.pullproof.agent.cri.proxy;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;

/**
 * Forwards one call of any kind (unary or streaming) to the runtime as it came: request and
 * response bytes, headers, trailers, status code and message, deadline and cancellation. Flow
 * control is end to end: a side asks for the next message only when the other side can take it,
 * so a slow kubelet never makes the proxy buffer a runtime's event stream.
 */
public final class PassThrough implements ServerCallHandler<byte[], byte[]> {
  private final Channel runtime;

  public PassThrough(Channel runtime) {
    this.runtime = runtime;
  }

  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> server, Metadata headers) {
    ClientCall<byte[], byte[]> client = runtime.newCall(server.getMethodDescriptor(), callOptions());
    Relay relay = new Relay(server, client);
    client.start(relay.fromRuntime, headers);
    client.request(1);
    server.request(1);
    return relay.fromKubelet;
  }

  /** The kubelet's deadline, carried to the runtime (the server turned grpc-timeout into it). */
  static CallOptions callOptions() {
    Deadline deadline = Context.current().getDeadline();
    return deadline == null ? CallOptions.DEFAULT : CallOptions.DEFAULT.withDeadline(deadline);
  }

  private static final class Relay {
    private final ServerCall<byte[], byte[]> server;
    private final ClientCall<byte[], byte[]> client;

    Relay(ServerCall<byte[], byte[]> server, ClientCall<byte[], byte[]> client) {
      this.server = server;
      this.client = client;
    }

    final ServerCall.Listener<byte[]> fromKubelet = new ServerCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        client.sendMessage(message);
        if (client.isReady()) {
          server.request(1);
        }
      }

      @Override
      public void onHalfClose() {
        client.halfClose();
      }

      @Override
      public void onCancel() {
        client.cancel("the kubelet cancelled the call", null);
      }

      @Override
      public void onReady() {
        // The runtime side drives requests for kubelet messages; see fromRuntime.onReady.
        if (server.isReady()) {
          client.request(1);
        }
      }
    };

    final ClientCall.Listener<byte[]> fromRuntime = new ClientCall.Listener<>() {
      @Override
      public void onHeaders(Metadata headers) {
        server.sendHeaders(headers);
      }

      @Override
      public void onMessage(byte[] message) {
        server.sendMessage(message);
        if (server.isReady()) {
          client.request(1);
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        server.close(status, trailers);
      }

      @Override
      public void onReady() {
        if (client.isReady()) {
          server.request(1);
        }
      }
    };
  }
}
