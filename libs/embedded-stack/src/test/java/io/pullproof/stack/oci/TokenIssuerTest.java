package io.pullproof.stack.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token a registry receives, checked without starting the HTTPS server. */
class TokenIssuerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir static Path dir;
  private static TokenIssuer issuer;
  private static String[] parts;

  @BeforeAll
  static void issueOneToken() {
    issuer = new TokenIssuer(TlsMaterial.loadOrCreate(dir), TokenIssuerConfig.defaults());
    String token = issuer.issue("alice", List.of(new ResourceAccess("repository", "team-a/app", List.of("pull"))), NOW);
    parts = token.split("\\.");
  }

  @Test
  void tokenIsThreeBase64UrlParts() {
    assertThat(parts).hasSize(3);
    assertThat(String.join("", parts)).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void headerNamesRs256AndCarriesTheSigningCertificate() throws Exception {
    JsonNode header = decode(parts[0]);

    assertThat(header.path("alg").asText()).isEqualTo("RS256");
    byte[] der = Base64.getDecoder().decode(header.path("x5c").get(0).asText());
    var certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    assertThat(issuer.signingCertificatePem()).contains(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der));
    assertThat(certificate).isNotEqualTo(issuer.tls().certificate());
  }

  @Test
  void signatureVerifiesWithTheCertificateInTheHeader() throws Exception {
    byte[] der = Base64.getDecoder().decode(decode(parts[0]).path("x5c").get(0).asText());
    var certificate = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initVerify(certificate.getPublicKey());
    signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));

    assertThat(signature.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
  }

  @Test
  void claimsNameIssuerSubjectAudienceTimesAndAccess() throws Exception {
    JsonNode claims = decode(parts[1]);
    TokenIssuerConfig config = TokenIssuerConfig.defaults();

    assertThat(claims.path("iss").asText()).isEqualTo(config.issuer());
    assertThat(claims.path("sub").asText()).isEqualTo("alice");
    assertThat(claims.path("aud").asText()).isEqualTo(config.service());
    assertThat(claims.path("iat").asLong()).isEqualTo(NOW.getEpochSecond());
    assertThat(claims.path("nbf").asLong()).isEqualTo(NOW.getEpochSecond());
    assertThat(claims.path("exp").asLong()).isEqualTo(NOW.plus(config.tokenLifetime()).getEpochSecond());
    assertThat(claims.path("jti").asText()).isNotBlank();
    assertThat(claims.path("access")).isEqualTo(JSON.readTree(
        "[{\"type\":\"repository\",\"name\":\"team-a/app\",\"actions\":[\"pull\"]}]"));
  }

  private static JsonNode decode(String part) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(part));
  }
}
