package io.pullproof.credentials;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's {@code path/filepath.Match} for one dot-separated host label, as the kubelet applies it
 * label by label: {@code *} any run of characters, {@code ?} one character, {@code [...]} a class
 * with ranges and {@code ^} negation, {@code \} escapes. Because the kubelet splits hosts at dots
 * first, {@code *} never spans a dot. A malformed pattern matches nothing (the kubelet ignores
 * Match's ErrBadPattern and treats it as a miss).
 */
final class HostLabelGlob {
  private static final int[] STAR = new int[0];
  private static final int[] ANY = new int[0];

  private HostLabelGlob() {}

  static boolean matches(String pattern, String label) {
    List<Object> tokens = compile(pattern);
    return tokens != null && match(tokens, 0, label.codePoints().toArray(), 0);
  }

  /**
   * Tokens: {@link #STAR}, {@link #ANY}, an Integer literal, or a {@link CharClass}; null when the
   * pattern is malformed.
   */
  private static List<Object> compile(String pattern) {
    int[] p = pattern.codePoints().toArray();
    List<Object> tokens = new ArrayList<>();
    int i = 0;
    while (i < p.length) {
      int c = p[i];
      if (c == '*') {
        tokens.add(STAR);
        i++;
      } else if (c == '?') {
        tokens.add(ANY);
        i++;
      } else if (c == '\\') {
        if (i + 1 >= p.length) {
          return null;
        }
        tokens.add(p[i + 1]);
        i += 2;
      } else if (c == '[') {
        int[] end = new int[1];
        CharClass charClass = CharClass.compile(p, i + 1, end);
        if (charClass == null) {
          return null;
        }
        tokens.add(charClass);
        i = end[0];
      } else {
        tokens.add(c);
        i++;
      }
    }
    return tokens;
  }

  private static boolean match(List<Object> tokens, int t, int[] s, int i) {
    while (t < tokens.size()) {
      Object token = tokens.get(t);
      if (token == STAR) {
        for (int skip = i; skip <= s.length; skip++) {
          if (match(tokens, t + 1, s, skip)) {
            return true;
          }
        }
        return false;
      }
      if (i >= s.length) {
        return false;
      }
      boolean one = token == ANY
          || token instanceof Integer literal && literal == s[i]
          || token instanceof CharClass charClass && charClass.contains(s[i]);
      if (!one) {
        return false;
      }
      t++;
      i++;
    }
    return i == s.length;
  }

  /** A bracket expression: ranges lo..hi (lo > hi is legal and matches nothing, as in Go). */
  private record CharClass(boolean negated, int[] ranges) {

    /** Parses after '['; stores the index after ']' in end[0]; null when malformed. */
    static CharClass compile(int[] p, int start, int[] end) {
      int i = start;
      boolean negated = i < p.length && p[i] == '^';
      if (negated) {
        i++;
      }
      List<Integer> ranges = new ArrayList<>();
      while (true) {
        if (i < p.length && p[i] == ']' && !ranges.isEmpty()) {
          end[0] = i + 1;
          return new CharClass(negated, ranges.stream().mapToInt(Integer::intValue).toArray());
        }
        int[] lo = escaped(p, i);
        if (lo == null) {
          return null;
        }
        i = lo[1];
        int hi = lo[0];
        if (i < p.length && p[i] == '-') {
          int[] upper = escaped(p, i + 1);
          if (upper == null) {
            return null;
          }
          hi = upper[0];
          i = upper[1];
        }
        ranges.add(lo[0]);
        ranges.add(hi);
      }
    }

    /** Go's getEsc: one possibly escaped character, never a bare '-' or ']'; {char, next index}. */
    private static int[] escaped(int[] p, int i) {
      if (i >= p.length || p[i] == '-' || p[i] == ']') {
        return null;
      }
      if (p[i] == '\\') {
        i++;
        if (i >= p.length) {
          return null;
        }
      }
      // A class must be closed by ']' later, so running out of pattern here is malformed too.
      return i + 1 >= p.length ? null : new int[] {p[i], i + 1};
    }

    boolean contains(int c) {
      boolean inside = false;
      for (int r = 0; r < ranges.length; r += 2) {
        if (ranges[r] <= c && c <= ranges[r + 1]) {
          inside = true;
        }
      }
      return inside != negated;
    }
  }
}
