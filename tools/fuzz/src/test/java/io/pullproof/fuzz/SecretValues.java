package io.pullproof.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The values of a docker config that may be secrets, for "the error message does not quote them" checks. */
public final class SecretValues {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Shorter values are too likely to occur in a message by chance ("a", "is", "string"). */
  private static final int MIN_LENGTH = 12;

  private SecretValues() {}

  /**
   * Long string values of a JSON document, minus those that occur inside an object key (keys are
   * registry addresses, which a message may name); empty when the bytes are not JSON.
   */
  public static Set<String> in(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
    Set<String> values = new HashSet<>();
    Set<String> keys = new HashSet<>();
    List<JsonNode> pending = new ArrayList<>();
    if (root != null) {
      pending.add(root);
    }
    while (!pending.isEmpty()) {
      JsonNode node = pending.remove(pending.size() - 1);
      if (node.isTextual() && node.textValue().length() >= MIN_LENGTH) {
        values.add(node.textValue());
      }
      node.fieldNames().forEachRemaining(keys::add);
      node.elements().forEachRemaining(pending::add);
    }
    values.removeIf(value -> keys.stream().anyMatch(key -> key.contains(value)));
    return values;
  }
}
