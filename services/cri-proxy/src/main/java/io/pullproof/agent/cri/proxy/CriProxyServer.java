package io.pullproof.agent.cri.proxy;

import io.grpc.Channel;
import io.grpc.Server;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The proxy's gRPC server on its Unix socket, built one way for the service and the benchmark
 * (so {@code ./pullproof bench cri} measures the path the kubelet uses).
 */
public final class CriProxyServer {
  private CriProxyServer() {}

  /**
   * Serves {@code listen}: {@code hooks} (full method name → hook) run on {@code workers}; every
   * other call is relayed on the event loop, which never blocks. The socket is {@code rw-rw----}
   * (root and its group), as containerd's own.
   */
  public static Server start(Path listen, Channel runtime, Map<String, UnaryHook> hooks, Executor workers,
      EventLoopGroup loops) {
    try {
      Server server = UnixSockets.server(listen, loops, loops)
          .fallbackHandlerRegistry(new ForwardingRegistry(runtime, hooks, workers))
          .directExecutor()
          .build().start();
      Files.setPosixFilePermissions(listen, PosixFilePermissions.fromString("rw-rw----"));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve " + listen + ": " + e.getMessage(), e);
    }
  }
}
