package io.pullproof.credentials;

import java.util.Objects;

/**
 * Where a pull secret lives: what the ledger records instead of the secret itself.
 *
 * @param namespace the secret's namespace
 * @param name the secret's name
 * @param uid the secret's uid; it changes when a secret is deleted and created again
 */
public record SecretCoordinates(String namespace, String name, String uid) {
  public SecretCoordinates {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
  }
}
