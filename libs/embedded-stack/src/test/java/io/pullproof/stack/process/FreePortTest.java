package io.pullproof.stack.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Picked ports are bindable, never repeated, and outside the range outgoing connections use. */
class FreePortTest {

  @Test
  void portsAreDistinctBelowTheEphemeralRangeAndBindable() throws IOException {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      ports.add(FreePort.pick());
    }
    assertThat(ports).hasSize(50);
    assertThat(ports).allSatisfy(port -> assertThat(port).isBetween(FreePort.LOWEST, FreePort.ephemeralStart() - 1));
    int port = ports.iterator().next();
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      assertThat(FreePort.isListening(port)).isTrue();
    }
  }
}
