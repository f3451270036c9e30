package io.pullproof.credentials;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.pullproof.credentials.CredentialSource.NodeCredentials;
import io.pullproof.credentials.CredentialSource.PullSecret;
import io.pullproof.reference.ImageReference;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pins the test vectors of docs/credential-identity.md (computed independently of this code). */
class CredentialIdentityTest {
  private static final FleetKey KEY_A = FleetKey.of("fleet-2026-11", bytes(0));
  private static final FleetKey KEY_B = FleetKey.of("fleet-2027-01", bytes(32));
  private static final CredentialHasher HASHER_A = new CredentialHasher(KEY_A);
  private static final CredentialHasher HASHER_B = new CredentialHasher(KEY_B);
  private static final RegistryCredential ROBOT =
      new RegistryCredential("registry.example.com", "robot", "s3cret", "", "");

  private static byte[] bytes(int first) {
    byte[] bytes = new byte[32];
    IntStream.range(0, 32).forEach(i -> bytes[i] = (byte) (first + i));
    return bytes;
  }

  static Stream<Arguments> vectors() {
    return Stream.of(
        arguments("V1", HASHER_A, ROBOT, "hmac-sha256:fleet-2026-11:s-FEnNNUB9Yum4zKXLhljKagr7i14hzwTR64mE7XekI"),
        arguments("V2", HASHER_A, new RegistryCredential("index.docker.io", "alice", "pässwörd", "", ""),
            "hmac-sha256:fleet-2026-11:AD7NwqBudbsSHuun7fqvvi-dNKfcBT2O-QGptUUietI"),
        arguments("V3", HASHER_A, new RegistryCredential("quay.io/org", "", "", "idt-0123", ""),
            "hmac-sha256:fleet-2026-11:3BEqxrA8ND_-9Rhb9U3pyYPBJfDyO1jZY8v9JoJ_VF0"),
        arguments("V4", HASHER_A, new RegistryCredential("ghcr.io", "", "", "", "rt-4567"),
            "hmac-sha256:fleet-2026-11:wy8BlFxv0epeEy6IWodUHg6Qxtzf2fazSnZsgMRSRtM"),
        arguments("V5", HASHER_A,
            new ServiceAccountIdentity("team-a", "builder", "6f1c2a7e-0d3b-4b8e-9a51-2c7d9e0f1a2b"),
            "hmac-sha256:fleet-2026-11:nukufhUQjHje2met-nwSHjB3U_uCWs-5n16prrD14o8"),
        arguments("V6", HASHER_A, AnonymousIdentity.INSTANCE,
            "hmac-sha256:fleet-2026-11:18RsqvETsrn_eesm_ywX98vecgOitEz4PJ8Sse-kwa8"),
        arguments("V7", HASHER_B, ROBOT, "hmac-sha256:fleet-2027-01:4ijhcZq5280U9KDIiwO6Vi0jTeL4FCcIkOMk5UyNilY"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void hashMatchesThePublishedVector(String name, CredentialHasher hasher, CredentialMaterial material,
      String expected) {
    CredentialHash hash = hasher.hash(material);

    assertThat(hash).hasToString(expected);
    assertThat(CredentialHash.parse(expected)).isEqualTo(hash);
    assertThat(hasher.matches(hash, material)).isTrue();
  }

  @Test
  void canonicalEncodingMatchesThePublishedBytes() {
    HexFormat hex = HexFormat.of();

    assertThat(hex.formatHex(CanonicalEncoding.encode(ROBOT))).isEqualTo(
        "0000001770756c6c70726f6f662d63726564656e7469616c2d7631"
            + "000000087265676973747279"
            + "0000001472656769737472792e6578616d706c652e636f6d"
            + "00000005726f626f74"
            + "00000006733363726574"
            + "00000000" + "00000000");
    assertThat(hex.formatHex(CanonicalEncoding.encode(AnonymousIdentity.INSTANCE))).isEqualTo(
        "0000001770756c6c70726f6f662d63726564656e7469616c2d7631" + "00000009616e6f6e796d6f7573");
  }

  @Test
  void identicalMaterialHashesEqualWhateverTheSecretLooksLike() {
    String passwordFields = "{\"auths\": {\"https://registry.example.com/v2/\": "
        + "{\"username\": \"robot\", \"password\": \"s3cret\", \"email\": \"a@example.com\"}}}";
    String authField = "{\"registry.example.com\": {\"auth\": \"cm9ib3Q6czNjcmV0\", \"email\": \"b@example.com\"}}";
    PullSecret first = new PullSecret(new SecretCoordinates("a", "one", "u1"),
        DockerConfig.parseDockerConfigJson(passwordFields.getBytes(UTF_8)));
    PullSecret second = new PullSecret(new SecretCoordinates("b", "two", "u2"),
        DockerConfig.parseDockercfg(authField.getBytes(UTF_8)));
    NodeCredentials node = new NodeCredentials("/var/lib/kubelet/config.json",
        DockerConfig.parseDockerConfigJson(passwordFields.getBytes(UTF_8)));

    List<CredentialHash> hashes = Keyring.of(List.of(first, second, node))
        .lookup(ImageReference.parse("registry.example.com/app")).stream()
        .map(match -> HASHER_A.hash(match.credential())).toList();

    assertThat(hashes).hasSize(3).containsOnly(HASHER_A.hash(ROBOT));
  }

  static Stream<Arguments> changedMaterial() {
    return Stream.of(
        arguments("registry key", new RegistryCredential("registry.example.com/team", "robot", "s3cret", "", "")),
        arguments("username", new RegistryCredential("registry.example.com", "robot2", "s3cret", "", "")),
        arguments("password", new RegistryCredential("registry.example.com", "robot", "s3cret!", "", "")),
        arguments("identity token", new RegistryCredential("registry.example.com", "robot", "s3cret", "t", "")),
        arguments("registry token", new RegistryCredential("registry.example.com", "robot", "s3cret", "", "t")),
        arguments("field boundary", new RegistryCredential("registry.example.com", "robots", "3cret", "", "")),
        arguments("value moved to another field", new RegistryCredential("registry.example.com", "robot", "", "s3cret", "")),
        arguments("kind", new ServiceAccountIdentity("registry.example.com", "robot", "s3cret")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changedMaterial")
  void anyChangeInTheMaterialChangesTheHash(String changed, CredentialMaterial material) {
    assertThat(HASHER_A.hash(material)).isNotEqualTo(HASHER_A.hash(ROBOT));
    assertThat(HASHER_A.matches(HASHER_A.hash(ROBOT), material)).isFalse();
  }

  @Test
  void anonymousDiffersFromAnEmptyRegistryCredential() {
    assertThat(HASHER_A.hash(AnonymousIdentity.INSTANCE))
        .isNotEqualTo(HASHER_A.hash(new RegistryCredential("", "", "", "", "")));
  }

  @Test
  void serviceAccountsDifferByUid() {
    assertThat(HASHER_A.hash(new ServiceAccountIdentity("ns", "sa", "uid-1")))
        .isNotEqualTo(HASHER_A.hash(new ServiceAccountIdentity("ns", "sa", "uid-2")));
    assertThatThrownBy(() -> new ServiceAccountIdentity("ns", "sa", ""))
        .hasMessage("service account uid must not be empty");
  }

  @Test
  void hashUnderARotatedKeyNeverMatchesSoTheDecisionDegradesToRepull() {
    CredentialHash recordedBeforeRotation = HASHER_A.hash(ROBOT);
    CredentialHash sameSecretBytesNewId =
        new CredentialHasher(FleetKey.of("fleet-2027-01", bytes(0))).hash(ROBOT);

    assertThat(HASHER_B.hash(ROBOT)).isNotEqualTo(recordedBeforeRotation);
    assertThat(HASHER_B.matches(recordedBeforeRotation, ROBOT)).isFalse();
    // Even a key with the same bytes under a new id gives a different hash.
    assertThat(sameSecretBytesNewId).isNotEqualTo(recordedBeforeRotation);
    assertThat(HASHER_B.matches(sameSecretBytesNewId, ROBOT)).isFalse();
  }

  @Test
  void nullFieldIsRefused() {
    assertThatThrownBy(() -> new RegistryCredential("r.io", null, "", "", ""))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void loneSurrogateIsRejectedRatherThanReplaced() {
    assertThatThrownBy(() -> HASHER_A.hash(new RegistryCredential("r.io", "u", "\ud800", "", "")))
        .hasMessageContaining("not valid Unicode");
  }

  @Test
  void fleetKeyIsValidatedAndMasked() {
    assertThat(FleetKey.fromBase64("fleet-2026-11", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="))
        .isEqualTo(KEY_A)
        .hasToString("FleetKey[keyId=fleet-2026-11, secret=<masked>]");
    assertThatThrownBy(() -> FleetKey.of("k", new byte[31])).hasMessageContaining("at least 32");
    assertThatThrownBy(() -> FleetKey.of("a:b", new byte[32])).hasMessageContaining("fleet key id (a:b)");
    assertThatThrownBy(() -> FleetKey.fromBase64("k", "not base64!")).hasMessage("fleet key k is not valid base64");
  }

  @Test
  void hashTextIsValidated() {
    assertThatThrownBy(() -> CredentialHash.parse("sha256:k:abc")).hasMessageContaining("must be hmac-sha256");
    assertThatThrownBy(() -> CredentialHash.parse("hmac-sha256:k:short")).hasMessageContaining("43 characters");
    assertThatThrownBy(() -> CredentialHash.parse("hmac-sha256::" + "A".repeat(43)))
        .hasMessageContaining("not a valid key id");
  }
}
