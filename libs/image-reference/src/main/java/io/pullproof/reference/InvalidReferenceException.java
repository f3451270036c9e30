package io.pullproof.reference;

import java.util.Objects;

/**
 * An image reference that the distribution reference grammar rejects. The message names the input
 * and the part that is wrong; {@link #problem()} is the same reason as a closed set.
 */
public final class InvalidReferenceException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Why a reference was rejected. */
  public enum Problem {
    /** The input is empty. */
    EMPTY,
    /** The input is longer than any valid reference can be. */
    TOO_LONG,
    /** 64 lowercase hex characters: ambiguous with an image id. */
    AMBIGUOUS_IDENTIFIER,
    /** Uppercase letters in the repository path (they are allowed only in the domain). */
    UPPERCASE_PATH,
    /** The domain is not a host name, IPv4 address or bracketed IPv6 address with an optional port. */
    INVALID_DOMAIN,
    /** A path component is empty or breaks the path-component grammar. */
    INVALID_PATH,
    /** The tag breaks {@code [\w][\w.-]{0,127}}. */
    INVALID_TAG,
    /** The digest is not {@code algorithm:hex} or its hex part is not lowercase. */
    INVALID_DIGEST,
    /** The digest's hex part has the wrong length for its algorithm. */
    INVALID_DIGEST_LENGTH,
    /** The digest algorithm is not sha256, sha384 or sha512. */
    UNSUPPORTED_DIGEST_ALGORITHM,
    /** The repository name (domain/path) is longer than 255 characters. */
    NAME_TOO_LONG,
    /** Anything else the grammar rejects. */
    INVALID_FORMAT
  }

  private final Problem problem;

  InvalidReferenceException(Problem problem, String message) {
    super(message);
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  public Problem problem() {
    return problem;
  }
}
