package io.pullproof.stack.oci;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An RSA key with a self-signed certificate. The TLS endpoints and the token signer each use one:
 * nothing here is trusted beyond this machine, so a CA chain would only add moving parts.
 */
record SelfSignedCertificate(PrivateKey privateKey, X509Certificate certificate) {
  // Long enough that a dev stack's data dir outlives no certificate in practice.
  private static final Duration VALIDITY = Duration.ofDays(5 * 365);
  // Clocks of the JVM and the registry may differ a little; start the validity in the past.
  private static final Duration BACKDATE = Duration.ofDays(1);

  /**
   * Marked CA:TRUE like `openssl req -x509` does, so tools that insist on a CA in their trust
   * store (OpenSSL, curl) accept the certificate as its own issuer.
   */
  static SelfSignedCertificate generate(String commonName, GeneralName... subjectAltNames) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair keys = generator.generateKeyPair();
      var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
      Instant now = Instant.now();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
          new BigInteger(64, new SecureRandom()).setBit(63), Date.from(now.minus(BACKDATE)),
          Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyCertSign));
      if (subjectAltNames.length > 0) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(subjectAltNames));
      }
      var signer = new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate());
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
      return new SelfSignedCertificate(keys.getPrivate(), certificate);
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("could not generate a certificate for " + commonName, e);
    }
  }

  /** Reads what {@link #certificatePem()} and {@link #privateKeyPem()} wrote. */
  static SelfSignedCertificate read(Path certificateFile, Path privateKeyFile) {
    try {
      byte[] certificateDer = pemBody(Files.readString(certificateFile, StandardCharsets.US_ASCII), "CERTIFICATE");
      byte[] keyDer = pemBody(Files.readString(privateKeyFile, StandardCharsets.US_ASCII), "PRIVATE KEY");
      var certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(certificateDer));
      PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(keyDer));
      return new SelfSignedCertificate(key, certificate);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + certificateFile + " or " + privateKeyFile, e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("unusable certificate or key in " + certificateFile + " / " + privateKeyFile, e);
    }
  }

  /** True while the certificate stays valid for at least {@code margin} from now. */
  boolean validFor(Duration margin) {
    Instant now = Instant.now();
    return certificate.getNotBefore().toInstant().isBefore(now)
        && certificate.getNotAfter().toInstant().isAfter(now.plus(margin));
  }

  String certificatePem() {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("certificate cannot be encoded", e);
    }
  }

  /** PKCS#8 ("BEGIN PRIVATE KEY"): the JDK encodes RSA keys so, and Go's tls.LoadX509KeyPair reads it. */
  String privateKeyPem() {
    return pem("PRIVATE KEY", privateKey.getEncoded());
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static byte[] pemBody(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("no " + type + " PEM block");
    }
    return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
  }
}
