package io.pullproof.stack.oci;

/**
 * Which repositories a grant or a public mark covers: an exact name ({@code base/alpine}), a
 * prefix ending in {@code /*} ({@code team-a/*}: everything below {@code team-a/}, at any depth,
 * but not {@code team-a} itself), or {@code *} for every repository.
 */
record RepositoryPattern(String pattern) {
  RepositoryPattern {
    if (pattern == null || pattern.isBlank()) {
      throw new IllegalArgumentException("repository pattern must not be blank");
    }
    int star = pattern.indexOf('*');
    boolean wildcardOk = star < 0 || pattern.equals("*")
        || (star == pattern.length() - 1 && pattern.endsWith("/*") && pattern.length() > 2);
    if (!wildcardOk) {
      throw new IllegalArgumentException("repository pattern '" + pattern
          + "': '*' may only stand alone or end the pattern as '/*'");
    }
  }

  boolean matches(String repository) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.endsWith("/*")) {
      // Keep the slash in the prefix: "team-a/*" must not cover "team-ab/app".
      return repository.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return pattern.equals(repository);
  }
}
