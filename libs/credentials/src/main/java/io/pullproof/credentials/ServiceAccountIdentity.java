package io.pullproof.credentials;

import java.util.List;
import java.util.Objects;

/**
 * A pod's service account as an image pull identity (KEP-4412): coordinates only, never a token.
 *
 * @param namespace the service account's namespace
 * @param name the service account's name
 * @param uid the service account's uid
 */
public record ServiceAccountIdentity(String namespace, String name, String uid)
    implements CredentialMaterial {

  public ServiceAccountIdentity {
    requireText(namespace, "namespace");
    requireText(name, "name");
    requireText(uid, "uid");
  }

  @Override
  public String kind() {
    return "service-account";
  }

  @Override
  public List<String> fields() {
    return List.of(namespace, name, uid);
  }

  private static void requireText(String value, String field) {
    if (Objects.requireNonNull(value, field).isEmpty()) {
      throw new IllegalArgumentException("service account " + field + " must not be empty");
    }
  }
}
