package io.pullproof.credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns credential material into {@link CredentialHash}es under the current fleet key. Raw
 * secrets go in, only hashes come out. Thread-safe.
 */
public final class CredentialHasher {
  private static final String ALGORITHM = "HmacSHA256";

  private final String keyId;
  private final SecretKeySpec key;

  public CredentialHasher(FleetKey fleetKey) {
    Objects.requireNonNull(fleetKey, "fleetKey");
    this.keyId = fleetKey.keyId();
    this.key = new SecretKeySpec(fleetKey.secret(), ALGORITHM);
  }

  /** The id of the key this hasher uses. */
  public String keyId() {
    return keyId;
  }

  public CredentialHash hash(CredentialMaterial material) {
    Objects.requireNonNull(material, "material");
    byte[] mac = mac(CanonicalEncoding.encode(material));
    return new CredentialHash(keyId, Base64.getUrlEncoder().withoutPadding().encodeToString(mac));
  }

  /**
   * True when {@code recorded} is this material's hash under the current key. A hash made under
   * another key id never matches, so after a key rotation the decision falls back to REPULL.
   */
  public boolean matches(CredentialHash recorded, CredentialMaterial material) {
    Objects.requireNonNull(recorded, "recorded");
    if (!recorded.keyId().equals(keyId)) {
      return false;
    }
    byte[] expected = hash(material).mac().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, recorded.mac().getBytes(StandardCharsets.US_ASCII));
  }

  private byte[] mac(byte[] input) {
    try {
      Mac hmac = Mac.getInstance(ALGORITHM);
      hmac.init(key);
      return hmac.doFinal(input);
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is required of every Java platform (Mac javadoc), so this is a broken JDK.
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
