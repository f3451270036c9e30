package io.pullproof.stack.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {
  @Test
  void certificateNamesLoopbackIpAndLocalhost(@TempDir Path dir) throws Exception {
    X509Certificate certificate = TlsMaterial.loadOrCreate(dir).certificate();

    assertThat(certificate.getSubjectAlternativeNames())
        .contains(List.of(7, "127.0.0.1"), List.of(2, "localhost"));
    certificate.verify(certificate.getPublicKey());
  }

  @Test
  void truststoreHoldsTheCertificateUnderTheDocumentedPassword(@TempDir Path dir) throws Exception {
    TlsMaterial tls = TlsMaterial.loadOrCreate(dir);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.truststore())) {
      store.load(in, TlsMaterial.TRUSTSTORE_PASSWORD.toCharArray());
    }

    assertThat(store.getCertificate(store.aliases().nextElement())).isEqualTo(tls.certificate());
  }

  @Test
  void existingFilesAreReused(@TempDir Path dir) throws Exception {
    TlsMaterial first = TlsMaterial.loadOrCreate(dir);
    Files.delete(first.truststore());

    TlsMaterial second = TlsMaterial.loadOrCreate(dir);

    assertThat(second.certificate()).isEqualTo(first.certificate());
    assertThat(second.truststore()).exists();
    assertThat(Files.readString(second.privateKeyPem())).startsWith("-----BEGIN PRIVATE KEY-----\n");
  }
}
