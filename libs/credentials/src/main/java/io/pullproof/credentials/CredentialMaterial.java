package io.pullproof.credentials;

import java.util.List;

/**
 * What identifies a credential, before hashing. The canonical encoding and its test vectors are in
 * {@code docs/credential-identity.md}.
 */
public sealed interface CredentialMaterial
    permits RegistryCredential, ServiceAccountIdentity, AnonymousIdentity {

  /** The kind, second field of the canonical encoding: "registry", "service-account", "anonymous". */
  String kind();

  /** The kind-specific fields in canonical order, each non-null. */
  List<String> fields();
}
