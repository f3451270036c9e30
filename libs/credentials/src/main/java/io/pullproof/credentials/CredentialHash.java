package io.pullproof.credentials;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A credential's identity: HMAC-SHA256 of its canonical encoding under a fleet key. The text form
 * is {@code hmac-sha256:<keyId>:<mac>}, the MAC as unpadded base64url (43 characters). Hashes under
 * different key ids are never equal, so a rotated fleet key turns every old grant into a miss.
 *
 * @param keyId the id of the fleet key it was made with
 * @param mac the 32-byte MAC, unpadded base64url
 */
public record CredentialHash(String keyId, String mac) {
  static final String SCHEME = "hmac-sha256";
  private static final Pattern MAC = Pattern.compile("[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]");

  public CredentialHash {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(mac, "mac");
    if (!FleetKey.KEY_ID.matcher(keyId).matches()) {
      throw new IllegalArgumentException("credential hash key id (" + keyId + ") is not a valid key id");
    }
    if (!MAC.matcher(mac).matches()) {
      throw new IllegalArgumentException("credential hash mac (" + mac
          + ") must be 32 bytes as unpadded base64url (43 characters)");
    }
  }

  /** Reads {@code hmac-sha256:<keyId>:<mac>}. */
  public static CredentialHash parse(String text) {
    Objects.requireNonNull(text, "text");
    String[] parts = text.split(":", -1);
    if (parts.length != 3 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException("credential hash (" + text + ") must be " + SCHEME + ":<keyId>:<mac>");
    }
    return new CredentialHash(parts[1], parts[2]);
  }

  @Override
  public String toString() {
    return SCHEME + ":" + keyId + ":" + mac;
  }
}
