package io.pullproof.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-second and per-request views of a run's latencies that the benchmarks' JSON reports. */
class OpenLoopTest {
  // rate 2: requests 10..15 measured (three seconds of two), latencies in nanoseconds, 0 = none.
  private static final OpenLoop.Run RUN =
      new OpenLoop.Run(2, 10, new long[] {1_000_000, 3_500_000, 0, 2_000_000, 7_250_000, 0}, 0, 2, 2.0, 7.25, 7.25);

  @Test
  void theSlowestAnswerOfEachSecondIsReportedInMilliseconds() {
    assertThat(OpenLoop.maxMsBySecond(RUN)).containsExactly(3.5, 2.0, 7.25);
  }

  @Test
  void requestsWithoutLatencyAreNamedByTheirNumber() {
    assertThat(OpenLoop.withoutLatency(RUN, 10)).containsExactly(12, 15);
    assertThat(OpenLoop.withoutLatency(RUN, 1)).containsExactly(12);
  }
}
