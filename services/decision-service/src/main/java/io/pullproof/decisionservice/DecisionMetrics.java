package io.pullproof.decisionservice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.pullproof.decision.Reason;
import io.pullproof.decisionservice.state.LogEvent;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The decision service's metrics, names in one place ({@code pullproof.decision.*}, base units).
 * A port with a no-op default ({@link #noop()}), so tests and tools need no registry.
 */
public final class DecisionMetrics {
  public static final String VERDICTS = "pullproof.decision.verdicts";
  public static final String BATCH_DURATION = "pullproof.decision.batch.duration";
  public static final String BATCH_SIZE = "pullproof.decision.batch.size";
  public static final String REJECTED = "pullproof.decision.requests.rejected";
  public static final String LOG_APPLIED = "pullproof.decision.log.applied";
  public static final String PARTITION_LOAD = "pullproof.decision.partition.load.duration";
  public static final String GRANTS = "pullproof.decision.grants";

  private final MeterRegistry registry;
  private final Map<Reason, Counter> verdicts = new EnumMap<>(Reason.class);
  private final Timer batchDuration;
  private final DistributionSummary batchSize;
  private final Counter rejected;
  private final Counter pullsApplied;
  private final Counter revocationsApplied;
  private final Timer partitionLoad;

  public DecisionMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Reason reason : Reason.values()) {
      verdicts.put(reason, Counter.builder(VERDICTS).description("verdicts issued")
          .tag("outcome", reason.outcome().name()).tag("reason", reason.name()).register(registry));
    }
    batchDuration = Timer.builder(BATCH_DURATION).description("deciding and publishing one batch of start requests, until acknowledged")
        .register(registry);
    batchSize = DistributionSummary.builder(BATCH_SIZE).description("start requests per batch").register(registry);
    rejected = Counter.builder(REJECTED).description("start requests dead-lettered as invalid").register(registry);
    pullsApplied = Counter.builder(LOG_APPLIED).tag("event", "pull").description("log events applied to the in-memory state")
        .register(registry);
    revocationsApplied = Counter.builder(LOG_APPLIED).tag("event", "revocation")
        .description("log events applied to the in-memory state").register(registry);
    partitionLoad = Timer.builder(PARTITION_LOAD).description("snapshot + log catch-up of newly assigned partitions")
        .register(registry);
  }

  /** Records nothing. */
  public static DecisionMetrics noop() {
    return new DecisionMetrics(new CompositeMeterRegistry());
  }

  public void verdict(Reason reason) {
    verdicts.get(reason).increment();
  }

  public void batch(int size, long nanos) {
    batchSize.record(size);
    batchDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void rejected() {
    rejected.increment();
  }

  public void applied(LogEvent event) {
    (event instanceof LogEvent.Pull ? pullsApplied : revocationsApplied).increment();
  }

  public void partitionsLoaded(int partitions, double seconds) {
    partitionLoad.record((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
  }

  /** Registers the gauge of grants held; {@code grants} is read at scrape time. */
  public void grantsHeld(Supplier<Number> grants) {
    Gauge.builder(GRANTS, grants).description("grants held in memory (revoked ones included)").register(registry);
  }
}
