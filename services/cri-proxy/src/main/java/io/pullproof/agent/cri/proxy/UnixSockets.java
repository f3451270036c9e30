package io.pullproof.agent.cri.proxy;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * gRPC over Unix domain sockets, as the kubelet and containerd speak it: netty's epoll transport
 * (Linux only, which is where a kubelet runs). One place builds both ends so they share a
 * transport and event loop kind.
 */
public final class UnixSockets {
  private UnixSockets() {}

  /** Fails with the reason when the native epoll library cannot load (not Linux, wrong arch). */
  public static void requireEpoll() {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("netty epoll is unavailable, so Unix sockets cannot be served: "
          + Epoll.unavailabilityCause());
    }
  }

  public static EventLoopGroup eventLoops(int threads) {
    requireEpoll();
    return new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
  }

  /** A plaintext channel to the runtime's socket (Unix sockets carry no TLS in CRI). */
  public static ManagedChannel channel(Path socket, EventLoopGroup loops) {
    return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollDomainSocketChannel.class)
        .eventLoopGroup(loops)
        .usePlaintext()
        // The kubelet's own limit (16 MiB) for responses such as ListContainers on a busy node.
        .maxInboundMessageSize(16 * 1024 * 1024)
        .build();
  }

  /**
   * A server builder on {@code socket}. A socket file left by a dead process is removed; a socket
   * someone still answers on is refused, so two proxies never fight over one path.
   */
  public static NettyServerBuilder server(Path socket, EventLoopGroup boss, EventLoopGroup workers) {
    clearStaleSocket(socket);
    return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .maxInboundMessageSize(16 * 1024 * 1024);
  }

  static void clearStaleSocket(Path socket) {
    try {
      Files.createDirectories(socket.toAbsolutePath().getParent());
      if (!Files.exists(socket)) {
        return;
      }
      if (answers(socket)) {
        throw new IllegalStateException(socket + " is served by a running process: stop it first");
      }
      Files.delete(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare socket " + socket + ": " + e.getMessage(), e);
    }
  }

  private static boolean answers(Path socket) {
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
