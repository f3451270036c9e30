package io.pullproof.decision;

/**
 * The grants of the fleet, grouped by image reference and normalised name. It hands out
 * {@code int} handles instead of objects, and numbers credential hashes and coordinates, so that
 * evaluating a request compares integers and allocates no object per grant. A decision resolves
 * the request's credentials once ({@link #credentialIdOf}, {@link #subjectIdOf}), walks one group
 * with {@link #first} and {@link #next}, and reads the few fields it needs. {@link #grant(int)}
 * materialises a handle as a {@link Grant}.
 *
 * <p>A handle is valid until the index is next modified.
 */
public interface GrantIndex {

  /** No grant (the end of a group, a group that does not exist), or no id. */
  int NONE = -1;

  /** How many grants are held, revoked ones included. */
  int size();

  /** The first grant recorded for this image reference under this name, or {@link #NONE}. */
  int first(String imageRef, String name);

  /** The grant after {@code grant} in its group, or {@link #NONE}. */
  int next(int grant);

  GrantKind kind(int grant);

  /** Whether a revocation withdrew the grant. */
  boolean revoked(int grant);

  /** When the registry last confirmed the grant, in milliseconds since the epoch. */
  long verifiedAtMillis(int grant);

  /** The id of a credential hash held by some grant, or {@link #NONE} when no grant holds it. */
  int credentialIdOf(String credentialHash);

  /** The id of coordinates held by some grant, or {@link #NONE} when no grant holds them. */
  int subjectIdOf(ObjectRef subject);

  /** The id of the secret's or node credential's hash; {@link #NONE} for other kinds. */
  int credentialId(int grant);

  /** The id of the secret's or service account's coordinates; {@link #NONE} for other kinds. */
  int subjectId(int grant);

  /** The secret's or node credential's hash; {@code null} for other kinds. */
  String credentialHash(int grant);

  /** The secret's or service account's coordinates; {@code null} for other kinds. */
  ObjectRef subject(int grant);

  /**
   * The cluster of the grant's secret or service account; {@code null} when unknown and for
   * other kinds.
   */
  String cluster(int grant);

  /** The grant as a value. */
  Grant grant(int grant);
}
