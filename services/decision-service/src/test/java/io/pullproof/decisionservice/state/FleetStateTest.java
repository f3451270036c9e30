package io.pullproof.decisionservice.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.decision.ClusterPolicy;
import io.pullproof.decision.DecisionState;
import io.pullproof.decision.Grant;
import io.pullproof.decision.Policy;
import io.pullproof.decision.PullPolicy;
import io.pullproof.decision.PullSecret;
import io.pullproof.decision.Reason;
import io.pullproof.decision.Revocation;
import io.pullproof.decision.StartRequest;
import io.pullproof.decision.VerdictPolicy;
import io.pullproof.decision.VerificationPolicy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetStateTest {
  private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
  private static final String REF = "sha256:" + "ab".repeat(32);
  private static final String NAME = "registry.io/team/app";
  private static final PullSecret SECRET = PullSecret.of("team", "pull", "uid-1", "hmac-sha256:k1:01");
  private static final VerdictPolicy ALWAYS_VERIFY =
      new VerdictPolicy(ClusterPolicy.of(new Policy(VerificationPolicy.ALWAYS_VERIFY, null, null)));
  private static final VerdictPolicy PRELOADED_DEFAULT = new VerdictPolicy(ClusterPolicy.of(Policy.DEFAULT));

  private final FleetState state = new FleetState();

  private static StartRequest request(String node) {
    return new StartRequest(node, NAME + ":1", NAME, REF, PullPolicy.IF_NOT_PRESENT, "team", List.of(SECRET), null, null,
        T0.plusSeconds(60));
  }

  private Reason decide(VerdictPolicy policy, int partition, String node) {
    return state.read(reader -> {
      DecisionState view = reader.forRequest(partition, false);
      return view == null ? null : policy.decide(view, request(node)).reason();
    });
  }

  private void hold(int partition) {
    state.install(partition, state.newPartitionLoad(16));
  }

  @Test
  void grantIsSeenOnlyThroughItsOwnPartition() {
    hold(1);
    hold(2);
    state.apply(List.of(new LogEvent.Pull(1, "c1/n1", Grant.secret(REF, NAME, SECRET, T0))));

    assertThat(decide(ALWAYS_VERIFY, 1, "c1/n2")).isEqualTo(Reason.SECRET_HASH_MATCH);
    assertThat(decide(ALWAYS_VERIFY, 2, "c1/n2")).isEqualTo(Reason.NO_RECORD);
  }

  @Test
  void pullOfAPartitionNotHeldRecordsOnlyTheNodePull() {
    hold(1);
    state.apply(List.of(new LogEvent.Pull(3, "c1/n1", Grant.secret(REF, NAME, SECRET, T0))));

    assertThat(state.grantCount()).isZero();
    assertThat(decide(PRELOADED_DEFAULT, 1, "c1/n1")).as("pulled on n1: verified, no grant here").isEqualTo(Reason.NO_RECORD);
    assertThat(decide(PRELOADED_DEFAULT, 1, "c1/n9")).as("never pulled on n9").isEqualTo(Reason.PRELOADED);
  }

  @Test
  void droppedPartitionIsNotAnswered() {
    hold(1);
    state.drop(List.of(1));
    assertThat(decide(ALWAYS_VERIFY, 1, "c1/n1")).isNull();
  }

  @Test
  void revocationReachesHeldPartitionsAndPartitionsLoadedLater() {
    hold(1);
    state.apply(List.of(new LogEvent.Pull(1, "c1/n1", Grant.secret(REF, NAME, SECRET, T0))));
    state.applyRevocation("r-1", new Revocation(Revocation.Kind.SECRET_UID, "uid-1", T0.plusSeconds(1)));
    assertThat(decide(ALWAYS_VERIFY, 1, "c1/n1")).isEqualTo(Reason.REVOKED);

    FleetState.PartitionLoad load = state.newPartitionLoad(16);
    load.index().put(Grant.secret(REF, NAME, SECRET, T0));
    state.install(2, load);
    assertThat(decide(ALWAYS_VERIFY, 2, "c1/n1")).isEqualTo(Reason.REVOKED);
  }

  @Test
  void revocationArrivingWhileAPartitionLoadsIsAppliedAtInstall() {
    FleetState.PartitionLoad load = state.newPartitionLoad(16);
    load.index().put(Grant.secret(REF, NAME, SECRET, T0));
    state.applyRevocation("r-1", Revocation.of(Revocation.Kind.CREDENTIAL_HASH, SECRET.credentialHash()));
    state.install(4, load);
    assertThat(decide(ALWAYS_VERIFY, 4, "c1/n1")).isEqualTo(Reason.REVOKED);
  }

  @Test
  void sameRevocationIdIsAppliedOnce() {
    Revocation revocation = Revocation.of(Revocation.Kind.NAMESPACE, "team");
    assertThat(state.applyRevocation("r-1", revocation)).isTrue();
    assertThat(state.applyRevocation("r-1", revocation)).isFalse();
  }

  @Test
  void reapplyingOlderPullsAfterASnapshotChangesNothing() {
    hold(1);
    Grant newer = Grant.secret(REF, NAME, SECRET, T0.plusSeconds(30));
    state.apply(List.of(new LogEvent.Pull(1, "c1/n1", newer)));
    state.apply(List.of(new LogEvent.Pull(1, "c1/n1", Grant.secret(REF, NAME, SECRET, T0))));
    assertThat(state.grantCount()).isEqualTo(1);
    Grant held = state.read(reader -> reader.forRequest(1, false).grants().grant(0));
    assertThat(held.verifiedAt()).isEqualTo(newer.verifiedAt());
  }
}
