package io.pullproof.ledger.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Rows in PostgreSQL's COPY text format: tab-separated, {@code \N} for null, backslash escapes for
 * the characters that would break a line or a field. Arrays become array literals first.
 */
final class CopyText {
  private CopyText() {}

  static String rows(List<Object[]> rows) {
    StringBuilder out = new StringBuilder(rows.size() * 200);
    for (Object[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        if (i > 0) {
          out.append('\t');
        }
        field(out, row[i]);
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static void field(StringBuilder out, Object value) {
    if (value == null) {
      out.append("\\N");
    } else if (value instanceof Collection<?> array) {
      escape(out, arrayLiteral(array));
    } else if (value instanceof Instant || value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else {
      escape(out, value.toString());
    }
  }

  /** {@code {"a","b"}} with quotes and backslashes inside elements escaped. */
  static String arrayLiteral(Collection<?> values) {
    StringBuilder literal = new StringBuilder("{");
    boolean first = true;
    for (Object value : values) {
      literal.append(first ? "" : ",");
      first = false;
      if (value == null) {
        literal.append("NULL");
      } else {
        literal.append('"').append(value.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    }
    return literal.append('}').toString();
  }

  private static void escape(StringBuilder out, String text) {
    if (!needsEscape(text)) {
      out.append(text);
      return;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
  }

  /** Most values (ids, names, digests) have nothing to escape: appended whole, not char by char. */
  private static boolean needsEscape(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
        return true;
      }
    }
    return false;
  }
}
