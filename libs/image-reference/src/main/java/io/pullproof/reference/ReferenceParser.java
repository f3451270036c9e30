package io.pullproof.reference;

import io.pullproof.reference.InvalidReferenceException.Problem;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The distribution reference grammar (github.com/distribution/reference) and its normalisation
 * ({@code ParseNormalizedNamed} followed by {@code TagNameOnly}). Acceptance is decided by the
 * upstream regular expressions, translated one to one; the finer-grained messages are produced
 * only after a rejection, so they never change which inputs are valid.
 */
final class ReferenceParser {
  static final String DEFAULT_DOMAIN = "docker.io";
  static final String LEGACY_DEFAULT_DOMAIN = "index.docker.io";
  static final String OFFICIAL_REPO_PREFIX = "library/";
  static final String LOCALHOST = "localhost";
  static final String DEFAULT_TAG = "latest";
  static final int NAME_TOTAL_LENGTH_MAX = 255;

  /**
   * No valid reference is this long (name 255 + 6 for "index.", ":" + tag 128, "@sha512:" + 128
   * hex is 526), so longer input is rejected before any regular expression runs on it.
   */
  static final int INPUT_LENGTH_MAX = 1024;

  private static final int QUOTE_LENGTH_MAX = 300;

  private static final String ALPHANUMERIC = "[a-z0-9]+";
  private static final String SEPARATOR = "(?:[._]|__|[-]+)";
  private static final String PATH_COMPONENT = ALPHANUMERIC + "(?:" + SEPARATOR + ALPHANUMERIC + ")*";
  private static final String REMOTE_NAME = PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
  private static final String DOMAIN_NAME_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN_NAME =
      DOMAIN_NAME_COMPONENT + "(?:\\." + DOMAIN_NAME_COMPONENT + ")*";
  private static final String IPV6_ADDRESS = "\\[(?:[a-fA-F0-9:]+)\\]";
  private static final String DOMAIN_AND_PORT =
      "(?:" + DOMAIN_NAME + "|" + IPV6_ADDRESS + ")(?::[0-9]+)?";
  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final String DIGEST =
      "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
  private static final String NAME = "(?:" + DOMAIN_AND_PORT + "/)?" + REMOTE_NAME;

  private static final Pattern REFERENCE_PATTERN =
      Pattern.compile("(" + NAME + ")(?::(" + TAG + "))?(?:@(" + DIGEST + "))?");
  private static final Pattern ANCHORED_NAME_PATTERN =
      Pattern.compile("(?:(" + DOMAIN_AND_PORT + ")/)?(" + REMOTE_NAME + ")");
  private static final Pattern IDENTIFIER_PATTERN = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern DOMAIN_PATTERN = Pattern.compile(DOMAIN_AND_PORT);
  private static final Pattern PATH_COMPONENT_PATTERN = Pattern.compile(PATH_COMPONENT);
  private static final Pattern REMOTE_NAME_PATTERN = Pattern.compile(REMOTE_NAME);
  private static final Pattern TAG_PATTERN = Pattern.compile(TAG);
  private static final Pattern DIGEST_PATTERN = Pattern.compile(DIGEST);
  /** go-digest's own algorithm grammar: lowercase only. */
  private static final Pattern DIGEST_ALGORITHM_PATTERN = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*");

  /** The algorithms go-digest registers by default, with the hex length each one requires. */
  private static final Map<String, Integer> DIGEST_HEX_LENGTH =
      Map.of("sha256", 64, "sha384", 96, "sha512", 128);

  private ReferenceParser() {}

  static ImageReference parse(String input) {
    if (input == null || input.isEmpty()) {
      throw invalid(Problem.EMPTY, input, "image reference is empty");
    }
    if (input.length() > INPUT_LENGTH_MAX) {
      throw invalid(Problem.TOO_LONG, input,
          "image reference is longer than " + INPUT_LENGTH_MAX + " characters");
    }
    if (IDENTIFIER_PATTERN.matcher(input).matches()) {
      throw invalid(Problem.AMBIGUOUS_IDENTIFIER, input,
          "a repository name cannot be 64 hexadecimal characters (ambiguous with an image id)");
    }
    String[] split = splitDockerDomain(input);
    String domain = split[0];
    String remainder = split[1];
    int tagSeparator = remainder.indexOf(':');
    String remote = tagSeparator < 0 ? remainder : remainder.substring(0, tagSeparator);
    if (!remote.toLowerCase(Locale.ROOT).equals(remote)) {
      throw invalid(Problem.UPPERCASE_PATH, input, "repository path (" + remote
          + ") must be lowercase; uppercase letters are allowed only in the domain");
    }

    String full = domain + "/" + remainder;
    Matcher reference = REFERENCE_PATTERN.matcher(full);
    if (!reference.matches()) {
      throw diagnose(input, domain, remainder);
    }
    Matcher name = ANCHORED_NAME_PATTERN.matcher(reference.group(1));
    if (!name.matches() || name.group(1) == null) {
      // Upstream would fall back to a domain-less name here (e.g. "a_b.c/d"); every ImageReference
      // has a domain, so such input is rejected instead.
      throw invalid(Problem.INVALID_DOMAIN, input, "domain (" + domain
          + ") is not a valid host name, IPv4 address or [IPv6] address with optional :port");
    }
    String tag = reference.group(2);
    String digest = reference.group(3);
    checkName(input, name.group(1), name.group(2));
    if (digest != null) {
      checkDigest(input, digest);
    }
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
    return new ImageReference(name.group(1), name.group(2), tag, digest);
  }

  /**
   * Validates the components of a canonical reference; used by the {@link ImageReference}
   * constructor so that no instance exists that {@link #parse} would not produce.
   */
  static void checkCanonical(String domain, String path, String tag, String digest) {
    String label = domain + "/" + path;
    if (!DOMAIN_PATTERN.matcher(domain).matches()) {
      throw invalid(Problem.INVALID_DOMAIN, label, "domain (" + domain + ") is not a valid host[:port]");
    }
    if (!REMOTE_NAME_PATTERN.matcher(path).matches()) {
      throw invalid(Problem.INVALID_PATH, label, "path (" + path + ") breaks the path grammar");
    }
    String[] split = splitDockerDomain(label);
    if (!split[0].equals(domain) || !split[1].equals(path)) {
      throw invalid(Problem.INVALID_FORMAT, label,
          "not canonical: it normalises to " + split[0] + "/" + split[1]);
    }
    checkName(label, domain, path);
    if (tag == null && digest == null) {
      throw invalid(Problem.INVALID_FORMAT, label, "a canonical reference has a tag, a digest or both");
    }
    if (tag != null && !TAG_PATTERN.matcher(tag).matches()) {
      throw invalid(Problem.INVALID_TAG, label, "tag (" + tag + ") must match " + TAG);
    }
    if (digest != null) {
      if (!DIGEST_PATTERN.matcher(digest).matches()) {
        throw invalid(Problem.INVALID_DIGEST, label, "digest (" + digest + ") must be algorithm:hex");
      }
      checkDigest(label, digest);
    }
  }

  /**
   * Upstream {@code splitDockerDomain}: the first component is a domain when it is "localhost",
   * contains "." or ":", or has an uppercase letter; Docker Hub names get "docker.io" and, when
   * they have a single component, "library/".
   */
  static String[] splitDockerDomain(String name) {
    int slash = name.indexOf('/');
    if (slash < 0) {
      return new String[] {DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name};
    }
    String maybeDomain = name.substring(0, slash);
    String maybeRemote = name.substring(slash + 1);
    String domain;
    String remote;
    if (maybeDomain.equals(LOCALHOST)) {
      domain = maybeDomain;
      remote = maybeRemote;
    } else if (maybeDomain.equals(LEGACY_DEFAULT_DOMAIN)) {
      domain = DEFAULT_DOMAIN;
      remote = maybeRemote;
    } else if (maybeDomain.indexOf('.') >= 0 || maybeDomain.indexOf(':') >= 0
        || !maybeDomain.toLowerCase(Locale.ROOT).equals(maybeDomain)) {
      domain = maybeDomain;
      remote = maybeRemote;
    } else {
      domain = DEFAULT_DOMAIN;
      remote = name;
    }
    if (domain.equals(DEFAULT_DOMAIN) && remote.indexOf('/') < 0) {
      remote = OFFICIAL_REPO_PREFIX + remote;
    }
    return new String[] {domain, remote};
  }

  private static void checkName(String input, String domain, String path) {
    int length = domain.length() + 1 + path.length();
    if (length > NAME_TOTAL_LENGTH_MAX) {
      throw invalid(Problem.NAME_TOO_LONG, input, "repository name (domain/path) is " + length
          + " characters, more than " + NAME_TOTAL_LENGTH_MAX);
    }
  }

  /** go-digest {@code Digest.Validate}: a registered algorithm and exactly its lowercase hex. */
  private static void checkDigest(String input, String digest) {
    int colon = digest.indexOf(':');
    String algorithm = digest.substring(0, colon);
    String hex = digest.substring(colon + 1);
    Integer expected = DIGEST_HEX_LENGTH.get(algorithm);
    if (expected == null) {
      if (!DIGEST_ALGORITHM_PATTERN.matcher(algorithm).matches()) {
        throw invalid(Problem.INVALID_DIGEST, input,
            "digest algorithm (" + algorithm + ") must be lowercase");
      }
      throw invalid(Problem.UNSUPPORTED_DIGEST_ALGORITHM, input,
          "digest algorithm (" + algorithm + ") is not supported; use sha256, sha384 or sha512");
    }
    if (hex.length() != expected) {
      throw invalid(Problem.INVALID_DIGEST_LENGTH, input, "digest " + algorithm + " needs "
          + expected + " hex characters, got " + hex.length());
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        throw invalid(Problem.INVALID_DIGEST, input,
            "digest hex must be lowercase [a-f0-9], found '" + c + "'");
      }
    }
  }

  /**
   * Names the part of a rejected reference that breaks the grammar. The split here is a best
   * effort for the message only: acceptance was already decided by the full regular expression.
   */
  private static InvalidReferenceException diagnose(String input, String domain, String remainder) {
    String rest = remainder;
    int at = rest.indexOf('@');
    if (at >= 0) {
      String digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST_PATTERN.matcher(digest).matches()) {
        return invalid(Problem.INVALID_DIGEST, input, "digest (" + digest
            + ") must be algorithm:hex with at least 32 hex characters");
      }
    }
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      String tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG_PATTERN.matcher(tag).matches()) {
        return invalid(Problem.INVALID_TAG, input, "tag (" + tag + ") must match " + TAG
            + " (a word character, then at most 127 of [A-Za-z0-9_.-])");
      }
    }
    if (!DOMAIN_PATTERN.matcher(domain).matches()) {
      return invalid(Problem.INVALID_DOMAIN, input, "domain (" + domain
          + ") is not a valid host name, IPv4 address or [IPv6] address with optional :port");
    }
    for (String component : rest.split("/", -1)) {
      if (component.isEmpty()) {
        return invalid(Problem.INVALID_PATH, input, "repository path (" + rest
            + ") has an empty component");
      }
      if (!PATH_COMPONENT_PATTERN.matcher(component).matches()) {
        return invalid(Problem.INVALID_PATH, input, "path component (" + component
            + ") must be lowercase letters and digits joined by '.', '_', '__' or dashes");
      }
    }
    return invalid(Problem.INVALID_FORMAT, input, "invalid reference format");
  }

  private static InvalidReferenceException invalid(Problem problem, String input, String detail) {
    // The detail quotes parts of the input too: escaped the same way, so a message stays one line.
    return new InvalidReferenceException(problem,
        "invalid image reference " + quote(input) + ": " + escape(detail));
  }

  /**
   * Quotes input for a message: control characters escaped so a message stays one line, and cut
   * after {@value #QUOTE_LENGTH_MAX} characters so an oversized input cannot flood a log.
   */
  private static String quote(String input) {
    if (input == null) {
      return "null";
    }
    String shown = input.length() <= QUOTE_LENGTH_MAX ? input : input.substring(0, QUOTE_LENGTH_MAX);
    StringBuilder quoted = new StringBuilder(shown.length() + 16).append('"');
    shown.codePoints().forEach(c -> {
      if (c == '"' || c == '\\') {
        quoted.append('\\').append((char) c);
      } else {
        appendEscaped(quoted, c);
      }
    });
    quoted.append('"');
    if (shown.length() < input.length()) {
      quoted.append("... (").append(input.length()).append(" characters)");
    }
    return quoted.toString();
  }

  /** Control characters as a backslash, "u" and four hex digits; everything else unchanged. */
  private static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    text.codePoints().forEach(c -> appendEscaped(escaped, c));
    return escaped.toString();
  }

  private static void appendEscaped(StringBuilder out, int c) {
    if (c < 0x20 || c == 0x7f) {
      out.append(String.format(Locale.ROOT, "\\u%04x", c));
    } else {
      out.appendCodePoint(c);
    }
  }
}
