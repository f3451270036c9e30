package io.pullproof.kafka;

/** A fatal failure that stops a {@link ConsumerLoop}; its cause is what {@code failure()} shows. */
final class LoopFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  LoopFailure(String consumer, FailureClassifier.Stage stage, Throwable cause) {
    super("consumer loop " + consumer + " stopped by a fatal failure at " + stage, cause);
  }
}
