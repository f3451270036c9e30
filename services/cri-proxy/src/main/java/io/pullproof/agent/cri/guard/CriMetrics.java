package io.pullproof.agent.cri.guard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The CRI proxy's own counters, beside the node agent's {@code pullproof.agent.*}. */
public final class CriMetrics {
  public static final String PULLS = "pullproof.cri.pulls";
  public static final String STARTS = "pullproof.cri.creates";

  private final MeterRegistry registry;

  public CriMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public static CriMetrics noop() {
    return new CriMetrics(new SimpleMeterRegistry());
  }

  /** {@code result}: reported, unattributed, failed, report_failed, unparsed. */
  void pull(String result) {
    Counter.builder(PULLS).tag("result", result).register(registry).increment();
  }

  /** {@code result}: forwarded, blocked, unparsed. */
  void start(String result) {
    Counter.builder(STARTS).tag("result", result).register(registry).increment();
  }
}
