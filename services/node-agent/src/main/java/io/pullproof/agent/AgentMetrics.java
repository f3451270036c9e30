package io.pullproof.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.StartOutcome;
import io.pullproof.oci.ManifestCheck;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Every metric of the node agent, named {@code pullproof.agent.<noun>} in base units, with typed
 * accessors so call sites cannot misspell a name or a tag.
 */
public final class AgentMetrics {
  public static final String STARTS = "pullproof.agent.starts";
  public static final String VERDICT_WAIT = "pullproof.agent.verdict.wait";
  public static final String REGISTRY_CHECKS = "pullproof.agent.registry.checks";
  public static final String CACHE_HITS = "pullproof.agent.allow.cache.hits";
  public static final String CACHE_FLUSHES = "pullproof.agent.allow.cache.flushes";
  public static final String PUBLISH_FAILURES = "pullproof.agent.publish.failures";
  public static final String UNREADABLE_RECORDS = "pullproof.agent.records.unreadable";
  public static final String PULLS_REPORTED = "pullproof.agent.pulls.reported";

  private final MeterRegistry registry;

  public AgentMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records nothing anyone reads: for tests and tools. */
  public static AgentMetrics noop() {
    return new AgentMetrics(new SimpleMeterRegistry());
  }

  public void start(StartOutcome outcome, DecisionSource source) {
    Counter.builder(STARTS).description("Container starts enforced, by outcome and decision source")
        .tag("outcome", outcome.name()).tag("source", source.name()).register(registry).increment();
  }

  /** {@code result}: verdict, timeout or error. */
  public void verdictWait(String result, Duration waited) {
    Timer.builder(VERDICT_WAIT).description("Time from start request to verdict (or giving up)")
        .tag("result", result).register(registry).record(waited);
  }

  public void registryCheck(ManifestCheck.Result result) {
    Counter.builder(REGISTRY_CHECKS).description("Manifest HEADs of registry verifications, by result")
        .tag("result", result.name()).register(registry).increment();
  }

  public void cacheHit() {
    registry.counter(CACHE_HITS).increment();
  }

  public void cacheFlush() {
    registry.counter(CACHE_FLUSHES).increment();
  }

  public void publishFailure(String topic) {
    registry.counter(PUBLISH_FAILURES, "topic", topic).increment();
  }

  public void unreadableRecord(String topic) {
    registry.counter(UNREADABLE_RECORDS, "topic", topic).increment();
  }

  public void pullReported() {
    registry.counter(PULLS_REPORTED).increment();
  }

  public void cacheSize(Supplier<Number> size) {
    registry.gauge("pullproof.agent.allow.cache.entries", size, s -> s.get().doubleValue());
  }
}
