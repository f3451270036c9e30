package io.pullproof.credentials;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The fleet-wide HMAC key for credential hashes, with the id that every hash made under it
 * carries. {@link #toString()} shows the id only.
 */
public final class FleetKey {
  /** Letters, digits, '.', '_', '-'; no ':' so the id can sit inside a hash string. */
  static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** HMAC-SHA256 keys shorter than the hash length weaken it (RFC 2104 §3). */
  public static final int MIN_SECRET_BYTES = 32;

  private final String keyId;
  private final byte[] secret;

  private FleetKey(String keyId, byte[] secret) {
    this.keyId = keyId;
    this.secret = secret;
  }

  /**
   * @param keyId 1 to 64 of {@code [A-Za-z0-9._-]}, starting with a letter or digit
   * @param secret at least {@value #MIN_SECRET_BYTES} bytes; copied
   */
  public static FleetKey of(String keyId, byte[] secret) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(secret, "secret");
    if (!KEY_ID.matcher(keyId).matches()) {
      throw new IllegalArgumentException("fleet key id (" + keyId
          + ") must be 1 to 64 of [A-Za-z0-9._-], starting with a letter or digit");
    }
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("fleet key " + keyId + " has " + secret.length
          + " bytes; at least " + MIN_SECRET_BYTES + " are required");
    }
    return new FleetKey(keyId, secret.clone());
  }

  /** The secret given as standard base64, as configuration usually carries it. */
  public static FleetKey fromBase64(String keyId, String base64Secret) {
    Objects.requireNonNull(base64Secret, "base64Secret");
    byte[] secret;
    try {
      secret = Base64.getDecoder().decode(base64Secret.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("fleet key " + keyId + " is not valid base64");
    }
    return of(keyId, secret);
  }

  public String keyId() {
    return keyId;
  }

  byte[] secret() {
    return secret.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FleetKey other && keyId.equals(other.keyId) && Arrays.equals(secret, other.secret);
  }

  @Override
  public int hashCode() {
    return keyId.hashCode();
  }

  @Override
  public String toString() {
    return "FleetKey[keyId=" + keyId + ", secret=<masked>]";
  }
}
