package io.pullproof.sim.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.pullproof.events.PullPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryModelsTest {
  private static final Credential ALICE = Credential.secret("alice#0", "team-a/pull/uid-a");
  private static final Credential ALICE_ROTATED = Credential.secret("alice#1", "team-a/pull/uid-a");
  private static final Credential ALICE_OTHER_CLUSTER = Credential.secret("alice#0", "team-a/pull/uid-a-2");
  private static final Credential BOB = Credential.secret("bob#0", "team-b/pull/uid-b");
  private static final Credential NODE = Credential.node("platform#0");

  private static StartRecord start(String node, boolean present, PullPolicy policy, Credential secret, Credential nodeCredential,
      Credential proof) {
    return new StartRecord(node, "repo", "sha256:d", present, policy, secret, nodeCredential, proof, false, 0, 0, proof != null);
  }

  @Test
  void alwaysPullImagesAsksOnEveryStartButNotForHistory() {
    AlwaysPullImagesModel model = new AlwaysPullImagesModel();
    assertThat(model.roundTrip(StartRecord.seed("n1", "repo", "sha256:d", ALICE, null, ALICE))).isFalse();
    assertThat(model.roundTrip(start("n1", true, PullPolicy.IF_NOT_PRESENT, ALICE, null, ALICE))).isTrue();
    assertThat(model.roundTrip(start("n1", true, PullPolicy.NEVER, BOB, null, null))).isTrue();
  }

  @Test
  void kepRecordsAreLocalToTheNode() {
    CredentialRecordsModel model = CredentialRecordsModel.perNodeKep2535();
    model.roundTrip(StartRecord.seed("n1", "repo", "sha256:d", ALICE, null, ALICE));
    assertThat(model.roundTrip(start("n1", true, PullPolicy.IF_NOT_PRESENT, ALICE, null, ALICE))).as("recorded here").isFalse();
    assertThat(model.roundTrip(start("n2", true, PullPolicy.IF_NOT_PRESENT, ALICE, null, ALICE))).as("other node").isTrue();
    assertThat(model.roundTrip(start("n2", true, PullPolicy.IF_NOT_PRESENT, ALICE, null, ALICE))).as("now recorded").isFalse();
  }

  @Test
  void kepMatchesByHashOrBySecretCoordinatesSoRotationsAreFree() {
    CredentialRecordsModel model = CredentialRecordsModel.perNodeKep2535();
    model.roundTrip(StartRecord.seed("n1", "repo", "sha256:d", ALICE, null, ALICE));
    assertThat(model.roundTrip(start("n1", true, PullPolicy.IF_NOT_PRESENT, ALICE_ROTATED, null, ALICE_ROTATED))).isFalse();
    assertThat(model.roundTrip(start("n1", true, PullPolicy.IF_NOT_PRESENT, ALICE_OTHER_CLUSTER, null, ALICE_OTHER_CLUSTER)))
        .as("same hash, other coordinates").isFalse();
  }

  @Test
  void kepVerifiesAnotherTenantAndRecordsNothingWhenTheRegistryRefuses() {
    CredentialRecordsModel model = CredentialRecordsModel.perNodeKep2535();
    model.roundTrip(StartRecord.seed("n1", "repo", "sha256:d", ALICE, null, ALICE));
    assertThat(model.roundTrip(start("n1", true, PullPolicy.IF_NOT_PRESENT, BOB, null, null))).isTrue();
    assertThat(model.roundTrip(start("n1", true, PullPolicy.IF_NOT_PRESENT, BOB, null, null))).as("still unknown").isTrue();
    assertThat(model.roundTrip(start("n1", true, PullPolicy.NEVER, BOB, null, null))).as("Never: refused locally").isFalse();
  }

  @Test
  void kepAllowsAnonymousPullsToEveryoneAndNodeCredentialPullsToNodesHoldingIt() {
    CredentialRecordsModel model = CredentialRecordsModel.perNodeKep2535();
    model.roundTrip(new StartRecord("n1", "pub", "sha256:p", false, PullPolicy.IF_NOT_PRESENT, null, null,
        Credential.ANONYMOUS, true, 0, 0, true));
    assertThat(model.roundTrip(new StartRecord("n1", "pub", "sha256:p", true, PullPolicy.IF_NOT_PRESENT, BOB, null, BOB,
        false, 0, 0, true))).isFalse();
    model.roundTrip(new StartRecord("n1", "plat", "sha256:q", false, PullPolicy.IF_NOT_PRESENT, null, NODE, NODE, true, 0, 0,
        true));
    assertThat(model.roundTrip(new StartRecord("n1", "plat", "sha256:q", true, PullPolicy.IF_NOT_PRESENT, ALICE, NODE, NODE,
        false, 0, 0, true))).isFalse();
  }

  @Test
  void kepAsksForAbsentImagesAndPolicyAlwaysButNeverPullsForNever() {
    CredentialRecordsModel model = CredentialRecordsModel.perNodeKep2535();
    assertThat(model.roundTrip(start("n1", false, PullPolicy.IF_NOT_PRESENT, ALICE, null, ALICE))).isTrue();
    assertThat(model.roundTrip(start("n1", true, PullPolicy.ALWAYS, ALICE, null, ALICE))).isTrue();
    assertThat(model.roundTrip(start("n2", false, PullPolicy.NEVER, ALICE, null, ALICE))).isFalse();
  }

  @Test
  void idealRecordsAreFleetWideSoACredentialSeenOnOneNodeRunsOnEvery() {
    CredentialRecordsModel model = CredentialRecordsModel.idealFleetWide();
    model.roundTrip(StartRecord.seed("n1", "repo", "sha256:d", ALICE, null, ALICE));
    assertThat(model.roundTrip(start("n2", true, PullPolicy.IF_NOT_PRESENT, ALICE, null, ALICE))).as("seen on n1").isFalse();
    assertThat(model.roundTrip(start("n3", true, PullPolicy.NEVER, ALICE_ROTATED, null, ALICE_ROTATED)))
        .as("rotated: same coordinates").isFalse();
    assertThat(model.roundTrip(start("n3", true, PullPolicy.IF_NOT_PRESENT, BOB, null, null))).as("never seen").isTrue();
    assertThat(model.roundTrip(start("n3", true, PullPolicy.IF_NOT_PRESENT, BOB, null, null))).as("refused: still unseen")
        .isTrue();
  }

  @Test
  void idealRecordsStillPayForAbsentImagesPolicyAlwaysAndRevokedCredentials() {
    CredentialRecordsModel model = CredentialRecordsModel.idealFleetWide();
    assertThat(model.roundTrip(start("n1", false, PullPolicy.IF_NOT_PRESENT, ALICE, null, ALICE))).as("absent").isTrue();
    assertThat(model.roundTrip(start("n2", true, PullPolicy.ALWAYS, ALICE, null, ALICE))).as("Always").isTrue();
    assertThat(model.roundTrip(start("n2", true, PullPolicy.IF_NOT_PRESENT, ALICE, null, null)))
        .as("recorded, but the registry no longer lets Alice pull").isTrue();
    assertThat(model.roundTrip(start("n3", true, PullPolicy.IF_NOT_PRESENT, BOB, null, BOB))).as("Bob's first use").isTrue();
    assertThat(model.roundTripsByCause()).containsOnly(entry("absentImage", 1L), entry("policyAlways", 1L),
        entry("unauthorisedAttempt", 1L), entry("credentialNotRecorded", 1L));
    CredentialRecordsModel kep = CredentialRecordsModel.perNodeKep2535();
    kep.roundTrip(StartRecord.seed("n1", "repo", "sha256:d", ALICE, null, ALICE));
    assertThat(kep.roundTrip(start("n1", true, PullPolicy.IF_NOT_PRESENT, ALICE, null, null)))
        .as("the kubelet's records never learn of a revocation").isFalse();
  }

  @Test
  void comparisonCountsPullproofFromTheRecordAndSamplesRegistryLatencyForTheModels() {
    List<StartRecord> workload = List.of(
        StartRecord.seed("n1", "repo", "sha256:d", ALICE, null, ALICE),
        new StartRecord("n1", "repo", "sha256:d", true, PullPolicy.IF_NOT_PRESENT, ALICE, null, ALICE, false, 0, 2_000_000, true),
        new StartRecord("n2", "repo", "sha256:d", true, PullPolicy.IF_NOT_PRESENT, ALICE, null, ALICE, false, 0, 4_000_000, true),
        new StartRecord("n2", "repo", "sha256:d", true, PullPolicy.IF_NOT_PRESENT, BOB, null, null, false, 1, 90_000_000, false));
    var results = Comparison.byName(Comparison.evaluate(workload,
        List.of(new AlwaysPullImagesModel(), CredentialRecordsModel.perNodeKep2535(), CredentialRecordsModel.idealFleetWide()), new long[] {100_000_000L}));
    assertThat(results.get("pullproof").registryRoundTrips()).isEqualTo(1);
    assertThat(results.get("alwaysPullImages").registryRoundTrips()).isEqualTo(3);
    assertThat(results.get("perNodeKep2535").registryRoundTrips()).isEqualTo(2);
    assertThat(results.get("idealFleetWide").registryRoundTrips()).as("only Bob's refused attempt").isEqualTo(1);
    assertThat(results.get("alwaysPullImages").p50Ms()).isEqualTo(100.0);
    assertThat(results.get("perNodeKep2535").p50Ms()).isEqualTo(100.0);
    assertThat(results.get("pullproof").p50Ms()).isEqualTo(4.0);
  }
}
