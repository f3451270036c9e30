package io.pullproof.decision;

/**
 * Coordinates of a Kubernetes object (a pull secret or a service account): all three must be
 * equal for two references to denote the same object, as the kubelet compares them.
 */
public record ObjectRef(String namespace, String name, String uid) {
  public ObjectRef {
    requireText(namespace, "namespace");
    requireText(name, "name");
    requireText(uid, "uid");
  }

  /** Uid first: it tells two objects apart on its own (it is unique per object). */
  @Override
  public boolean equals(Object other) {
    return other == this || (other instanceof ObjectRef ref
        && uid.equals(ref.uid) && name.equals(ref.name) && namespace.equals(ref.namespace));
  }

  /** The uid's hash: one string to hash on the decision path instead of three. */
  @Override
  public int hashCode() {
    return uid.hashCode();
  }

  static String requireText(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    return value;
  }
}
