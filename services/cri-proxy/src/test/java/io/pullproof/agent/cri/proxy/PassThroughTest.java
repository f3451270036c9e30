package io.pullproof.agent.cri.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ClientCall;
import io.grpc.CallOptions;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay on real Unix sockets, with a server-streaming method no proto of ours declares (as
 * containerd's GetContainerEvents is to a proxy built before it existed): every message, the
 * response headers, the trailers, the status code and message and the request headers cross
 * unchanged. containerd 1.6 has no streaming CRI method, so this is where streaming is exercised.
 */
class PassThroughTest {
  private static final Metadata.Key<String> REQUEST_HEADER = Metadata.Key.of("x-request", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> RESPONSE_HEADER = Metadata.Key.of("x-header", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> TRAILER = Metadata.Key.of("x-trailer", Metadata.ASCII_STRING_MARSHALLER);

  private EventLoopGroup loops;
  private Server runtime;
  private Server proxy;
  private ManagedChannel upstream;
  private ManagedChannel client;
  private final List<String> seenRequestHeaders = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Path dir = Files.createTempDirectory("pass-through");
    loops = UnixSockets.eventLoops(2);
    runtime = UnixSockets.server(dir.resolve("runtime.sock"), loops, loops)
        .fallbackHandlerRegistry(new HandlerRegistry() {
          @Override
          public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
            return ServerMethodDefinition.create(RawBytes.method(methodName), new ThreeEchoes());
          }
        }).build().start();
    upstream = UnixSockets.channel(dir.resolve("runtime.sock"), loops);
    proxy = CriProxyServer.start(dir.resolve("proxy.sock"), upstream, Map.of(), Runnable::run, loops);
    client = UnixSockets.channel(dir.resolve("proxy.sock"), loops);
  }

  @AfterEach
  void stop() throws Exception {
    client.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    proxy.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    upstream.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    runtime.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** Answers one request with three messages, a header, a trailer and a non-OK status. */
  private final class ThreeEchoes implements ServerCallHandler<byte[], byte[]> {
    @Override
    public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
      seenRequestHeaders.add(headers.get(REQUEST_HEADER));
      call.request(1);
      return new ServerCall.Listener<>() {
        @Override
        public void onMessage(byte[] message) {
          Metadata reply = new Metadata();
          reply.put(RESPONSE_HEADER, "from-runtime");
          call.sendHeaders(reply);
          for (int i = 1; i <= 3; i++) {
            call.sendMessage((new String(message, StandardCharsets.UTF_8) + "-" + i).getBytes(StandardCharsets.UTF_8));
          }
          Metadata trailers = new Metadata();
          trailers.put(TRAILER, "t-value");
          call.close(Status.ABORTED.withDescription("stream ended by the runtime"), trailers);
        }
      };
    }
  }

  @Test
  void aStreamingCallCrossesWithItsMessagesHeadersTrailersAndStatus() throws Exception {
    List<String> messages = new CopyOnWriteArrayList<>();
    CompletableFuture<Metadata> headers = new CompletableFuture<>();
    CompletableFuture<Object[]> closed = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call = client.newCall(RawBytes.method("runtime.v9.FutureService/WatchEverything"),
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
    Metadata requestHeaders = new Metadata();
    requestHeaders.put(REQUEST_HEADER, "from-kubelet");
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onHeaders(Metadata received) {
        headers.complete(received);
      }

      @Override
      public void onMessage(byte[] message) {
        messages.add(new String(message, StandardCharsets.UTF_8));
        call.request(1);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(new Object[] {status, trailers});
      }
    }, requestHeaders);
    call.request(1);
    call.sendMessage("event".getBytes(StandardCharsets.UTF_8));
    call.halfClose();

    Object[] end = closed.get(10, TimeUnit.SECONDS);
    Status status = (Status) end[0];
    Metadata trailers = (Metadata) end[1];
    assertThat(messages).containsExactly("event-1", "event-2", "event-3");
    assertThat(headers.get(1, TimeUnit.SECONDS).get(RESPONSE_HEADER)).isEqualTo("from-runtime");
    assertThat(trailers.get(TRAILER)).isEqualTo("t-value");
    assertThat(status.getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(status.getDescription()).isEqualTo("stream ended by the runtime");
    assertThat(seenRequestHeaders).containsExactly("from-kubelet");
  }
}
