package io.pullproof.stack.oci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * The TLS identity of our loopback servers (registry and token issuer), kept in one directory:
 * <ul>
 *   <li>{@code cert.pem}: self-signed certificate, SAN IP:127.0.0.1 and DNS:localhost;</li>
 *   <li>{@code key.pem}: its RSA key, PKCS#8 PEM;</li>
 *   <li>{@code key-and-cert.pem}: both in one file, a PEM keystore for Kafka ({@code ssl.keystore.type=PEM});</li>
 *   <li>{@code truststore.p12}: PKCS12 holding only the certificate, password
 *       {@value #TRUSTSTORE_PASSWORD}, for JVMs started with -Djavax.net.ssl.trustStore.</li>
 * </ul>
 * Existing files are reused: the dev stack keeps its data dir between runs, and clients that
 * already trust the certificate should go on doing so.
 */
public final class TlsMaterial {
  /** Not a secret: the truststore holds a public certificate only, and PKCS12 insists on a password. */
  public static final String TRUSTSTORE_PASSWORD = "pullproof";

  private static final String ALIAS = "pullproof-loopback";
  // Regenerate rather than hand out a certificate that expires during a test run.
  private static final Duration MINIMUM_REMAINING_VALIDITY = Duration.ofDays(1);

  private final Path directory;
  private final SelfSignedCertificate identity;
  private final SSLContext clientContext;
  private final SSLContext serverContext;

  private TlsMaterial(Path directory, SelfSignedCertificate identity) {
    this.directory = directory;
    this.identity = identity;
    try {
      this.clientContext = clientContext(identity.certificate());
      this.serverContext = serverContext(identity);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not build SSL contexts from " + directory, e);
    }
  }

  /** Reads the material in {@code directory}, or creates it there when missing or about to expire. */
  public static TlsMaterial loadOrCreate(Path directory) {
    Path certificateFile = directory.resolve("cert.pem");
    Path keyFile = directory.resolve("key.pem");
    SelfSignedCertificate identity = null;
    if (Files.isRegularFile(certificateFile) && Files.isRegularFile(keyFile)) {
      identity = SelfSignedCertificate.read(certificateFile, keyFile);
    }
    boolean fresh = identity == null || !identity.validFor(MINIMUM_REMAINING_VALIDITY);
    if (fresh) {
      identity = SelfSignedCertificate.generate("pullproof loopback",
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost"));
      OwnerOnlyFile.write(keyFile, identity.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
      OwnerOnlyFile.write(certificateFile, identity.certificatePem().getBytes(StandardCharsets.US_ASCII));
    }
    Path keyAndCertificate = directory.resolve("key-and-cert.pem");
    if (fresh || !Files.isRegularFile(keyAndCertificate)) {
      OwnerOnlyFile.write(keyAndCertificate,
          (identity.privateKeyPem() + identity.certificatePem()).getBytes(StandardCharsets.US_ASCII));
    }
    Path truststore = directory.resolve("truststore.p12");
    if (fresh || !Files.isRegularFile(truststore)) {
      OwnerOnlyFile.write(truststore, truststoreBytes(identity.certificate()));
    }
    return new TlsMaterial(directory, identity);
  }

  public Path certificatePem() {
    return directory.resolve("cert.pem");
  }

  public Path privateKeyPem() {
    return directory.resolve("key.pem");
  }

  /** Key and certificate in one PEM file: what Kafka's {@code ssl.keystore.location} reads with type PEM. */
  public Path keyAndCertificatePem() {
    return directory.resolve("key-and-cert.pem");
  }

  public Path truststore() {
    return directory.resolve("truststore.p12");
  }

  public String truststorePassword() {
    return TRUSTSTORE_PASSWORD;
  }

  public X509Certificate certificate() {
    return identity.certificate();
  }

  /** For Java clients: trusts this certificate and nothing else. */
  public SSLContext sslContext() {
    return clientContext;
  }

  /** For our own HTTPS servers (the token issuer): presents this certificate. */
  SSLContext serverSslContext() {
    return serverContext;
  }

  private static KeyStore trustStore(X509Certificate certificate) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry(ALIAS, certificate);
    return store;
  }

  private static byte[] truststoreBytes(X509Certificate certificate) {
    try {
      var out = new ByteArrayOutputStream();
      trustStore(certificate).store(out, TRUSTSTORE_PASSWORD.toCharArray());
      return out.toByteArray();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not build a PKCS12 truststore", e);
    }
  }

  private static SSLContext clientContext(X509Certificate certificate) throws GeneralSecurityException, IOException {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trustStore(certificate));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static SSLContext serverContext(SelfSignedCertificate identity) throws GeneralSecurityException, IOException {
    char[] password = TRUSTSTORE_PASSWORD.toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(ALIAS, identity.privateKey(), password, new Certificate[] {identity.certificate()});
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }
}
