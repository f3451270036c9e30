package io.pullproof.decision;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one definition of a grant's id, shared by the ledger (primary key), the decision service
 * (the id a verdict relied on) and the audit replay (which recomputes it). A grant is one
 * credential proving one image under one name, so the id covers image reference, name, kind and
 * the credential's stable key: the secret's uid (a rotated secret keeps its grant and gets the new
 * hash), the service account's uid, the node credential's hash; nothing for anonymous.
 */
public final class GrantId {
  private GrantId() {}

  public static String of(Grant grant) {
    return of(grant.imageRef(), grant.name(), grant.kind(), stableKey(grant));
  }

  /** {@code g-} + the first 32 hex digits of SHA-256 over the NUL-separated fields. */
  public static String of(String imageRef, String name, GrantKind kind, String credentialKey) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {imageRef, name, kind.name(), credentialKey == null ? "" : credentialKey}) {
        sha256.update(part.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
      }
      return "g-" + HexFormat.of().formatHex(sha256.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Secret uid, service account uid, node credential hash, or null for anonymous. */
  public static String stableKey(Grant grant) {
    return switch (grant.kind()) {
      case SECRET, SERVICE_ACCOUNT -> grant.subject().uid();
      case NODE_CREDENTIAL -> grant.credentialHash();
      case ANONYMOUS -> null;
    };
  }
}
