package io.pullproof.ledger.ingest;

import io.pullproof.kafka.DeadLetterReason;

/** An event the ledger will never store: it goes to the dead-letter topic with this reason. */
final class RejectedEventException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient DeadLetterReason reason;

  RejectedEventException(DeadLetterReason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  DeadLetterReason reason() {
    return reason;
  }
}
