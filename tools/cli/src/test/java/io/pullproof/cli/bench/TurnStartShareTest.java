package io.pullproof.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Whether the slowest answers of an interleaved run cluster where a side's turn begins. */
class TurnStartShareTest {

  @Test
  void shareOfTheRequestsAtOrAboveTheThresholdThatWereDueAtTheStartOfATurn() {
    long[] nanos = {1_000_000, 30_000_000, 2_000_000, 25_000_000, 40_000_000, 3_000_000};
    boolean[] turnStart = {true, true, false, false, true, false};

    // 25, 30 and 40 ms are at or above 25 ms; 30 and 40 were due at a turn's start.
    assertThat(DecisionBenchAgents.shareAtTurnStart(nanos, turnStart, 25.0)).isEqualTo(2.0 / 3);
  }

  @Test
  void nothingAtOrAboveTheThresholdIsNotANumber() {
    assertThat(DecisionBenchAgents.shareAtTurnStart(new long[] {1_000_000}, new boolean[] {true}, 5.0)).isNaN();
  }
}
