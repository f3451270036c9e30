package io.pullproof.stack.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback ports: every server we start binds to 127.0.0.1 only. */
public final class FreePort {
  /** Lowest port {@link #pick()} hands out. */
  static final int LOWEST = 10_000;

  /** Linux's first ephemeral port when {@code ip_local_port_range} cannot be read. */
  private static final int DEFAULT_EPHEMERAL_START = 32_768;

  private static final int ATTEMPTS = 200;

  /** Ports handed out by this JVM: a server may take seconds to bind the port it was given. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePort() {}

  /**
   * A port free on 127.0.0.1 now, below the kernel's ephemeral range. A port the kernel hands out
   * for {@code bind(0)} comes from that range, and so does the local port of every outgoing
   * connection: a child JVM given such a port takes a second or two to bind it, and in between a
   * Kafka client's connection could take it ("Address already in use" in a chaos run of
   * 2026-11-23). Below the range only a server asking for that very port can. Never the same port
   * twice in one JVM.
   */
  public static int pick() {
    int below = ephemeralStart();
    if (below - LOWEST >= 1_000) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        int port = random.nextInt(LOWEST, below);
        if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
          return port;
        }
      }
    }
    return kernelPick();
  }

  /** True when something accepts TCP connections on 127.0.0.1:port. */
  public static boolean isListening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of {@code /proc/sys/net/ipv4/ip_local_port_range}, or Linux's default. */
  static int ephemeralStart() {
    // Read line by line: Files.readString trusts procfs's reported size and returned one byte here.
    try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      return Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return DEFAULT_EPHEMERAL_START;
    }
  }

  /** Bindable as our servers bind: with SO_REUSEADDR, so a port in TIME_WAIT counts as free. */
  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The old way, when the range below the ephemeral ports is too small or full. */
  private static int kernelPick() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      HANDED_OUT.add(socket.getLocalPort());
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
