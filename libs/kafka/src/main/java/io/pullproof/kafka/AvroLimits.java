package io.pullproof.kafka;

/**
 * Upper bounds for lengths Avro reads from foreign bytes before it allocates: a string or bytes
 * field whose length prefix says 1 GiB made Avro allocate 1 GiB (found by fuzzing, {@code
 * tools/fuzz}), an {@code OutOfMemoryError} that stopped the consumer. Avro 1.12 checks lengths
 * against system properties it reads once, when its {@code SystemLimitException} class is first
 * used (on the first decode), so every decoder of ours calls {@link #install()} before it decodes
 * (CachingAvroDeserializer when its class loads, the audit's EventDecoder when it is built).
 * An over-long value then fails with {@code SystemLimitException}, an {@code AvroRuntimeException}
 * that {@link FailureClassifier} calls poison: one dead letter. A value already set on the
 * command line ({@code -Dorg.apache.avro.limits...}) is kept.
 */
public final class AvroLimits {
  /** Our largest events are a few KiB; 1 MiB leaves room without letting one record hurt the heap. */
  static final int MAX_STRING_BYTES = 1 << 20;
  static final int MAX_BYTES = 1 << 20;
  static final int MAX_COLLECTION_ITEMS = 100_000;

  static {
    setIfAbsent("org.apache.avro.limits.string.maxLength", MAX_STRING_BYTES);
    setIfAbsent("org.apache.avro.limits.bytes.maxLength", MAX_BYTES);
    setIfAbsent("org.apache.avro.limits.collectionItems.maxLength", MAX_COLLECTION_ITEMS);
  }

  private AvroLimits() {}

  /** Idempotent; the work is done once, by this class's initialisation. */
  public static void install() {}

  private static void setIfAbsent(String property, int value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, Integer.toString(value));
    }
  }
}
