package io.pullproof.stack.oci;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a registry token's {@code access} claim ({@code {"type","name","actions"}}). A
 * requested scope has the same three parts, written {@code repository:team-a/app:pull,push}.
 */
public record ResourceAccess(String type, String name, List<String> actions) {
  public ResourceAccess {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    actions = List.copyOf(actions);
  }

  /**
   * Parses a scope. The type ends at the first colon and the actions start after the last one:
   * the name between may hold a colon itself ({@code repository:localhost:5000/app:pull}).
   */
  public static ResourceAccess parse(String scope) {
    int first = scope.indexOf(':');
    int last = scope.lastIndexOf(':');
    if (first <= 0 || last <= first + 1) {
      throw new IllegalArgumentException("malformed scope '" + scope + "': expected TYPE:NAME:ACTIONS");
    }
    List<String> actions = Arrays.stream(scope.substring(last + 1).split(","))
        .map(String::trim).filter(action -> !action.isEmpty()).distinct().toList();
    return new ResourceAccess(scope.substring(0, first), scope.substring(first + 1, last), actions);
  }

  /** The scope string a registry challenge names, e.g. {@code repository:team-a/app:pull}. */
  public String scope() {
    return type + ":" + name + ":" + String.join(",", actions);
  }
}
