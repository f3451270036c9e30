package io.pullproof.agent.api;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The local API's TLS identity: a PEM certificate chain and its PKCS#8 PEM key, checked when the
 * agent starts (both parse, and the key signs what the certificate's public key verifies), so a
 * wrong file fails start-up naming the setting instead of failing every hook call later. With it
 * the API speaks only HTTPS: a plain-HTTP request gets no answer.
 *
 * @param certificateFile PEM certificate chain, the server's certificate first
 * @param keyFile the certificate's private key, {@code BEGIN PRIVATE KEY} (PKCS#8)
 */
public record ApiTls(Path certificateFile, Path keyFile) {
  private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PKCS8_END = "-----END PRIVATE KEY-----";

  /**
   * Reads and cross-checks both files.
   *
   * @param certificateSetting name of the certificate setting, for messages
   * @param keySetting name of the key setting, for messages
   * @throws IllegalArgumentException naming the setting and file at fault (never the key's content)
   */
  public static ApiTls load(Path certificateFile, String certificateSetting, Path keyFile, String keySetting) {
    String certificateWhere = certificateSetting + "='" + certificateFile + "'";
    String keyWhere = keySetting + "='" + keyFile + "'";
    X509Certificate certificate = certificate(certificateFile, certificateWhere);
    PrivateKey key = privateKey(keyFile, keyWhere, certificate.getPublicKey().getAlgorithm());
    if (!matches(key, certificate)) {
      throw new IllegalArgumentException(keyWhere + ": is not the private key of the certificate in " + certificateWhere);
    }
    return new ApiTls(certificateFile, keyFile);
  }

  /** HTTPS server options presenting this identity. */
  HttpServerOptions serverOptions() {
    return new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certificateFile.toString()).setKeyPath(keyFile.toString()));
  }

  private static X509Certificate certificate(Path file, String where) {
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(
          new ByteArrayInputStream(Files.readAllBytes(file)))) {
        chain.add((X509Certificate) c);
      }
      if (chain.isEmpty()) {
        throw new IllegalArgumentException(where + ": holds no PEM certificate");
      }
      return chain.get(0);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": cannot be read: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(where + ": is not a PEM certificate chain: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(Path file, String where, String algorithm) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": cannot be read: " + e.getMessage());
    }
    int begin = pem.indexOf(PKCS8_BEGIN);
    int end = pem.indexOf(PKCS8_END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(where + ": must hold a PKCS#8 key (" + PKCS8_BEGIN
          + "); convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), end));
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // The exception's text is about the encoding, never the key bytes.
      throw new IllegalArgumentException(where + ": is not a valid " + algorithm + " PKCS#8 key (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** Signs a random challenge with the key and verifies it with the certificate. */
  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
