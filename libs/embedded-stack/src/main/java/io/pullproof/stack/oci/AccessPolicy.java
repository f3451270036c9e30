package io.pullproof.stack.oci;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may do what in the registry, as the token issuer decides it: users with passwords, grants
 * (user → repository pattern → actions) and repositories anyone may pull.
 *
 * <p>Access file format ({@link #load(Path)}; every section optional, unknown keys rejected so a
 * typo does not silently grant nothing):
 * <pre>{@code
 * {
 *   "users":  {"alice": "alice-secret", "ci": "ci-secret"},
 *   "grants": {"alice": {"team-a/*": ["pull", "push"]}, "ci": {"*": ["pull"]}},
 *   "public": ["library/*", "public/base"]
 * }
 * }</pre>
 *
 * <p>Methods are synchronized: changes are rare (a test or the dev stack seeding users) and a
 * decision must see one consistent set of grants.
 */
final class AccessPolicy {
  static final Set<String> ACTIONS = Set.of("pull", "push", "delete");

  // A stand-in digest for unknown users, so their check costs what a known user's does.
  private static final byte[] UNKNOWN_USER_DIGEST = sha256(Long.toString(new SecureRandom().nextLong()));

  // Digests rather than passwords: equal-length, constant-time comparison, and no password in a heap dump.
  private final Map<String, byte[]> passwordDigests = new HashMap<>();
  private final Map<String, Map<RepositoryPattern, Set<String>>> grants = new HashMap<>();
  private final Set<RepositoryPattern> publicRepositories = new HashSet<>();

  synchronized void addUser(String username, String password) {
    if (username == null || username.isEmpty() || username.contains(":")) {
      throw new IllegalArgumentException("username '" + username + "' must be non-empty and free of ':'");
    }
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("password of user '" + username + "' must not be empty");
    }
    passwordDigests.put(username, sha256(password));
  }

  /** Adds {@code actions} to what {@code username} may do on repositories matching {@code pattern}. */
  synchronized void grant(String username, String pattern, Collection<String> actions) {
    if (!passwordDigests.containsKey(username)) {
      throw new IllegalArgumentException("grant for unknown user '" + username + "': add the user first");
    }
    for (String action : actions) {
      if (!ACTIONS.contains(action)) {
        throw new IllegalArgumentException("action '" + action + "' for user '" + username + "' is not one of " + ACTIONS);
      }
    }
    grants.computeIfAbsent(username, user -> new LinkedHashMap<>())
        .computeIfAbsent(new RepositoryPattern(pattern), p -> new HashSet<>()).addAll(actions);
  }

  synchronized void revokeGrant(String username, String pattern) {
    Map<RepositoryPattern, Set<String>> userGrants = grants.get(username);
    if (userGrants != null) {
      userGrants.remove(new RepositoryPattern(pattern));
    }
  }

  /** Anyone, with or without credentials, may pull repositories matching {@code pattern}. */
  synchronized void makePublic(String pattern) {
    publicRepositories.add(new RepositoryPattern(pattern));
  }

  /** Constant time in the password, and for unknown users too. */
  boolean authenticate(String username, String password) {
    byte[] expected;
    synchronized (this) {
      expected = passwordDigests.get(username);
    }
    boolean match = MessageDigest.isEqual(expected == null ? UNKNOWN_USER_DIGEST : expected, sha256(password));
    return expected != null && match;
  }

  /**
   * The part of {@code requested} that {@code username} (null: anonymous) may have. Only
   * repository scopes are ever granted; the registry answers insufficient_scope for the rest.
   */
  synchronized ResourceAccess permitted(String username, ResourceAccess requested) {
    Set<String> allowed = new HashSet<>();
    if ("repository".equals(requested.type())) {
      if (publicRepositories.stream().anyMatch(pattern -> pattern.matches(requested.name()))) {
        allowed.add("pull");
      }
      if (username != null) {
        grants.getOrDefault(username, Map.of()).forEach((pattern, actions) -> {
          if (pattern.matches(requested.name())) {
            allowed.addAll(actions);
          }
        });
      }
    }
    return new ResourceAccess(requested.type(), requested.name(),
        requested.actions().stream().filter(allowed::contains).toList());
  }

  /** Adds the users, grants and public repositories of an access file (format in the class comment). */
  synchronized void load(Path file) {
    AccessFile access;
    try {
      access = new ObjectMapper().readValue(file.toFile(), AccessFile.class);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read access file " + file + ": " + e.getMessage(), e);
    }
    access.users().forEach(this::addUser);
    access.grants().forEach((user, patterns) -> patterns.forEach((pattern, actions) -> grant(user, pattern, actions)));
    access.publicRepositories().forEach(this::makePublic);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  record AccessFile(
      Map<String, String> users,
      Map<String, Map<String, List<String>>> grants,
      @JsonProperty("public") List<String> publicRepositories) {
    AccessFile {
      users = users == null ? Map.of() : users;
      grants = grants == null ? Map.of() : grants;
      publicRepositories = publicRepositories == null ? List.of() : publicRepositories;
    }
  }
}
