package io.pullproof.decision;

/** A set of non-zero {@code long}s by open addressing: 8 to 16 bytes per element, no boxing. */
final class LongSet {
  private long[] slots = new long[16];
  private int size;

  boolean add(long key) {
    if (key == 0) {
      throw new IllegalArgumentException("0 marks a free slot");
    }
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    if (insert(slots, key)) {
      size++;
      return true;
    }
    return false;
  }

  boolean contains(long key) {
    int mask = slots.length - 1;
    for (int i = spread(key) & mask; ; i = (i + 1) & mask) {
      long slot = slots[i];
      if (slot == key) {
        return true;
      }
      if (slot == 0) {
        return false;
      }
    }
  }

  private void grow() {
    long[] larger = new long[slots.length * 2];
    for (long key : slots) {
      if (key != 0) {
        insert(larger, key);
      }
    }
    slots = larger;
  }

  private static boolean insert(long[] table, long key) {
    int mask = table.length - 1;
    for (int i = spread(key) & mask; ; i = (i + 1) & mask) {
      if (table[i] == key) {
        return false;
      }
      if (table[i] == 0) {
        table[i] = key;
        return true;
      }
    }
  }

  static int spread(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
