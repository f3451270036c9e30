package io.pullproof.agent.verdict;

import io.pullproof.events.StartVerdictIssued;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * ALLOW verdicts reused for a short time, so a crash-looping container does not ask the decision
 * service on every restart. Only ALLOWs are cached (a REPULL is always re-verified). The key holds
 * everything the verdict depended on: image, namespace (policy scope) and the pod's credential
 * identities. Any revocation flushes the whole cache: revocations are rare, and matching them to
 * the grant behind each ALLOW would need the grant, which the agent does not have.
 *
 * <p>After a flush nothing is cached for {@link #SETTLE}: the agent may read a revocation before
 * the decision service has applied it, and an ALLOW answered in between would otherwise be reused
 * for a whole TTL after the revocation (the fleet simulator measured 30 s instead of about one).
 */
public final class AllowCache {
  /** How long after a flush ALLOWs are not cached: above the decision service's revocation latency (p99 goal 1 s). */
  public static final Duration SETTLE = Duration.ofSeconds(5);

  private final long ttlNanos;
  private final int maxEntries;
  private final LongSupplier nanoTime;
  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
  private volatile long settledAt;

  /**
   * Everything an ALLOW depended on.
   *
   * @param credentials the pod's credential identities as "kind|hash|secret uid|registry key" strings, keyring order
   */
  public record Key(String name, String imageRef, String namespace, List<String> credentials,
      String serviceAccountUid, String nodeCredentialHash) {
    public Key {
      credentials = List.copyOf(credentials);
    }
  }

  private record Entry(StartVerdictIssued verdict, long expiresAt) {}

  /** {@code ttl} zero: the cache keeps nothing. */
  public AllowCache(Duration ttl, int maxEntries, LongSupplier nanoTime) {
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
    this.nanoTime = nanoTime;
    this.settledAt = nanoTime.getAsLong();
  }

  public boolean enabled() {
    return ttlNanos > 0;
  }

  /** The cached ALLOW, if one is still fresh. */
  public Optional<StartVerdictIssued> get(Key key) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (nanoTime.getAsLong() - entry.expiresAt >= 0) {
      entries.remove(key, entry);
      return Optional.empty();
    }
    return Optional.of(entry.verdict);
  }

  /** Keeps an ALLOW (anything else, and dry-run verdicts, are ignored). */
  public void put(Key key, StartVerdictIssued verdict) {
    if (!enabled() || verdict.getVerdict() != io.pullproof.events.Verdict.ALLOW || verdict.getDryRun()) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (now - settledAt < 0) {
      return;
    }
    if (entries.size() >= maxEntries) {
      entries.values().removeIf(e -> now - e.expiresAt >= 0);
      if (entries.size() >= maxEntries) {
        // Still full of fresh entries: dropping them costs one verdict round trip each, nothing more.
        entries.clear();
      }
    }
    entries.put(key, new Entry(verdict, now + ttlNanos));
  }

  /** Forgets every ALLOW and caches none for {@link #SETTLE}: a revocation arrived. */
  public void flush() {
    settledAt = nanoTime.getAsLong() + SETTLE.toNanos();
    entries.clear();
  }

  public int size() {
    return entries.size();
  }
}
