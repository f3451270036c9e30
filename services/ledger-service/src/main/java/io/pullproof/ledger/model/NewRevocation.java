package io.pullproof.ledger.model;

/**
 * A revocation an operator asks for, checked in the constructor so the API can answer 400 naming
 * the field.
 */
public record NewRevocation(RevocationScope scope, String value, String cluster, String reason) {

  public NewRevocation {
    if (scope == null) {
      throw new InvalidFieldException("scope", "is required: one of SECRET_UID, CREDENTIAL_HASH, SERVICE_ACCOUNT_UID, NAMESPACE");
    }
    if (value == null || value.isBlank()) {
      throw new InvalidFieldException("value", "is required and must not be blank");
    }
    if (reason == null || reason.isBlank()) {
      throw new InvalidFieldException("reason", "is required and must not be blank");
    }
    if (cluster != null && scope != RevocationScope.NAMESPACE) {
      throw new InvalidFieldException("cluster", "only limits a NAMESPACE revocation");
    }
    if (value.length() > 512 || reason.length() > 2000) {
      throw new InvalidFieldException(value.length() > 512 ? "value" : "reason", "is too long");
    }
  }
}
