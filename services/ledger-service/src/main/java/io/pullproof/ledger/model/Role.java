package io.pullproof.ledger.model;

import java.util.Locale;

/**
 * API roles, each including the ones before it: a reader sees grants and statistics, an auditor
 * also the start audit trail, revocations and dead letters, an admin may also create revocations.
 */
public enum Role {
  READER,
  AUDITOR,
  ADMIN;

  public boolean includes(Role required) {
    return ordinal() >= required.ordinal();
  }

  /** {@code reader}, {@code auditor} or {@code admin}, case-insensitive. */
  public static Role parse(String text) {
    for (Role role : values()) {
      if (role.name().equalsIgnoreCase(text.trim())) {
        return role;
      }
    }
    throw new IllegalArgumentException("role '" + text + "' must be one of reader, auditor, admin");
  }

  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
