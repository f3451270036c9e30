package io.pullproof.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InMemoryGrantIndexTest {
  private static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
  private static final String DIGEST = "sha256:" + "0f".repeat(32);
  private static final String APP = "registry.io/team/app";
  private static final PullSecret SECRET = PullSecret.of("team-a", "pull", "uid-a", "hash-a");

  private final InMemoryGrantIndex index = new InMemoryGrantIndex();

  @Test
  void aGrantReadsBackAsItWasPut() {
    List<Grant> grants = List.of(
        Grant.secret(DIGEST, APP, SECRET, T0),
        Grant.serviceAccount(DIGEST, APP, new ObjectRef("team-a", "builder", "sa-uid"), T0),
        Grant.anonymous(DIGEST, APP, T0),
        Grant.nodeCredential(DIGEST, APP, "node-hash", T0),
        Grant.anonymous("containerd-image-id-42", APP, T0),
        Grant.anonymous("sha256:" + "F".repeat(64), APP, T0));

    grants.forEach(index::put);

    List<Grant> read = new ArrayList<>();
    for (Grant grant : grants) {
      read.add(index.grant(find(grant)));
    }
    assertThat(read).containsExactlyElementsOf(grants);
    assertThat(index.size()).isEqualTo(grants.size());
  }

  @Test
  void aGroupHoldsOnlyItsImageReferenceAndName() {
    index.put(Grant.anonymous(DIGEST, APP, T0));

    assertThat(index.first(DIGEST, "registry.io/team/other")).isEqualTo(GrantIndex.NONE);
    assertThat(index.first("sha256:" + "1f".repeat(32), APP)).isEqualTo(GrantIndex.NONE);
    assertThat(index.first("not-a-digest", APP)).isEqualTo(GrantIndex.NONE);
    assertThat(index.first(DIGEST, APP)).isNotEqualTo(GrantIndex.NONE);
  }

  @Test
  void theSameIdentityIsRefreshedNotDuplicated() {
    index.put(Grant.secret(DIGEST, APP, SECRET, T0));
    index.put(Grant.secret(DIGEST, APP, PullSecret.of("team-a", "pull", "uid-a", "hash-rotated"), T0.plusSeconds(10)));
    index.put(Grant.secret(DIGEST, APP, PullSecret.of("team-a", "pull", "uid-a", "hash-stale"), T0.minusSeconds(10)));

    int grant = index.first(DIGEST, APP);
    assertThat(index.next(grant)).isEqualTo(GrantIndex.NONE);
    assertThat(index.grant(grant)).isEqualTo(
        Grant.secret(DIGEST, APP, PullSecret.of("team-a", "pull", "uid-a", "hash-rotated"), T0.plusSeconds(10)));
  }

  @Test
  void aRevocationAppliesToHeldGrantsAndToLaterOnesItCovers() {
    index.put(Grant.secret(DIGEST, APP, SECRET, T0));
    index.put(Grant.anonymous(DIGEST, APP, T0));

    int revoked = index.revoke(new Revocation(Revocation.Kind.NAMESPACE, "team-a", T0.plusSeconds(60)));
    int delayed = index.put(Grant.secret(DIGEST, "registry.io/team/other", SECRET, T0.plusSeconds(30)));
    int later = index.put(Grant.secret(DIGEST, "registry.io/team/third", SECRET, T0.plusSeconds(90)));

    assertThat(revoked).isEqualTo(1);
    assertThat(index.revoked(find(Grant.secret(DIGEST, APP, SECRET, T0)))).isTrue();
    assertThat(index.revoked(find(Grant.anonymous(DIGEST, APP, T0)))).isFalse();
    assertThat(index.revoked(delayed)).as("verified before the revocation, delivered after").isTrue();
    assertThat(index.revoked(later)).as("verified after the revocation").isFalse();
  }

  @Test
  void aNamespaceRevocationOfAClusterFollowsTheClusterOfTheCredential() {
    PullSecret dev = PullSecret.of("team-a", "pull", "uid-dev", "hash-dev");
    PullSecret twice = PullSecret.of("team-a", "ci", "uid-twice", "hash-twice");
    int prodGrant = index.put(Grant.secret(DIGEST, APP, SECRET, T0).inCluster("prod"));
    int devGrant = index.put(Grant.secret(DIGEST, APP, dev, T0).inCluster("dev"));
    index.put(Grant.secret(DIGEST, APP, twice, T0).inCluster("dev"));
    int ambiguous = index.put(Grant.secret(DIGEST, "registry.io/team/other", twice, T0).inCluster("stage"));
    int unknownLater = index.put(Grant.secret(DIGEST, "registry.io/team/third", dev, T0));

    int revoked = index.revoke(new Revocation(Revocation.Kind.NAMESPACE, "team-a", null, "prod"));

    assertThat(index.revoked(prodGrant)).isTrue();
    assertThat(index.revoked(devGrant)).isFalse();
    assertThat(index.revoked(unknownLater)).as("the subject's cluster is known from its other grant").isFalse();
    assertThat(index.revoked(ambiguous)).as("coordinates seen in two clusters: revoked (fail safe)").isTrue();
    assertThat(revoked).isEqualTo(3);
    assertThat(index.grant(devGrant).cluster()).isEqualTo("dev");
    assertThat(index.grant(ambiguous).cluster()).isNull();
  }

  @Test
  void trimmingKeepsEveryGrantAndLaterPutsStillGrow() {
    InMemoryGrantIndex small = new InMemoryGrantIndex(16, 16);
    for (int i = 0; i < 100; i++) {
      small.put(Grant.secret(DIGEST, APP + i, PullSecret.of("team-a", "pull", "uid-" + i, "hash-" + i), T0));
    }
    small.trimToSize();
    for (int i = 100; i < 300; i++) {
      small.put(Grant.secret(DIGEST, APP + i, PullSecret.of("team-a", "pull", "uid-" + i, "hash-" + i), T0));
    }

    assertThat(small.size()).isEqualTo(300);
    for (int i = 0; i < 300; i++) {
      assertThat(small.grant(small.first(DIGEST, APP + i)).subject().uid()).isEqualTo("uid-" + i);
    }
  }

  @Test
  void aReverificationAfterARevocationRestoresTheGrant() {
    index.put(Grant.secret(DIGEST, APP, SECRET, T0));
    index.revoke(new Revocation(Revocation.Kind.SECRET_UID, "uid-a", T0.plusSeconds(60)));

    int grant = index.put(Grant.secret(DIGEST, APP, SECRET, T0.plusSeconds(120)));

    assertThat(index.revoked(grant)).isFalse();
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void manyGroupsStayFindableAcrossRehashes() {
    Random random = new Random(42);
    Set<String> digests = new HashSet<>();
    while (digests.size() < 20_000) {
      StringBuilder hex = new StringBuilder("sha256:");
      for (int i = 0; i < 4; i++) {
        hex.append(String.format("%016x", random.nextLong()));
      }
      digests.add(hex.toString());
    }
    int i = 0;
    for (String digest : digests) {
      index.put(Grant.anonymous(digest, "registry.io/team/app-" + (i++ % 7), T0));
    }

    i = 0;
    for (String digest : digests) {
      String name = "registry.io/team/app-" + (i++ % 7);
      assertThat(index.grant(index.first(digest, name))).isEqualTo(Grant.anonymous(digest, name, T0));
    }
    assertThat(index.groups()).isEqualTo(20_000);
  }

  private int find(Grant wanted) {
    for (int h = index.first(wanted.imageRef(), wanted.name()); h != GrantIndex.NONE; h = index.next(h)) {
      if (index.grant(h).equals(wanted)) {
        return h;
      }
    }
    throw new AssertionError("not found: " + wanted);
  }
}
