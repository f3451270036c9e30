package io.pullproof.kafka;

/**
 * Why a record went to the dead-letter topic: a closed set, written by name into the {@code
 * pullproof.dlq.reason} header, counted by the {@code reason} tag of {@code
 * pullproof.kafka.records.deadlettered}. Replay tools select by it, so renaming one is a breaking
 * change.
 */
public enum DeadLetterReason {
  /** The value is not a valid Avro record in the Confluent wire format. */
  UNDECODABLE,
  /** The value names a schema id the registry does not know. */
  UNKNOWN_SCHEMA,
  /** The value is null (a tombstone) on a topic of events. */
  EMPTY_VALUE,
  /** The handler found a required field missing or empty. */
  MISSING_FIELD,
  /** The handler found a field whose value breaks a rule (format, range, enum). */
  INVALID_FIELD,
  /** The handler does not support this event type or schema version. */
  UNSUPPORTED_EVENT,
  /** The same event id arrived earlier with different content. */
  CONFLICTING_DUPLICATE,
  /** The handler failed on this record alone with a non-transient error it did not classify. */
  HANDLER_FAILED
}
