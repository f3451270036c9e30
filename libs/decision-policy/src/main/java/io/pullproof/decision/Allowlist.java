package io.pullproof.decision;

import io.pullproof.reference.ImageReference;
import io.pullproof.reference.InvalidReferenceException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Images that {@link VerificationPolicy#NEVER_VERIFY_ALLOWLISTED_IMAGES} lets start unverified:
 * the kubelet's {@code preloadedImagesVerificationAllowlist}. An entry is either an exact
 * normalised repository name ({@code registry.io/team/app}) or a prefix ending in {@code /*}
 * ({@code registry.io/team/*} matches {@code registry.io/team/app} and
 * {@code registry.io/team/x/y}, not {@code registry.io/team} nor {@code registry.io/teamx/app}).
 * Names are matched as given: the caller passes normalised names.
 *
 * <p>Validation follows the kubelet's {@code getAllowlistImagePattern}: no leading or trailing
 * whitespace, a single wildcard only as a trailing {@code /*} with at least a registry host before
 * it, exact entries without tag or digest and equal to their normalised form. It is stricter in
 * one place: the part before {@code /*} must itself be normalised (a registry host and optional
 * lowercase path), because the kubelet accepts prefixes such as {@code myteam/*} or
 * {@code Registry.io/Team/*} that no normalised name can ever match.
 */
public final class Allowlist {
  private static final Allowlist EMPTY = new Allowlist(List.of(), Set.of(), new String[0]);
  private static final String WILDCARD_SUFFIX = "/*";

  private final List<String> entries;
  private final Set<String> exactNames;
  /** Prefixes with their trailing slash kept, as the kubelet keeps it. */
  private final String[] prefixes;

  private Allowlist(List<String> entries, Set<String> exactNames, String[] prefixes) {
    this.entries = entries;
    this.exactNames = exactNames;
    this.prefixes = prefixes;
  }

  public static Allowlist empty() {
    return EMPTY;
  }

  /**
   * Validates every entry.
   *
   * @throws InvalidPolicyException naming the first bad entry as {@code allowlist[i]}
   */
  public static Allowlist of(List<String> entries) {
    if (entries == null || entries.isEmpty()) {
      return EMPTY;
    }
    Set<String> exact = new HashSet<>();
    List<String> prefixes = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      String problem = problemWith(entry);
      if (problem != null) {
        throw new InvalidPolicyException("allowlist[" + i + "]", entry, problem);
      }
      if (entry.endsWith(WILDCARD_SUFFIX)) {
        prefixes.add(entry.substring(0, entry.length() - 1));
      } else {
        exact.add(entry);
      }
    }
    return new Allowlist(List.copyOf(entries), Set.copyOf(exact), prefixes.toArray(new String[0]));
  }

  /** Whether the normalised repository name {@code name} (no tag, no digest) is allowlisted. */
  public boolean matches(String name) {
    if (exactNames.contains(name)) {
      return true;
    }
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The entries as configured. */
  public List<String> entries() {
    return entries;
  }

  /** Why {@code entry} is not a valid allowlist entry, or {@code null} when it is valid. */
  static String problemWith(String entry) {
    if (entry == null || entry.isEmpty()) {
      return "an entry must not be empty";
    }
    if (!entry.strip().equals(entry)) {
      return "leading/trailing whitespace is not allowed";
    }
    boolean wildcard = entry.endsWith(WILDCARD_SUFFIX);
    String name = wildcard ? entry.substring(0, entry.length() - WILDCARD_SUFFIX.length()) : entry;
    if (name.indexOf('*') >= 0 || (!wildcard && entry.endsWith("*"))) {
      return "not a valid wildcard pattern, only a trailing '/*' is allowed";
    }
    if (wildcard && name.isEmpty()) {
      return "at least a registry host is required before '/*'";
    }
    for (int i = 0; i < entry.length(); i++) {
      if (Character.isWhitespace(entry.charAt(i))) {
        return "whitespace is not allowed";
      }
    }
    if (!wildcard && entry.endsWith("/")) {
      return "must not end with '/'; use '/*' to allow a whole prefix";
    }
    return wildcard ? problemWithPrefix(name) : problemWithExactName(entry);
  }

  private static String problemWithExactName(String entry) {
    ImageReference parsed;
    try {
      parsed = ImageReference.parse(entry);
    } catch (InvalidReferenceException e) {
      return "not an image name: " + e.getMessage();
    }
    String normalised = parsed.name();
    if (entry.equals(normalised)) {
      return null;
    }
    if (parsed.digest() != null || entry.lastIndexOf(':') > entry.lastIndexOf('/')) {
      return "neither tag nor digest is accepted, use the repository name " + normalised;
    }
    return "not a normalised repository name, use " + normalised;
  }

  /**
   * A prefix is normalised when a name under it normalises to itself: {@code registry.io/team}
   * qualifies, {@code myteam} (which would become {@code docker.io/myteam}) does not.
   */
  private static String problemWithPrefix(String prefix) {
    String probe = prefix + "/x/y";
    try {
      String normalised = ImageReference.parse(probe).name();
      if (normalised.equals(probe)) {
        return null;
      }
      return "the part before '/*' is not a normalised registry host and path, use "
          + normalised.substring(0, normalised.length() - "/x/y".length()) + "/*";
    } catch (InvalidReferenceException e) {
      return "the part before '/*' is not a registry host and repository path";
    }
  }

  @Override
  public String toString() {
    return entries.toString();
  }
}
