package io.pullproof.kafka;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link BatchHandler} made of a batch: everything it did not reject was handled.
 *
 * @param rejected records the handler found invalid; each goes to the dead-letter topic with its
 *     reason, and the loop then commits past it like any other
 */
public record BatchResult(List<Rejection> rejected) {

  private static final BatchResult ALL_HANDLED = new BatchResult(List.of());

  /** Copies the list. */
  public BatchResult {
    rejected = List.copyOf(rejected);
  }

  /** Every record was handled. */
  public static BatchResult allHandled() {
    return ALL_HANDLED;
  }

  /** The given records were rejected, the others handled. */
  public static BatchResult rejecting(List<Rejection> rejected) {
    return new BatchResult(rejected);
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
