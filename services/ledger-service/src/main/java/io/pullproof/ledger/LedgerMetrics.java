package io.pullproof.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * The ledger's own meters (the consumer loop adds {@code pullproof.kafka.*}): names in one place,
 * typed accessors, and a no-op default for unit tests (STYLE.md §7).
 */
public final class LedgerMetrics {
  public static final String EVENTS_STORED = "pullproof.ledger.events.stored";
  public static final String EVENTS_REJECTED = "pullproof.ledger.events.rejected";
  public static final String BATCH_WRITE = "pullproof.ledger.batch.write";
  public static final String API_REQUESTS = "pullproof.ledger.api.requests";
  public static final String REVOCATIONS_PUBLISHED = "pullproof.ledger.revocations.published";

  private final MeterRegistry registry;
  private final Counter stored;
  private final Counter rejected;
  private final Timer batchWrite;
  private final Counter revocationsPublished;

  public LedgerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.stored = Counter.builder(EVENTS_STORED).description("events written to PostgreSQL").register(registry);
    this.rejected = Counter.builder(EVENTS_REJECTED).description("events the ledger rejected (dead-lettered)").register(registry);
    this.batchWrite = Timer.builder(BATCH_WRITE).description("one batch's transaction").register(registry);
    this.revocationsPublished = Counter.builder(REVOCATIONS_PUBLISHED).description("revocations created through the API").register(registry);
  }

  public static LedgerMetrics noop() {
    return new LedgerMetrics(new CompositeMeterRegistry());
  }

  public void batchStored(int storedEvents, int rejectedEvents, long nanos) {
    stored.increment(storedEvents);
    rejected.increment(rejectedEvents);
    batchWrite.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void revocationPublished() {
    revocationsPublished.increment();
  }

  /** Times one API request by route and status. */
  public void apiRequest(String route, int status, long nanos) {
    Timer.builder(API_REQUESTS).tag("route", route).tag("status", Integer.toString(status))
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  public MeterRegistry registry() {
    return registry;
  }
}
