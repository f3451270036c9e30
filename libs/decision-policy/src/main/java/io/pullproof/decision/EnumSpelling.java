package io.pullproof.decision;

import java.util.Locale;

/**
 * How enum constants are spelled in configuration and JSON: the constant's words in camel case.
 * {@code SERVICE_ACCOUNT} is {@code serviceAccount} in JSON and {@code NEVER_VERIFY} is
 * {@code NeverVerify} in configuration, as Kubernetes spells its own values.
 */
final class EnumSpelling {
  private EnumSpelling() {}

  /** {@code SERVICE_ACCOUNT_UID} → {@code serviceAccountUid}. */
  static String lowerCamel(Enum<?> constant) {
    String upper = upperCamel(constant);
    return Character.toLowerCase(upper.charAt(0)) + upper.substring(1);
  }

  /** {@code IF_NOT_PRESENT} → {@code IfNotPresent}. */
  static String upperCamel(Enum<?> constant) {
    StringBuilder camel = new StringBuilder();
    for (String word : constant.name().split("_")) {
      camel.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return camel.toString();
  }

  /** The constant of {@code type} spelled {@code spelling} in lower camel case, or {@code null}. */
  static <E extends Enum<E>> E fromLowerCamel(Class<E> type, String spelling) {
    for (E constant : type.getEnumConstants()) {
      if (lowerCamel(constant).equals(spelling)) {
        return constant;
      }
    }
    return null;
  }

  /** The constant of {@code type} spelled {@code spelling} in upper camel case, or {@code null}. */
  static <E extends Enum<E>> E fromUpperCamel(Class<E> type, String spelling) {
    for (E constant : type.getEnumConstants()) {
      if (upperCamel(constant).equals(spelling)) {
        return constant;
      }
    }
    return null;
  }
}
