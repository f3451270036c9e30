package io.pullproof.decision;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The grant index of a decision instance, laid out for about 1M grants in well under 150 bytes
 * each while credentials are shared (38 to 76 bytes measured; a distinct secret per grant costs
 * about 270: docs/decide.md) and for few cache misses per lookup:
 * <ul>
 *   <li>a grant is six {@code int}s side by side (hash id, coordinates id, next grant, group and
 *       flags, verification time): 24 bytes, and the grants of a group, written together, share a
 *       cache line or two;
 *   <li>a group is five {@code long}s side by side (four digest words, then name id, form and
 *       first grant), reached from an {@code int} slot table;
 *   <li>credential hashes, secret and service account coordinates and names are interned, so a
 *       secret that proved access to a thousand images is stored once and compared as an
 *       {@code int};
 *   <li>groups (image reference, name) sit in an open-addressing table keyed by the digest packed
 *       into four {@code long}s, so no per-image {@code String} is kept; image references that
 *       are not {@code sha256:<64 lowercase hex>} are interned instead;
 *   <li>a group is a singly linked list of its grants, newest first.
 * </ul>
 *
 * <p>Revoked grants are kept, flagged, so that a verdict can say {@link Reason#REVOKED}.
 * Revocations are remembered and apply to grants recorded later that they cover (a delayed pull
 * event verified before the revocation stays revoked).
 *
 * <p>Not thread-safe: one decision thread owns an index, as one consumer owns its partitions.
 */
public final class InMemoryGrantIndex implements GrantIndex {
  private static final GrantKind[] KINDS = GrantKind.values();
  private static final int KIND_MASK = 0x3;
  private static final int REVOKED = 0x4;
  private static final int FLAG_BITS = 3;
  /** A subject's cluster: never recorded yet; named by two grants differently. */
  private static final int UNSEEN = -3;
  private static final int AMBIGUOUS = -2;
  /** Groups are numbered in the bits above the flags. */
  private static final int MAX_GROUPS = 1 << (31 - FLAG_BITS);
  private static final byte FORM_SHA256 = 0;
  private static final byte FORM_INTERNED = 1;
  private static final String SHA256_PREFIX = "sha256:";
  private static final int SHA256_REF_LENGTH = SHA256_PREFIX.length() + 64;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  // A grant's ints, at grant * GRANT_INTS.
  private static final int GRANT_INTS = 6;
  private static final int HASH = 0;
  private static final int SUBJECT = 1;
  private static final int NEXT = 2;
  private static final int GROUP_AND_FLAGS = 3;
  private static final int VERIFIED_HIGH = 4;
  private static final int VERIFIED_LOW = 5;

  // A group's longs, at group * GROUP_LONGS: the four digest words, then name id << 33 | form
  // << 32 | first grant.
  private static final int GROUP_LONGS = 5;
  private static final int KEY = 4;

  private final Interner<String> names = new Interner<>();
  private final Interner<String> hashes = Interner.forRandomTails();
  private final Interner<ObjectRef> subjects = new Interner<>();
  private final Interner<String> otherImageRefs = new Interner<>();
  private final Interner<String> clusters = new Interner<>();
  /**
   * Per subject id: the id of the cluster its secret or service account lives in, NONE when
   * unknown, AMBIGUOUS when grants named two clusters for the same coordinates (uids are unique,
   * so only made-up data does that). Per subject, not per grant: a subject's grants share it.
   */
  private int[] subjectClusters = new int[0];
  /** Revocations applied so far, by the value they name (uid, hash or namespace). */
  private final Map<String, List<Revocation>> revocations = new HashMap<>();

  private long[] groupLongs;
  private int groupCount;
  /** Open addressing over groups: group index + 1, 0 = free. Kept at most half full. */
  private int[] slots;

  private int[] grantInts;
  private int grantCount;

  public InMemoryGrantIndex() {
    this(1024, 256);
  }

  /**
   * An index presized for {@code expectedGrants} in {@code expectedGroups} (image reference,
   * name) groups; it grows past either as needed.
   */
  public InMemoryGrantIndex(int expectedGrants, int expectedGroups) {
    int grants = Math.max(16, expectedGrants);
    int groups = Math.max(16, expectedGroups);
    groupLongs = new long[groups * GROUP_LONGS];
    slots = new int[Integer.highestOneBit(groups * 2 - 1) << 1];
    grantInts = new int[grants * GRANT_INTS];
  }

  /**
   * Records a grant, or refreshes the grant with the same identity (image reference, name, kind
   * and secret or service account coordinates, or node credential hash): a newer
   * {@code verifiedAt} replaces the older one and, for a secret, its hash (rotation); an older
   * one is ignored. A revocation applied earlier that covers the result revokes it.
   *
   * @return the grant's handle
   */
  public int put(Grant grant) {
    int name = names.intern(grant.name());
    String imageRef = grant.imageRef();
    long[] words = new long[4];
    byte form = FORM_SHA256;
    if (!packSha256(imageRef, words)) {
      form = FORM_INTERNED;
      words[0] = otherImageRefs.intern(imageRef);
      words[1] = 0;
      words[2] = 0;
      words[3] = 0;
    }
    int slot = findGroup(form, words[0], words[1], words[2], words[3], name);
    int group = slot >= 0 ? slot : addGroup(-slot - 1, form, words, name);

    GrantKind kind = grant.kind();
    int subject = grant.subject() == null ? NONE : subjects.intern(grant.subject());
    if (subject != NONE) {
      noteCluster(subject, grant.cluster());
    }
    int hash = grant.credentialHash() == null ? NONE : hashes.intern(grant.credentialHash());
    long verifiedAt = grant.verifiedAt().toEpochMilli();
    boolean revoked = revokedByEarlierRevocation(kind, grant.subject(), grant.credentialHash(), verifiedAt,
        subject == NONE ? null : subjectCluster(subject));
    for (int h = head(group); h != NONE; h = next(h)) {
      if (sameIdentity(h, kind, subject, hash)) {
        if (verifiedAt >= verifiedAtMillis(h)) {
          grantInts[h * GRANT_INTS + HASH] = hash;
          setVerifiedAt(h, verifiedAt);
          grantInts[h * GRANT_INTS + GROUP_AND_FLAGS] = groupAndFlags(group, kind, revoked);
        }
        return h;
      }
    }
    ensureGrantCapacity();
    int h = grantCount++;
    int at = h * GRANT_INTS;
    grantInts[at + HASH] = hash;
    grantInts[at + SUBJECT] = subject;
    grantInts[at + NEXT] = head(group);
    grantInts[at + GROUP_AND_FLAGS] = groupAndFlags(group, kind, revoked);
    setVerifiedAt(h, verifiedAt);
    setHead(group, h);
    return h;
  }

  /**
   * Withdraws every grant {@code revocation} covers, and remembers it for grants recorded later.
   *
   * @return how many grants were newly revoked
   */
  public int revoke(Revocation revocation) {
    revocations.computeIfAbsent(revocation.value(), v -> new ArrayList<>(1)).add(revocation);
    int revoked = 0;
    for (int h = 0; h < grantCount; h++) {
      if (!revoked(h) && revocation.covers(kind(h), subject(h), credentialHash(h), verifiedAtMillis(h), cluster(h))) {
        grantInts[h * GRANT_INTS + GROUP_AND_FLAGS] |= REVOKED;
        revoked++;
      }
    }
    return revoked;
  }

  /**
   * Drops the spare capacity that growing by half left in the grant and group arrays, keeping a
   * sixteenth for grants recorded later: a partition loaded from the snapshot is then held at
   * about its own size (the spare half of a grown array of a million grants is megabytes).
   */
  public void trimToSize() {
    grantInts = Arrays.copyOf(grantInts, (grantCount + (grantCount >> 4) + 16) * GRANT_INTS);
    groupLongs = Arrays.copyOf(groupLongs, (groupCount + (groupCount >> 4) + 16) * GROUP_LONGS);
  }

  @Override
  public int size() {
    return grantCount;
  }

  /** How many (image reference, name) groups exist. */
  public int groups() {
    return groupCount;
  }

  @Override
  public int first(String imageRef, String name) {
    int nameId = names.idOf(name);
    if (nameId < 0) {
      return NONE;
    }
    int group;
    long[] words = new long[4];
    if (packSha256(imageRef, words)) {
      group = findGroup(FORM_SHA256, words[0], words[1], words[2], words[3], nameId);
    } else {
      int id = otherImageRefs.idOf(imageRef);
      if (id < 0) {
        return NONE;
      }
      group = findGroup(FORM_INTERNED, id, 0, 0, 0, nameId);
    }
    return group < 0 ? NONE : head(group);
  }

  @Override
  public int next(int grant) {
    return grantInts[grant * GRANT_INTS + NEXT];
  }

  @Override
  public GrantKind kind(int grant) {
    return KINDS[grantInts[grant * GRANT_INTS + GROUP_AND_FLAGS] & KIND_MASK];
  }

  @Override
  public boolean revoked(int grant) {
    return (grantInts[grant * GRANT_INTS + GROUP_AND_FLAGS] & REVOKED) != 0;
  }

  @Override
  public long verifiedAtMillis(int grant) {
    int at = grant * GRANT_INTS;
    return (long) grantInts[at + VERIFIED_HIGH] << 32 | (grantInts[at + VERIFIED_LOW] & 0xFFFFFFFFL);
  }

  private void setVerifiedAt(int grant, long millis) {
    int at = grant * GRANT_INTS;
    grantInts[at + VERIFIED_HIGH] = (int) (millis >>> 32);
    grantInts[at + VERIFIED_LOW] = (int) millis;
  }

  private int head(int group) {
    return (int) groupLongs[group * GROUP_LONGS + KEY];
  }

  private void setHead(int group, int grant) {
    int at = group * GROUP_LONGS + KEY;
    groupLongs[at] = groupLongs[at] & 0xFFFFFFFF_00000000L | (grant & 0xFFFFFFFFL);
  }

  /** Name id and form as they sit in the upper half of a group's key word. */
  private static long nameAndForm(int name, byte form) {
    return ((long) name << 1 | form) << 32;
  }

  @Override
  public int credentialIdOf(String credentialHash) {
    return hashes.idOf(credentialHash);
  }

  @Override
  public int subjectIdOf(ObjectRef subject) {
    return subjects.idOf(subject);
  }

  @Override
  public int credentialId(int grant) {
    return grantInts[grant * GRANT_INTS + HASH];
  }

  @Override
  public int subjectId(int grant) {
    return grantInts[grant * GRANT_INTS + SUBJECT];
  }

  @Override
  public String credentialHash(int grant) {
    int hash = credentialId(grant);
    return hash < 0 ? null : hashes.get(hash);
  }

  @Override
  public ObjectRef subject(int grant) {
    int subject = subjectId(grant);
    return subject < 0 ? null : subjects.get(subject);
  }

  @Override
  public String cluster(int grant) {
    int subject = subjectId(grant);
    return subject < 0 ? null : subjectCluster(subject);
  }

  @Override
  public Grant grant(int grant) {
    int group = grantInts[grant * GRANT_INTS + GROUP_AND_FLAGS] >>> FLAG_BITS;
    int name = (int) (groupLongs[group * GROUP_LONGS + KEY] >>> 33);
    return new Grant(imageRef(group), names.get(name), kind(grant), subject(grant),
        credentialHash(grant), Instant.ofEpochMilli(verifiedAtMillis(grant)), cluster(grant));
  }

  /** The cluster of a subject's secret or service account; null when unknown or ambiguous. */
  private String subjectCluster(int subject) {
    int cluster = subjectClusters[subject];
    return cluster < 0 ? null : clusters.get(cluster);
  }

  /** Records the cluster a grant names for its subject: a known cluster beats unknown. */
  private void noteCluster(int subject, String cluster) {
    if (subject >= subjectClusters.length) {
      int[] larger = Arrays.copyOf(subjectClusters, Math.max(subject + 16, subjectClusters.length * 2));
      Arrays.fill(larger, subjectClusters.length, larger.length, UNSEEN);
      subjectClusters = larger;
    }
    if (cluster == null) {
      if (subjectClusters[subject] == UNSEEN) {
        subjectClusters[subject] = NONE;
      }
      return;
    }
    int id = clusters.intern(cluster);
    int known = subjectClusters[subject];
    subjectClusters[subject] = known == UNSEEN || known == NONE || known == id ? id : AMBIGUOUS;
  }

  private boolean sameIdentity(int h, GrantKind kind, int subject, int hash) {
    if (kind(h) != kind) {
      return false;
    }
    return switch (kind) {
      case ANONYMOUS -> true;
      case NODE_CREDENTIAL -> credentialId(h) == hash;
      case SECRET, SERVICE_ACCOUNT -> subjectId(h) == subject;
    };
  }

  private boolean revokedByEarlierRevocation(GrantKind kind, ObjectRef subject, String hash, long verifiedAt,
      String cluster) {
    if (revocations.isEmpty()) {
      return false;
    }
    return coveredByRevocationsOf(hash, kind, subject, hash, verifiedAt, cluster)
        || (subject != null && (coveredByRevocationsOf(subject.uid(), kind, subject, hash, verifiedAt, cluster)
            || coveredByRevocationsOf(subject.namespace(), kind, subject, hash, verifiedAt, cluster)));
  }

  private boolean coveredByRevocationsOf(String value, GrantKind kind, ObjectRef subject, String hash, long verifiedAt,
      String cluster) {
    if (value == null) {
      return false;
    }
    for (Revocation revocation : revocations.getOrDefault(value, List.of())) {
      if (revocation.covers(kind, subject, hash, verifiedAt, cluster)) {
        return true;
      }
    }
    return false;
  }

  private static int groupAndFlags(int group, GrantKind kind, boolean revoked) {
    return group << FLAG_BITS | kind.ordinal() | (revoked ? REVOKED : 0);
  }

  /** The group's index, or {@code -(free slot + 1)} when there is no such group. */
  private int findGroup(byte form, long w0, long w1, long w2, long w3, int name) {
    int mask = slots.length - 1;
    long key = nameAndForm(name, form);
    for (int i = spread(w0, name) & mask; ; i = (i + 1) & mask) {
      int slot = slots[i];
      if (slot == 0) {
        return -(i + 1);
      }
      int g = slot - 1;
      int at = g * GROUP_LONGS;
      if (groupLongs[at] == w0 && groupLongs[at + 1] == w1 && groupLongs[at + 2] == w2
          && groupLongs[at + 3] == w3 && (groupLongs[at + KEY] & 0xFFFFFFFF_00000000L) == key) {
        return g;
      }
    }
  }

  private int addGroup(int freeSlot, byte form, long[] words, int name) {
    if (groupCount == MAX_GROUPS) {
      throw new IllegalStateException("more than " + MAX_GROUPS + " (image reference, name) groups");
    }
    if ((groupCount + 1) * GROUP_LONGS > groupLongs.length) {
      groupLongs = Arrays.copyOf(groupLongs, grown(groupCount) * GROUP_LONGS);
    }
    int g = groupCount++;
    int at = g * GROUP_LONGS;
    System.arraycopy(words, 0, groupLongs, at, 4);
    groupLongs[at + KEY] = nameAndForm(name, form) | (NONE & 0xFFFFFFFFL);
    if (groupCount * 2 > slots.length) {
      rehash(slots.length * 2);
    } else {
      slots[freeSlot] = g + 1;
    }
    return g;
  }

  private void rehash(int capacity) {
    int[] larger = new int[capacity];
    int mask = capacity - 1;
    for (int g = 0; g < groupCount; g++) {
      int i = spread(groupLongs[g * GROUP_LONGS], (int) (groupLongs[g * GROUP_LONGS + KEY] >>> 33)) & mask;
      while (larger[i] != 0) {
        i = (i + 1) & mask;
      }
      larger[i] = g + 1;
    }
    slots = larger;
  }

  private void ensureGrantCapacity() {
    if ((grantCount + 1) * GRANT_INTS <= grantInts.length) {
      return;
    }
    grantInts = Arrays.copyOf(grantInts, grown(grantCount) * GRANT_INTS);
  }

  private static int grown(int size) {
    return size + (size >> 1) + 16;
  }

  private static int spread(long w0, int name) {
    long h = (w0 ^ name) * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29));
  }

  private String imageRef(int group) {
    int words = group * GROUP_LONGS;
    if ((groupLongs[words + KEY] >>> 32 & 1) == FORM_INTERNED) {
      return otherImageRefs.get((int) groupLongs[words]);
    }
    char[] chars = new char[SHA256_REF_LENGTH];
    SHA256_PREFIX.getChars(0, SHA256_PREFIX.length(), chars, 0);
    for (int w = 0; w < 4; w++) {
      long word = groupLongs[words + w];
      int at = SHA256_PREFIX.length() + w * 16;
      for (int i = 15; i >= 0; i--) {
        chars[at + i] = HEX[(int) (word & 0xF)];
        word >>>= 4;
      }
    }
    return new String(chars);
  }

  /**
   * Packs {@code sha256:} and 64 lowercase hex digits into four words; false (words undefined)
   * for any other image reference. Branch-free over the digits: a table lookup per character,
   * the invalid marker OR-ed into one flag, since this runs for every decision.
   */
  static boolean packSha256(String imageRef, long[] words) {
    if (imageRef.length() != SHA256_REF_LENGTH || !imageRef.startsWith(SHA256_PREFIX)) {
      return false;
    }
    int invalid = 0;
    int at = SHA256_PREFIX.length();
    for (int w = 0; w < 4; w++) {
      long word = 0;
      for (int i = 0; i < 16; i++, at++) {
        char c = imageRef.charAt(at);
        int digit = HEX_VALUES[c & 0x7F] | (c >>> 7 == 0 ? 0 : -1);
        invalid |= digit;
        word = word << 4 | (digit & 0xF);
      }
      words[w] = word;
    }
    return invalid >= 0;
  }

  /** 0-15 for the characters 0-9 and a-f, -1 for every other ASCII character. */
  private static final int[] HEX_VALUES = new int[128];

  static {
    Arrays.fill(HEX_VALUES, -1);
    for (int i = 0; i < 16; i++) {
      HEX_VALUES[HEX[i]] = i;
    }
  }
}
