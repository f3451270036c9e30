package io.pullproof.cli.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The samples of one soak and what they add up to: the heap's trend, the consumer lag, the round
 * trips of the first and of the last minute. Holds the latencies of the first minute and of a
 * rolling last minute only, so its own memory stops growing after the first minute (it lives in
 * the heap it measures).
 */
final class SoakSeries {
  static final double MINUTE_SECONDS = 60;
  private static final double MIB = 1024.0 * 1024.0;

  /**
   * One sample interval, {@code fromSeconds} to {@code toSeconds} after the soak started (as
   * scheduled). Round trips are of the answers that arrived in the interval; the rest is read at
   * its end: heap used after a full GC and that GC's pause, heap committed after it (G1 gives
   * memory back after a full GC, which moves the RSS), non-heap used (metaspace, code cache), the
   * machine's 1-minute load average.
   */
  record Sample(double fromSeconds, double toSeconds, long sent, long answered, double p50Ms, double p99Ms, double maxMs,
      long lagRecords, long inFlight, long heapUsedBytes, double gcPauseMs, long heapCommittedBytes, long nonHeapUsedBytes,
      long rssBytes, int threads, double senderBehindMs, double loadAverage) {

    double heapMiB() {
      return heapUsedBytes / MIB;
    }
  }

  private record Interval(double fromSeconds, long[] sortedNanos) {}

  private final List<Sample> samples = new ArrayList<>();
  private final List<long[]> firstMinute = new ArrayList<>();
  private final Deque<Interval> lastMinute = new ArrayDeque<>();

  /** Adds the sample of the interval whose answers took {@code sortedNanos} (ascending). */
  void add(Sample sample, long[] sortedNanos) {
    samples.add(sample);
    if (sample.toSeconds() <= MINUTE_SECONDS) {
      firstMinute.add(sortedNanos);
    }
    lastMinute.addLast(new Interval(sample.fromSeconds(), sortedNanos));
    while (lastMinute.peekFirst().fromSeconds() < sample.toSeconds() - MINUTE_SECONDS) {
      lastMinute.removeFirst();
    }
  }

  List<Sample> samples() {
    return List.copyOf(samples);
  }

  /** p99 of every answer that arrived in the intervals ending within the first minute. */
  double p99FirstMinuteMs() {
    return p99(firstMinute);
  }

  /** p99 of every answer that arrived in the intervals starting within the last minute. */
  double p99LastMinuteMs() {
    return p99(lastMinute.stream().map(Interval::sortedNanos).toList());
  }

  private static double p99(List<long[]> intervals) {
    long[] all = intervals.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return DecisionBenchAgents.percentileMs(all, 0.99);
  }

  /** True when at least two samples end after the first minute: the heap slope leaves out the first minute. */
  boolean slopeSkipsFirstMinute() {
    return afterFirstMinute().size() >= 2;
  }

  /**
   * Least-squares slope of the heap in MiB per minute, over the samples after the first minute
   * (start-up allocations, JIT, the first caches filling); over all samples when the run is too
   * short for that; NaN with fewer than two samples.
   */
  double heapSlopeMiBPerMinute() {
    List<Sample> fitted = slopeSkipsFirstMinute() ? afterFirstMinute() : samples;
    double[] minutes = fitted.stream().mapToDouble(s -> s.toSeconds() / MINUTE_SECONDS).toArray();
    double[] mib = fitted.stream().mapToDouble(Sample::heapMiB).toArray();
    return slope(minutes, mib);
  }

  private List<Sample> afterFirstMinute() {
    return samples.stream().filter(s -> s.toSeconds() > MINUTE_SECONDS).toList();
  }

  long maxLagRecords() {
    return samples.stream().mapToLong(Sample::lagRecords).max().orElse(0);
  }

  long endLagRecords() {
    return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).lagRecords();
  }

  long sent() {
    return samples.stream().mapToLong(Sample::sent).sum();
  }

  long answered() {
    return samples.stream().mapToLong(Sample::answered).sum();
  }

  /** Least-squares slope of {@code y} over {@code x}; NaN with fewer than two distinct x. */
  static double slope(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
    }
    double meanX = Arrays.stream(x).average().orElse(Double.NaN);
    double meanY = Arrays.stream(y).average().orElse(Double.NaN);
    double covariance = 0;
    double varianceX = 0;
    for (int i = 0; i < x.length; i++) {
      covariance += (x[i] - meanX) * (y[i] - meanY);
      varianceX += (x[i] - meanX) * (x[i] - meanX);
    }
    return varianceX == 0 ? Double.NaN : covariance / varianceX;
  }

  /**
   * Records a consumer group has still to read: per partition, the end offset minus the group's
   * committed offset, never below 0 (a guard: read at different moments, a commit could be ahead).
   * A partition the group has not committed on counts from offset 0: the soak's topics are new
   * and the service reads them from the earliest offset.
   */
  static long lag(Map<TopicPartition, Long> endOffsets, Map<TopicPartition, Long> committed) {
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
      lag += Math.max(0, end.getValue() - committed.getOrDefault(end.getKey(), 0L));
    }
    return lag;
  }
}
