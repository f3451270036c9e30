package io.pullproof.decision;

import java.util.Arrays;

/**
 * Numbers distinct values so that grants can refer to a shared instance by {@code int}: a
 * credential hash or a secret's coordinates is stored once however many grants it proved.
 *
 * <p>Open addressing over a {@code long[]} of (hash code, id) pairs: a lookup reads one slot,
 * compares hash codes there and dereferences only a candidate with an equal hash code, where a
 * {@code HashMap<T, Integer>} would also chase a node and a boxed id. Kept at most three
 * quarters full: a probe past a taken slot compares the stored hash code and touches no value,
 * so a fuller table costs little time and saves memory (names are the most numerous entries).
 * About 15 to 30 bytes an entry besides the value itself (slot table and id → value array).
 */
final class Interner<T> {
  /** How many trailing characters {@link #forRandomTails()} hashes. */
  private static final int TAIL = 16;

  private final boolean hashTailOnly;
  private long[] slots = new long[32];
  private Object[] values = new Object[16];
  private int size;
  /**
   * The value last found and its id: a decision asks for the same name instance twice (node pulls,
   * then grants), and an identity check is cheaper than a second probe.
   */
  private Object lastFound;
  private int lastFoundId;

  /** Values hashed by their own {@code hashCode}. */
  Interner() {
    this(false);
  }

  private Interner(boolean hashTailOnly) {
    this.hashTailOnly = hashTailOnly;
  }

  /**
   * Strings that end in random characters — credential hashes, {@code hmac-sha256:<key id>:<64
   * hex digits>} — hashed by their length and last 16 characters instead of all of them. A
   * decision looks up two or three freshly decoded credential hashes, whose {@code hashCode}
   * would run a multiply-add chain over every character (the largest computation of a decision
   * after the digest). The tail of an HMAC cannot be chosen without the fleet key, so it spreads
   * as well as the whole string; equality is still checked on the whole string.
   */
  static Interner<String> forRandomTails() {
    return new Interner<>(true);
  }

  private int hash(Object value) {
    if (!hashTailOnly) {
      return value.hashCode();
    }
    String text = (String) value;
    int length = text.length();
    int h = length;
    for (int i = Math.max(0, length - TAIL); i < length; i++) {
      h = 31 * h + text.charAt(i);
    }
    return h;
  }

  /** The id of {@code value}, or -1 when it was never interned. */
  int idOf(T value) {
    if (value == lastFound) {
      return lastFoundId;
    }
    int hash = hash(value);
    int mask = slots.length - 1;
    for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
      long slot = slots[i];
      if (slot == 0) {
        return -1;
      }
      int id = (int) slot - 1;
      if ((int) (slot >>> 32) == hash && values[id].equals(value)) {
        lastFound = value;
        lastFoundId = id;
        return id;
      }
    }
  }

  /** The id of {@code value}, numbering it if it is new. */
  int intern(T value) {
    int id = idOf(value);
    if (id >= 0) {
      return id;
    }
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    id = size++;
    values[id] = value;
    if (size * 4 > slots.length * 3) {
      rehash(slots.length * 2);
    } else {
      insert(slots, hash(value), id);
    }
    return id;
  }

  @SuppressWarnings("unchecked")
  T get(int id) {
    return (T) values[id];
  }

  private void rehash(int capacity) {
    long[] larger = new long[capacity];
    for (int id = 0; id < size; id++) {
      insert(larger, hash(values[id]), id);
    }
    slots = larger;
  }

  private static void insert(long[] table, int hash, int id) {
    int mask = table.length - 1;
    int i = spread(hash) & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = (long) hash << 32 | (id + 1L);
  }

  private static int spread(int hash) {
    int h = hash * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
