package io.pullproof.kafka;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link BatchHandler} made of a batch: everything it did not reject was handled.
 *
 * @param rejected records the handler found invalid; each goes to the dead-letter topic with its
 *     reason, and the loop then commits past it like any other
 * @param acknowledged completes when what the handler wrote is durable (a producer's
 *     acknowledgements); already complete for handlers whose stage completes only once their work
 *     is durable. With {@link OffsetStorage#KAFKA_ASYNC} the loop hands the handler its next batch
 *     before this completes and commits the offsets only after it (see {@code libs/kafka/DESIGN.md},
 *     "Acknowledgements in flight"); with the other storages it waits for it before committing.
 */
public record BatchResult(List<Rejection> rejected, CompletionStage<?> acknowledged) {

  private static final CompletionStage<?> DURABLE = CompletableFuture.completedFuture(null);
  private static final BatchResult ALL_HANDLED = new BatchResult(List.of(), DURABLE);

  /** Copies the list. */
  public BatchResult {
    rejected = List.copyOf(rejected);
    Objects.requireNonNull(acknowledged, "acknowledged");
  }

  /** Every record was handled, durably. */
  public static BatchResult allHandled() {
    return ALL_HANDLED;
  }

  /** The given records were rejected, the others handled durably. */
  public static BatchResult rejecting(List<Rejection> rejected) {
    return new BatchResult(rejected, DURABLE);
  }

  /**
   * The records not rejected were handled and their output sent; it is durable once {@code
   * acknowledged} completes. A failure of {@code acknowledged} is classified like a handler failure
   * and makes the loop read the batch again.
   */
  public static BatchResult sent(List<Rejection> rejected, CompletionStage<?> acknowledged) {
    return new BatchResult(rejected, acknowledged);
  }

  /**
   * One record the handler refused.
   *
   * @param record the record, as the handler received it
   * @param reason why, from the closed set
   * @param detail a message for a human: the field and the offending value
   */
  public record Rejection(ConsumedRecord<?> record, DeadLetterReason reason, String detail) {

    /** All components are required. */
    public Rejection {
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
