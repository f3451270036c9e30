package io.pullproof.kafka;

import java.util.Objects;

/**
 * Lets a handler state the class of its failure when the exception type alone would mislead, e.g. a
 * store that knows a constraint violation means "retry after the parent row arrives". {@link
 * FailureClassifier} honours the first one it finds in a cause chain.
 */
public class ClassifiedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final FailureClass failureClass;

  /** A failure of the given class with a message and an optional cause. */
  public ClassifiedException(FailureClass failureClass, String message, Throwable cause) {
    super(message, cause);
    this.failureClass = Objects.requireNonNull(failureClass, "failureClass");
  }

  /** A failure of the given class with a message. */
  public ClassifiedException(FailureClass failureClass, String message) {
    this(failureClass, message, null);
  }

  /** The class the thrower chose. */
  public FailureClass failureClass() {
    return failureClass;
  }
}
