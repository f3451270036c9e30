package io.pullproof.agent.cri.proxy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A real gRPC server on a real Unix socket that serves no CRI: the proxy must refuse to start. */
class RuntimeVersionCheckTest {

  @Test
  void aRuntimeWithoutCriV1FailsLoudlyNamingTheSocket() throws Exception {
    Path socket = Files.createTempDirectory("cri-check").resolve("not-cri.sock");
    EventLoopGroup loops = UnixSockets.eventLoops(1);
    Server notCri = UnixSockets.server(socket, loops, loops).build().start();
    ManagedChannel channel = UnixSockets.channel(socket, loops);
    try {
      assertThatThrownBy(() -> RuntimeVersionCheck.require(channel, socket, Duration.ofSeconds(5)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(socket.toString())
          .hasMessageContaining("does not serve CRI runtime.v1 (UNIMPLEMENTED");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      notCri.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMissingSocketIsNamed() throws Exception {
    Path socket = Files.createTempDirectory("cri-check").resolve("nobody.sock");
    EventLoopGroup loops = UnixSockets.eventLoops(1);
    ManagedChannel channel = UnixSockets.channel(socket, loops);
    try {
      assertThatThrownBy(() -> RuntimeVersionCheck.require(channel, socket, Duration.ofSeconds(2)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no runtime socket at " + socket);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSocketNobodyServesFailsWithUnavailable() throws Exception {
    // A socket file nobody listens on any more (its process died).
    Path socket = Files.createFile(Files.createTempDirectory("cri-check").resolve("dead.sock"));
    EventLoopGroup loops = UnixSockets.eventLoops(1);
    ManagedChannel channel = UnixSockets.channel(socket, loops);
    try {
      assertThatThrownBy(() -> RuntimeVersionCheck.require(channel, socket, Duration.ofSeconds(2)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("did not answer the CRI v1 Version/ImageStatus check: UNAVAILABLE");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSocketStillServedIsNotTakenOver() throws Exception {
    Path socket = Files.createTempDirectory("cri-check").resolve("busy.sock");
    EventLoopGroup loops = UnixSockets.eventLoops(1);
    Server first = UnixSockets.server(socket, loops, loops).build().start();
    try {
      assertThatThrownBy(() -> UnixSockets.server(socket, loops, loops))
          .hasMessageContaining("is served by a running process");
    } finally {
      first.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
