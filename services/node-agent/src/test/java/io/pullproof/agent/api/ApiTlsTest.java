package io.pullproof.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.stack.oci.TlsMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTlsTest {
  @TempDir
  Path dir;

  @Test
  void aMatchingCertificateAndKeyLoad() {
    TlsMaterial tls = TlsMaterial.loadOrCreate(dir);
    ApiTls loaded = ApiTls.load(tls.certificatePem(), "CERT", tls.privateKeyPem(), "KEY");
    assertThat(loaded.certificateFile()).isEqualTo(tls.certificatePem());
    assertThat(loaded.serverOptions().isSsl()).isTrue();
  }

  @Test
  void theKeyOfAnotherCertificateIsRefusedNamingTheKeySetting() {
    TlsMaterial one = TlsMaterial.loadOrCreate(dir.resolve("one"));
    TlsMaterial other = TlsMaterial.loadOrCreate(dir.resolve("other"));
    assertThatThrownBy(() -> ApiTls.load(one.certificatePem(), "CERT", other.privateKeyPem(), "KEY"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("KEY='" + other.privateKeyPem() + "': is not the private key of the certificate");
  }

  @Test
  void aFileWithoutACertificateIsRefusedNamingTheCertificateSetting() throws Exception {
    TlsMaterial tls = TlsMaterial.loadOrCreate(dir);
    // The key file in the certificate's place: a common mix-up.
    assertThatThrownBy(() -> ApiTls.load(tls.privateKeyPem(), "CERT", tls.privateKeyPem(), "KEY"))
        .hasMessageStartingWith("CERT='" + tls.privateKeyPem() + "'");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertThatThrownBy(() -> ApiTls.load(empty, "CERT", tls.privateKeyPem(), "KEY"))
        .hasMessageStartingWith("CERT='" + empty + "'");
  }

  @Test
  void aNonPkcs8KeyIsRefusedWithTheConversionCommandAndWithoutItsContent() throws Exception {
    TlsMaterial tls = TlsMaterial.loadOrCreate(dir);
    String pkcs1 = Files.readString(tls.privateKeyPem()).replace("PRIVATE KEY", "RSA PRIVATE KEY");
    Path key = Files.writeString(dir.resolve("rsa.pem"), pkcs1);
    String body = pkcs1.lines().skip(1).findFirst().orElseThrow();
    assertThatThrownBy(() -> ApiTls.load(tls.certificatePem(), "CERT", key, "KEY"))
        .hasMessageStartingWith("KEY='" + key + "': must hold a PKCS#8 key")
        .hasMessageContaining("openssl pkcs8 -topk8")
        .message().doesNotContain(body);
  }
}
