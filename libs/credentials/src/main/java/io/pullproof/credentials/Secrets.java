package io.pullproof.credentials;

/** How a secret value is shown in toString output: only whether it is set. */
final class Secrets {
  private Secrets() {}

  static String mask(String secret) {
    return secret.isEmpty() ? "<empty>" : "<masked>";
  }
}
