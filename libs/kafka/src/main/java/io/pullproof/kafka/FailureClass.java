package io.pullproof.kafka;

/** What the consumer loop does about a failure; decided by {@link FailureClassifier} only. */
public enum FailureClass {
  /**
   * Retrying cannot help (credentials, authorisation, protocol, configuration): stop, not ready.
   */
  FATAL,
  /** The record itself is bad: dead-letter it with a reason and move past it. */
  POISON,
  /** The world is briefly unwell (network, timeouts, a busy database): back off, retry. */
  TRANSIENT
}
