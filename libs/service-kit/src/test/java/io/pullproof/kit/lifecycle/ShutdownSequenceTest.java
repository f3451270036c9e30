package io.pullproof.kit.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShutdownSequenceTest {

  @Test
  void componentsStopInReverseStartOrderEvenWhenOneFails() {
    List<String> stopped = new ArrayList<>();
    ShutdownSequence sequence = new ShutdownSequence();
    sequence.started("store", () -> stopped.add("store"));
    sequence.started("consumer", () -> {
      stopped.add("consumer");
      throw new IllegalStateException("boom");
    });
    sequence.started("http", () -> stopped.add("http"));

    sequence.close();
    sequence.close();

    assertThat(stopped).containsExactly("http", "consumer", "store");
  }
}
