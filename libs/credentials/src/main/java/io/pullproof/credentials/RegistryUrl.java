package io.pullproof.credentials;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The host and path of a registry URL, parsed the way the kubelet's keyring parses them with Go's
 * {@code net/url}: {@code url.Parse("https://" + s)} for schemeless strings, then {@code
 * net.SplitHostPort} and a split of the host at dots. Only what the keyring reads is kept; input
 * that Go rejects yields null, and the keyring ignores it as the kubelet does.
 *
 * @param host {@code url.Host}: host with port, userinfo removed
 * @param path {@code url.Path}: percent-decoded path, query and fragment removed
 */
record RegistryUrl(String host, String path) {

  /** {@code parseSchemelessURL}: parses {@code "https://" + schemeless}; null when Go would fail. */
  static RegistryUrl parseSchemeless(String schemeless) {
    return parse("https://" + schemeless);
  }

  /** Parses an {@code http://} or {@code https://} URL; null when Go's url.Parse would fail. */
  static RegistryUrl parse(String url) {
    int schemeEnd = url.indexOf("://");
    if (schemeEnd < 0) {
      return null;
    }
    String rest = url.substring(schemeEnd + 3);
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      if (percentDecode(rest.substring(hash + 1)) == null) {
        return null;
      }
      rest = rest.substring(0, hash);
    }
    if (hasControlCharacter(rest)) {
      return null;
    }
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String rawPath = slash < 0 ? "" : rest.substring(slash);
    int at = authority.lastIndexOf('@');
    if (at >= 0 && (!validUserinfo(authority.substring(0, at))
        || percentDecode(authority.substring(0, at)) == null)) {
      return null;
    }
    String host = authority.substring(at + 1);
    String path = percentDecode(rawPath);
    if (!validHost(host) || path == null) {
      return null;
    }
    return new RegistryUrl(host, path);
  }

  /** {@code net.SplitHostPort(host)}; on any error Go's keyring uses the whole host and no port. */
  String[] hostAndPort() {
    String[] split = splitHostPort(host);
    return split != null ? split : new String[] {host, ""};
  }

  /** The host without port, split at dots, as {@code SplitURL} returns it. */
  String[] labels() {
    return hostAndPort()[0].split("\\.", -1);
  }

  String port() {
    return hostAndPort()[1];
  }

  private static String[] splitHostPort(String hostPort) {
    int lastColon = hostPort.lastIndexOf(':');
    if (lastColon < 0) {
      return null;
    }
    String hostPart;
    int searchOpen = 0;
    int searchClose = 0;
    if (hostPort.startsWith("[")) {
      int end = hostPort.indexOf(']');
      if (end < 0 || end + 1 != lastColon) {
        return null;
      }
      hostPart = hostPort.substring(1, end);
      searchOpen = 1;
      searchClose = end + 1;
    } else {
      hostPart = hostPort.substring(0, lastColon);
      if (hostPart.indexOf(':') >= 0) {
        return null;
      }
    }
    if (hostPort.indexOf('[', searchOpen) >= 0 || hostPort.indexOf(']', searchClose) >= 0) {
      return null;
    }
    return new String[] {hostPart, hostPort.substring(lastColon + 1)};
  }

  /** Go's parseHost: a bracketed IPv6 literal or a name, an optional ":digits" port, no bad bytes. */
  private static boolean validHost(String host) {
    String colonPort;
    if (host.startsWith("[")) {
      int close = host.lastIndexOf(']');
      if (close < 0) {
        return false;
      }
      colonPort = host.substring(close + 1);
    } else {
      int colon = host.lastIndexOf(':');
      colonPort = colon < 0 ? "" : host.substring(colon);
    }
    if (!colonPort.isEmpty() && !colonPort.substring(1).chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    if (!colonPort.isEmpty() && colonPort.charAt(0) != ':') {
      return false;
    }
    return host.chars().allMatch(RegistryUrl::allowedInHost);
  }

  /**
   * Bytes Go's {@code shouldEscape(c, encodeHost)} lets through unescaped. A '%' escape in a host
   * is rejected here although Go accepts a few forms (IPv6 zones, non-ASCII bytes): no registry
   * key uses them.
   */
  private static boolean allowedInHost(int c) {
    if (c >= 0x80) {
      return true;
    }
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
        || "!$&'()*+,;=:[]<>\"-_.~".indexOf(c) >= 0;
  }

  private static boolean validUserinfo(String userinfo) {
    return userinfo.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
        || c >= '0' && c <= '9' || "-._:~!$&'()*+,;=%@".indexOf(c) >= 0);
  }

  private static boolean hasControlCharacter(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }

  /** Go's unescape for paths: every '%' starts a two-hex-digit escape; null when one does not. */
  private static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] != '%') {
        out.write(bytes[i]);
        continue;
      }
      if (i + 2 >= bytes.length) {
        return null;
      }
      int high = Character.digit(bytes[i + 1], 16);
      int low = Character.digit(bytes[i + 2], 16);
      if (high < 0 || low < 0) {
        return null;
      }
      out.write(high << 4 | low);
      i += 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
