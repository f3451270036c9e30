package io.pullproof.stack.oci;

import java.time.Duration;

/**
 * Settings of a {@link TokenIssuer}; the registry's {@code auth.token} section repeats the first two.
 *
 * @param service       the registry's name: clients send it as {@code service}, tokens carry it as {@code aud}
 * @param issuer        the tokens' {@code iss}, which the registry checks
 * @param tokenLifetime how long a token is valid; Docker clients expect at least 60 s
 * @param port          loopback port to listen on, 0 for a free one
 */
public record TokenIssuerConfig(String service, String issuer, Duration tokenLifetime, int port) {
  public TokenIssuerConfig {
    requireText("service", service);
    requireText("issuer", issuer);
    if (tokenLifetime == null || tokenLifetime.compareTo(Duration.ofSeconds(60)) < 0) {
      throw new IllegalArgumentException("tokenLifetime=" + tokenLifetime + ": must be at least 60 s");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port=" + port + ": must be 0 (free port) or 1-65535");
    }
  }

  public static TokenIssuerConfig defaults() {
    return new TokenIssuerConfig("pullproof-registry", "pullproof-token-issuer", Duration.ofMinutes(5), 0);
  }

  /** The same settings on a fixed port: the dev stack reuses its ports between runs. */
  public TokenIssuerConfig withPort(int fixedPort) {
    return new TokenIssuerConfig(service, issuer, tokenLifetime, fixedPort);
  }

  private static void requireText(String key, String value) {
    // The values land in the registry's YAML and in JWT claims; whitespace would only confuse both.
    if (value == null || value.isBlank() || !value.strip().equals(value)) {
      throw new IllegalArgumentException(key + "='" + value + "': must be non-blank without surrounding spaces");
    }
  }
}
