package io.pullproof.sim.run;

import io.pullproof.agent.enforce.StartDecision;
import io.pullproof.events.DecisionSource;
import io.pullproof.sim.node.SimulatedNode;
import io.pullproof.sim.workload.PodStart;
import io.pullproof.sim.compare.Comparison;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What happened in the window, counted as starts complete (thread-safe). A start is authorised or
 * not by the ground truth alone; how it was decided comes from the agent.
 */
final class SimulationCounts {
  final LongAdder attempts = new LongAdder();
  final LongAdder allowed = new LongAdder();
  final LongAdder repulled = new LongAdder();
  final LongAdder pulled = new LongAdder();
  final LongAdder blocked = new LongAdder();
  final LongAdder unauthorizedStarts = new LongAdder();
  final LongAdder unauthorizedAttempts = new LongAdder();
  final LongAdder unauthorizedAttemptsBlocked = new LongAdder();
  final LongAdder attacks = new LongAdder();
  final LongAdder attacksBlocked = new LongAdder();
  final LongAdder restarts = new LongAdder();
  final LongAdder injectedBypasses = new LongAdder();
  final LongAdder injectedTampers = new LongAdder();
  final Map<String, LongAdder> verdictsByReason = new ConcurrentHashMap<>();
  final Map<String, LongAdder> decisionSources = new ConcurrentHashMap<>();
  final Map<String, List<Long>> latencyBySource = new ConcurrentHashMap<>();

  void count(SimulatedNode.Result result, boolean authorised, PodStart.Kind kind) {
    attempts.increment();
    StartDecision decision = result.decision();
    if (kind == PodStart.Kind.RESTART) {
      restarts.increment();
    }
    if (decision.verdict() != null && decision.source() != DecisionSource.CACHED_VERDICT) {
      verdictsByReason.computeIfAbsent(decision.verdict().getVerdict() + "/" + decision.verdict().getReason(),
          r -> new LongAdder()).increment();
    }
    String source = decision.action() == StartDecision.Action.PULL ? "RUNTIME_PULL" : String.valueOf(decision.source());
    decisionSources.computeIfAbsent(source, s -> new LongAdder()).increment();
    latencyBySource.computeIfAbsent(source, s -> Collections.synchronizedList(new ArrayList<>())).add(result.latencyNanos());
    if (result.started()) {
      if (decision.action() == StartDecision.Action.PULL) {
        pulled.increment();
      } else if (decision.source() == DecisionSource.VERDICT || decision.source() == DecisionSource.CACHED_VERDICT) {
        allowed.increment();
      } else {
        repulled.increment();
      }
    } else {
      blocked.increment();
    }
    if (!authorised) {
      unauthorizedAttempts.increment();
      if (result.started()) {
        unauthorizedStarts.increment();
      } else {
        unauthorizedAttemptsBlocked.increment();
      }
    }
    if (kind == PodStart.Kind.ATTACK) {
      attacks.increment();
      if (!result.started()) {
        attacksBlocked.increment();
      }
    }
  }

  void bypassed() {
    injectedBypasses.increment();
  }

  void tampered() {
    injectedTampers.increment();
  }

  /** Containers that run: allowed, verified, pulled, and injected bypasses. */
  long starts() {
    return allowed.sum() + repulled.sum() + pulled.sum() + injectedBypasses.sum();
  }

  static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
    Map<String, Long> sorted = new TreeMap<>();
    counters.forEach((k, v) -> sorted.put(k, v.sum()));
    return sorted;
  }

  /** p50/p99 (ms) and count of the start latency per decision source. */
  Map<String, Object> latencyBySource() {
    Map<String, Object> bySource = new TreeMap<>();
    latencyBySource.forEach((source, nanos) -> {
      List<Long> copy;
      synchronized (nanos) {
        copy = new ArrayList<>(nanos);
      }
      bySource.put(source, Map.of("p50", Math.round(Comparison.percentileMs(copy, 0.5) * 1000) / 1000.0,
          "p99", Math.round(Comparison.percentileMs(copy, 0.99) * 1000) / 1000.0, "count", copy.size()));
    });
    return bySource;
  }

  String progressLine(double seconds, double startsPerSecond) {
    StringBuilder line = new StringBuilder(String.format("[%5.1fs] starts %,d%s | allowed %,d repulled %,d pulled %,d"
            + " | blocked %,d (unauthorised attempts blocked %,d of %,d, unauthorised starts %d) | verdicts",
        seconds, starts(), Double.isNaN(startsPerSecond) ? "" : String.format(" (%.0f/s)", startsPerSecond),
        allowed.sum(), repulled.sum(), pulled.sum(), blocked.sum(), unauthorizedAttemptsBlocked.sum(),
        unauthorizedAttempts.sum(), unauthorizedStarts.sum()));
    snapshot(verdictsByReason).forEach((reason, n) -> line.append(' ').append(reason).append('=').append(n));
    return line.toString();
  }
}
