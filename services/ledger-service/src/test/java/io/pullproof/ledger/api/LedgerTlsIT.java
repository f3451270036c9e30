package io.pullproof.ledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.ledger.LedgerConfig;
import io.pullproof.ledger.LedgerFixture;
import io.pullproof.ledger.LedgerMain;
import io.pullproof.stack.oci.TlsMaterial;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API with PULLPROOF_LEDGER_TLS_CERT/KEY set, on real infrastructure: HTTPS with a self-signed
 * certificate works for a client that trusts it, fails the handshake for one that does not, and
 * plain HTTP on the same port gets no answer at all.
 */
class LedgerTlsIT {
  private static LedgerFixture f;
  private static LedgerMain.Running ledger;
  private static TlsMaterial tls;

  @BeforeAll
  static void start() throws Exception {
    tls = TlsMaterial.loadOrCreate(Files.createTempDirectory("ledger-tls"));
    f = new LedgerFixture("tls");
    f.settings().put(LedgerConfig.TLS_CERT.name(), tls.certificatePem().toString());
    f.settings().put(LedgerConfig.TLS_KEY.name(), tls.privateKeyPem().toString());
    ledger = f.startLedger();
  }

  @AfterAll
  static void stop() throws Exception {
    f.close();
  }

  @Test
  void aClientTrustingTheCertificateGetsAnswersOverHttps() throws Exception {
    HttpClient trusting = HttpClient.newBuilder().sslContext(tls.sslContext()).build();
    HttpResponse<String> grants = trusting.send(request("https", "/api/v1/grants", LedgerFixture.READER_TOKEN),
        HttpResponse.BodyHandlers.ofString());
    assertThat(grants.statusCode()).isEqualTo(200);
    assertThat(grants.sslSession()).isPresent();
    assertThat(grants.sslSession().get().getPeerCertificates()[0]).isEqualTo(tls.certificate());
    assertThat(new JsonObject(grants.body()).getJsonArray("items")).isNotNull();

    HttpResponse<String> unauthenticated = trusting.send(request("https", "/api/v1/grants", null),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unauthenticated.statusCode()).as("TLS does not replace the bearer token").isEqualTo(401);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() {
    HttpClient defaultTrust = HttpClient.newHttpClient();
    assertThatThrownBy(() -> defaultTrust.send(request("https", "/api/v1/grants", LedgerFixture.READER_TOKEN),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void plainHttpIsRefused() {
    HttpClient plain = HttpClient.newHttpClient();
    assertThatThrownBy(() -> plain.send(request("http", "/api/v1/grants", LedgerFixture.READER_TOKEN),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }

  private static HttpRequest request(String scheme, String path, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + ledger.apiPort() + path))
        .timeout(Duration.ofSeconds(30));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder.build();
  }
}
