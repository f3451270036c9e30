package io.pullproof.cli.bench;

import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * An open-loop load generator: request {@code i} is due at {@code start + i / rate} and is sent
 * then, whatever happened to earlier ones; its latency runs from its due time to its completion.
 * A slow answer therefore delays no later request and every stall shows in the percentiles
 * (no coordinated omission, unlike a closed-loop client such as wrk).
 */
final class OpenLoop {
  private OpenLoop() {}

  /**
   * Latencies of the requests due after the warm-up; failed and unanswered ones are counted, not
   * timed. {@code latencies[j]} belongs to request {@code firstMeasured + j} (0 when it has none).
   */
  record Run(int rate, int firstMeasured, long[] latencies, int errors, int unanswered, double p50Ms, double p99Ms,
      double maxMs) {

    /** p99 in ms of the measured requests {@code i} that {@code include} accepts. */
    double p99Ms(java.util.function.IntPredicate include) {
      long[] sorted = java.util.stream.IntStream.range(0, latencies.length)
          .filter(j -> latencies[j] > 0 && include.test(firstMeasured + j)).mapToLong(j -> latencies[j]).sorted().toArray();
      return DecisionBenchAgents.percentileMs(sorted, 0.99);
    }
  }

  /** The slowest answer (ms) among the requests due in each second of the measured window. */
  static java.util.List<Double> maxMsBySecond(Run run) {
    java.util.List<Double> seconds = new java.util.ArrayList<>();
    for (int from = 0; from < run.latencies().length; from += run.rate()) {
      long max = 0;
      for (int j = from; j < Math.min(from + run.rate(), run.latencies().length); j++) {
        max = Math.max(max, run.latencies()[j]);
      }
      seconds.add(Math.round(max / 1e4) / 100.0);
    }
    return seconds;
  }

  /**
   * Request numbers (as passed to {@code send}) of up to {@code max} measured requests that got no
   * latency: failed or unanswered. For the JSON, so a lost request can be looked at.
   */
  static java.util.List<Integer> withoutLatency(Run run, int max) {
    java.util.List<Integer> found = new java.util.ArrayList<>();
    for (int j = 0; j < run.latencies().length && found.size() < max; j++) {
      if (run.latencies()[j] == 0) {
        found.add(run.firstMeasured() + j);
      }
    }
    return found;
  }

  /**
   * Offers {@code rate} requests a second for {@code warmupSeconds + measureSeconds}; {@code send}
   * starts request {@code i} and must not block. Waits up to 15 s for the last answers.
   */
  static Run run(int rate, int warmupSeconds, int measureSeconds, IntFunction<CompletionStage<?>> send)
      throws InterruptedException {
    int total = rate * (warmupSeconds + measureSeconds);
    int firstMeasured = rate * warmupSeconds;
    int measured = total - firstMeasured;
    long[] latencies = new long[measured];
    AtomicInteger done = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    long intervalNanos = 1_000_000_000L / rate;
    long start = System.nanoTime() + 10_000_000L;
    for (int i = 0; i < total; i++) {
      long dueAt = start + i * intervalNanos;
      long wait;
      while ((wait = dueAt - System.nanoTime()) > 0) {
        if (wait > 200_000) {
          LockSupport.parkNanos(wait - 100_000);
        } else {
          Thread.onSpinWait();
        }
      }
      int slot = i - firstMeasured;
      CompletionStage<?> stage;
      try {
        stage = send.apply(i);
      } catch (RuntimeException e) {
        stage = java.util.concurrent.CompletableFuture.failedFuture(e);
      }
      stage.whenComplete((value, error) -> {
        if (slot < 0) {
          return;
        }
        if (error != null) {
          errors.incrementAndGet();
          latencies[slot] = 0;
        } else {
          latencies[slot] = System.nanoTime() - dueAt;
        }
        done.incrementAndGet();
      });
    }
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (done.get() < measured && System.nanoTime() < drainDeadline) {
      Thread.sleep(10);
    }
    // Each slot was written before its completion was counted, so reading after the count is safe.
    long[] sorted = Arrays.stream(latencies).filter(nanos -> nanos > 0).sorted().toArray();
    int unanswered = measured - done.get();
    return new Run(rate, firstMeasured, latencies, errors.get(), unanswered, DecisionBenchAgents.percentileMs(sorted, 0.50),
        DecisionBenchAgents.percentileMs(sorted, 0.99), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
  }
}
