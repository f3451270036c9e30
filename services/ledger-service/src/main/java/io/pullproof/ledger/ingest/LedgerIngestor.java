package io.pullproof.ledger.ingest;

import io.pullproof.kafka.BatchHandler;
import io.pullproof.kafka.BatchResult;
import io.pullproof.kafka.ConsumedBatch;
import io.pullproof.kafka.ConsumedRecord;
import io.pullproof.ledger.LedgerMetrics;
import io.pullproof.ledger.store.LedgerStore;
import io.pullproof.ledger.store.LedgerWrites;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The ledger's {@link BatchHandler}: validates each event of a poll, collects the rows of the good
 * ones and writes them with the batch's next offsets in one transaction on {@code executor} (never
 * on the poll thread). Rejected events are reported back to the loop, which dead-letters them; the
 * ledger also keeps a row per rejection in {@code dead_letters}. A database failure fails the stage
 * and the loop retries the whole batch, which is safe because every write is idempotent.
 */
public final class LedgerIngestor implements BatchHandler<Object> {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerIngestor.class);

  private final LedgerStore store;
  private final Executor executor;
  private final LedgerMetrics metrics;

  public LedgerIngestor(LedgerStore store, Executor executor, LedgerMetrics metrics) {
    this.store = store;
    this.executor = executor;
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<BatchResult> handle(ConsumedBatch<Object> batch) {
    LedgerWrites writes = new LedgerWrites();
    List<BatchResult.Rejection> rejected = new ArrayList<>();
    for (ConsumedRecord<Object> record : batch.records()) {
      try {
        EventRows.add(writes, record.value());
      } catch (RejectedEventException e) {
        try (var mdc = record.putMdc(); var event = MDC.putCloseable("event_id", String.valueOf(EventRows.eventId(record.value())))) {
          LOG.warn("rejecting event: {} ({})", e.getMessage(), e.reason());
        }
        rejected.add(new BatchResult.Rejection(record, e.reason(), e.getMessage()));
        writes.addDeadLetter(new LedgerWrites.DeadLetterRow(record.topic(), record.partition(), record.offset(),
            e.reason().name(), e.getMessage()));
      }
    }
    return CompletableFuture.supplyAsync(() -> {
      try (var mdc = MDC.putCloseable(ConsumedRecord.MDC_KEY, batch.coordinates())) {
        long start = System.nanoTime();
        store.apply(writes, batch.nextOffsets());
        metrics.batchStored(batch.records().size() - rejected.size(), rejected.size(), System.nanoTime() - start);
        LOG.debug("stored {} of {} events in {} ms", writes.size(), batch.records().size(), (System.nanoTime() - start) / 1_000_000);
        return rejected.isEmpty() ? BatchResult.allHandled() : BatchResult.rejecting(rejected);
      } catch (java.sql.SQLException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, executor);
  }
}
