package io.pullproof.agent.enforce;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust of registry verifications: the JDK's CAs plus, optionally, the certificates of a
 * PEM file (a private registry's CA). A server is trusted when either set trusts it.
 */
public final class RegistryTrust {
  private RegistryTrust() {}

  /** {@code caFile} null: the JDK's CAs only. */
  public static SSLContext sslContext(Path caFile) {
    try {
      List<X509TrustManager> managers = new ArrayList<>();
      managers.add(trustManager(null));
      if (caFile != null) {
        KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
        extra.load(null, null);
        int i = 0;
        for (Certificate certificate : readPem(caFile)) {
          extra.setCertificateEntry("ca-" + i++, certificate);
        }
        if (i == 0) {
          throw new IllegalArgumentException("no certificate in " + caFile);
        }
        managers.add(trustManager(extra));
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new EitherTrustManager(managers)}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("registry CA file " + caFile + " cannot be used: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("registry CA file " + caFile + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> readPem(Path file) throws IOException, CertificateException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
  }

  private static X509TrustManager trustManager(KeyStore keyStore) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(keyStore);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X509TrustManager available");
  }

  /** Trusts a server when any delegate does; never trusts clients (the agent is only a client). */
  private record EitherTrustManager(List<X509TrustManager> delegates) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("the node agent does not accept client certificates");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      CertificateException last = null;
      for (X509TrustManager delegate : delegates) {
        try {
          delegate.checkServerTrusted(chain, authType);
          return;
        } catch (CertificateException e) {
          last = e;
        }
      }
      throw last;
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegates.stream().flatMap(d -> java.util.Arrays.stream(d.getAcceptedIssuers())).toArray(X509Certificate[]::new);
    }
  }
}
