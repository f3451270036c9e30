package io.pullproof.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pullproof.cli.bench.SoakSeries.Sample;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class SoakSeriesTest {
  private static final long MIB = 1024 * 1024;
  private static final TopicPartition P0 = new TopicPartition("bench.start-requests", 0);
  private static final TopicPartition P1 = new TopicPartition("bench.start-requests", 1);
  private static final TopicPartition P2 = new TopicPartition("bench.start-requests", 2);

  @Test
  void slopeOfALineIsItsGradient() {
    assertThat(SoakSeries.slope(new double[] {0, 1, 2, 3}, new double[] {5, 7, 9, 11})).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void slopeIsTheLeastSquaresFitOfNoisyPoints() {
    // y = 1, 3, 2, 4 over x = 0..3: Σ(x-1.5)(y-2.5) = 2.25 - 0.25 - 0.25 + 2.25 = 4, Σ(x-1.5)² = 5
    assertThat(SoakSeries.slope(new double[] {0, 1, 2, 3}, new double[] {1, 3, 2, 4})).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void slopeNeedsTwoDistinctPoints() {
    assertThat(SoakSeries.slope(new double[] {4}, new double[] {9})).isNaN();
    assertThat(SoakSeries.slope(new double[] {}, new double[] {})).isNaN();
    assertThat(SoakSeries.slope(new double[] {2, 2}, new double[] {1, 5})).isNaN();
  }

  @Test
  void heapSlopeLeavesOutTheFirstMinute() {
    SoakSeries series = new SoakSeries();
    // 30 s samples over 3 minutes: a start-up jump in the first minute, then 2 MiB a minute
    long[] heapMiB = {100, 180, 200, 201, 202, 203};
    for (int k = 0; k < heapMiB.length; k++) {
      series.add(sample(k * 30, (k + 1) * 30, heapMiB[k] * MIB, 0), new long[0]);
    }

    assertThat(series.slopeSkipsFirstMinute()).isTrue();
    assertThat(series.heapSlopeMiBPerMinute()).isCloseTo(2.0, within(1e-9));
  }

  @Test
  void heapSlopeOfAShortRunUsesEverySample() {
    SoakSeries series = new SoakSeries();
    series.add(sample(0, 20, 100 * MIB, 0), new long[0]);
    series.add(sample(20, 40, 101 * MIB, 0), new long[0]);
    series.add(sample(40, 60, 102 * MIB, 0), new long[0]);

    assertThat(series.slopeSkipsFirstMinute()).isFalse();
    assertThat(series.heapSlopeMiBPerMinute()).isCloseTo(3.0, within(1e-9));
  }

  @Test
  void lagIsEndMinusCommittedPerPartition() {
    long lag = SoakSeries.lag(Map.of(P0, 100L, P1, 50L, P2, 7L), Map.of(P0, 90L, P1, 50L));

    // P0 10 behind, P1 caught up, P2 never committed: all 7 records still to read
    assertThat(lag).isEqualTo(17);
  }

  @Test
  void aCommitAheadOfTheEndCountsAsNoLag() {
    assertThat(SoakSeries.lag(Map.of(P0, 100L, P1, 10L), Map.of(P0, 105L, P1, 4L))).isEqualTo(6);
  }

  @Test
  void lagStatisticsComeFromTheSamples() {
    SoakSeries series = new SoakSeries();
    series.add(sample(0, 10, MIB, 40), new long[0]);
    series.add(sample(10, 20, MIB, 900), new long[0]);
    series.add(sample(20, 30, MIB, 3), new long[0]);

    assertThat(series.maxLagRecords()).isEqualTo(900);
    assertThat(series.endLagRecords()).isEqualTo(3);
  }

  @Test
  void p99OfTheFirstAndOfTheLastMinuteCombineTheirIntervals() {
    SoakSeries series = new SoakSeries();
    // 30 s intervals over 3 minutes; interval k's 100 answers took k ms, k+1 ms, ... (k+99) ms
    for (int k = 0; k < 6; k++) {
      series.add(sample(k * 30, (k + 1) * 30, MIB, 0), millis(k * 1000L, 100));
    }

    // first minute: intervals 0 and 1 (0..99 and 1000..1099 ms): the 198th of 200 is 1097 ms
    assertThat(series.p99FirstMinuteMs()).isCloseTo(1097.0, within(1e-9));
    // last minute: intervals 4 and 5 (4000..4099 and 5000..5099 ms)
    assertThat(series.p99LastMinuteMs()).isCloseTo(5097.0, within(1e-9));
  }

  @Test
  void totalsAddUpTheIntervals() {
    SoakSeries series = new SoakSeries();
    series.add(new Sample(0, 10, 50, 48, 1, 2, 3, 0, 2, MIB, 5, MIB, MIB, MIB, 40, 0, 1), new long[0]);
    series.add(new Sample(10, 20, 50, 52, 1, 2, 3, 0, 0, MIB, 5, MIB, MIB, MIB, 40, 0, 1), new long[0]);

    assertThat(series.sent()).isEqualTo(100);
    assertThat(series.answered()).isEqualTo(100);
  }

  private static Sample sample(double from, double to, long heapBytes, long lag) {
    return new Sample(from, to, 0, 0, 0, 0, 0, lag, 0, heapBytes, 0, 0, 0, 0, 0, 0, 0);
  }

  /** {@code count} round trips of {@code fromMs}, {@code fromMs + 1}, ... ms, ascending, in nanoseconds. */
  private static long[] millis(long fromMs, int count) {
    return LongStream.range(fromMs, fromMs + count).map(ms -> ms * 1_000_000).toArray();
  }
}
