package io.pullproof.sim.compare;

/**
 * A credential as the kubelet's KEP-2535 records know it: a pull secret by hash of its content
 * and by coordinates (namespace/name/uid, which survive a rotation), the node credential by its
 * hash, or anonymous.
 */
public record Credential(Kind kind, String hash, String coordinates) {
  public enum Kind { SECRET, NODE_CREDENTIAL, ANONYMOUS }

  public static final Credential ANONYMOUS = new Credential(Kind.ANONYMOUS, null, null);

  public static Credential secret(String hash, String coordinates) {
    return new Credential(Kind.SECRET, hash, coordinates);
  }

  public static Credential node(String hash) {
    return new Credential(Kind.NODE_CREDENTIAL, hash, null);
  }
}
