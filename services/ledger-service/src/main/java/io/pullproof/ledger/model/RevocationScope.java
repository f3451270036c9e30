package io.pullproof.ledger.model;

/** Which grant attribute a revocation matches; the names are the Avro enum's and the SQL CHECK's. */
public enum RevocationScope {
  SECRET_UID,
  CREDENTIAL_HASH,
  SERVICE_ACCOUNT_UID,
  NAMESPACE
}
