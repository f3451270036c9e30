package io.pullproof.agent.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.events.NodeRef;
import io.pullproof.events.PodRef;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.events.Verdict;
import io.pullproof.events.VerdictReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AllowCacheTest {
  private final AtomicLong now = new AtomicLong();
  private final AllowCache cache = new AllowCache(Duration.ofSeconds(10), 2, now::get);

  private static AllowCache.Key key(String name) {
    return new AllowCache.Key(name, "sha256:0", "team-a", List.of("SECRET|h|uid|k"), null, null);
  }

  private static StartVerdictIssued verdict(Verdict verdict, boolean dryRun) {
    return StartVerdictIssued.newBuilder().setEventId("v").setRequestId("r").setOccurredAt(Instant.EPOCH)
        .setNode(new NodeRef("c", "n")).setPod(new PodRef("team-a", "p", "u")).setContainer("c").setName("x")
        .setImageRef("sha256:0").setVerdict(verdict).setReason(VerdictReason.SECRET_HASH_MATCH).setGrantId(null)
        .setDryRun(dryRun).setPolicy("NeverVerifyPreloadedImages").setDecidedBy("test").build();
  }

  @Test
  void anAllowIsReusedUntilItsTtlEnds() {
    cache.put(key("a"), verdict(Verdict.ALLOW, false));
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(cache.get(key("a"))).isPresent();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(cache.get(key("a"))).isEmpty();
  }

  @Test
  void repullAndDryRunVerdictsAreNeverCached() {
    cache.put(key("a"), verdict(Verdict.REPULL, false));
    cache.put(key("b"), verdict(Verdict.ALLOW, true));
    assertThat(cache.size()).isZero();
  }

  @Test
  void otherCredentialsDoNotShareAnAllow() {
    cache.put(key("a"), verdict(Verdict.ALLOW, false));
    AllowCache.Key otherSecret = new AllowCache.Key("a", "sha256:0", "team-a", List.of("SECRET|h2|uid|k"), null, null);
    assertThat(cache.get(otherSecret)).isEmpty();
  }

  @Test
  void aRevocationFlushesEverything() {
    cache.put(key("a"), verdict(Verdict.ALLOW, false));
    cache.flush();
    assertThat(cache.get(key("a"))).isEmpty();
  }

  @Test
  void aZeroTtlTurnsTheCacheOff() {
    AllowCache off = new AllowCache(Duration.ZERO, 10, now::get);
    off.put(key("a"), verdict(Verdict.ALLOW, false));
    assertThat(off.get(key("a"))).isEmpty();
    assertThat(off.enabled()).isFalse();
  }

  @Test
  void theCacheStaysWithinItsBound() {
    cache.put(key("a"), verdict(Verdict.ALLOW, false));
    cache.put(key("b"), verdict(Verdict.ALLOW, false));
    cache.put(key("c"), verdict(Verdict.ALLOW, false));
    assertThat(cache.size()).isLessThanOrEqualTo(2);
    assertThat(cache.get(key("c"))).isPresent();
  }

  @Test
  void afterAFlushNothingIsCachedUntilTheDecisionServiceHadTimeToApplyTheRevocation() {
    cache.put(key("a"), verdict(Verdict.ALLOW, false));
    cache.flush();
    assertThat(cache.get(key("a"))).isEmpty();
    cache.put(key("a"), verdict(Verdict.ALLOW, false));
    assertThat(cache.get(key("a"))).as("an ALLOW answered right after the revocation may predate it").isEmpty();
    now.addAndGet(AllowCache.SETTLE.toNanos());
    cache.put(key("a"), verdict(Verdict.ALLOW, false));
    assertThat(cache.get(key("a"))).isPresent();
  }
}
