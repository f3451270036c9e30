package io.pullproof.decision;

/** Which credential proved access to an image, as recorded in a grant. */
public enum GrantKind {
  /** Pulled without credentials: the image is public, every node of the fleet may use it. */
  ANONYMOUS,
  /** Pulled with node-wide credentials: usable on nodes holding the same node credential. */
  NODE_CREDENTIAL,
  /** Pulled with a pod pull secret: the secret's coordinates and credential hash. */
  SECRET,
  /** Pulled with a pod service account token (KEP-4412): namespace, name and uid. */
  SERVICE_ACCOUNT;

  /** The spelling in JSON documents ({@code "kind": "serviceAccount"}). */
  public String jsonName() {
    return EnumSpelling.lowerCamel(this);
  }

  /** The kind spelled {@code jsonName}, or {@code null} when there is none. */
  public static GrantKind fromJsonName(String jsonName) {
    return EnumSpelling.fromLowerCamel(GrantKind.class, jsonName);
  }
}
