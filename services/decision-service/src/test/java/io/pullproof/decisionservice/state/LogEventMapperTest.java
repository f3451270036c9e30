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
import io.pullproof.decision.events.LogEventMapper;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.NodeRef;
import io.pullproof.events.RevocationScope;
import io.pullproof.events.SecretRef;
import io.pullproof.events.ServiceAccountRef;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Log events as the decision state applies them: the cluster of a pull's node is the cluster of
 * its secret or service account, and a namespace revocation limited to one cluster withdraws that
 * cluster's grants of the namespace from every node of the fleet, and only those.
 */
class LogEventMapperTest {
  private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
  private static final String REF = "sha256:" + "cd".repeat(32);
  private static final String NAME = "registry.io/team/app";
  private static final PullSecret PROD_SECRET = PullSecret.of("team", "pull", "uid-prod", "hmac-sha256:k1:0a");
  private static final PullSecret DEV_SECRET = PullSecret.of("team", "pull", "uid-dev", "hmac-sha256:k1:0b");
  private static final VerdictPolicy ALWAYS_VERIFY =
      new VerdictPolicy(ClusterPolicy.of(new Policy(VerificationPolicy.ALWAYS_VERIFY, null, null)));

  private final FleetState state = new FleetState();

  @Test
  void aPullRecordsTheClusterOfItsSecretOrServiceAccountOnly() {
    assertThat(LogEventMapper.grant(pulled("prod", secret(PROD_SECRET))).cluster()).isEqualTo("prod");
    assertThat(LogEventMapper.grant(pulled("dev", CredentialIdentity.newBuilder().setKind(CredentialKind.SERVICE_ACCOUNT)
        .setServiceAccount(new ServiceAccountRef("team", "builder", "sa-uid")).build())).cluster()).isEqualTo("dev");
    assertThat(LogEventMapper.grant(pulled("dev", CredentialIdentity.newBuilder().setKind(CredentialKind.ANONYMOUS).build()))
        .cluster()).isNull();
    assertThat(LogEventMapper.grant(pulled("", secret(PROD_SECRET))).cluster()).as("no cluster named").isNull();
  }

  @Test
  void aRevocationKeepsItsClusterAndAnEmptyClusterMeansEvery() {
    assertThat(LogEventMapper.revocation(revoked("prod")))
        .isEqualTo(new Revocation(Revocation.Kind.NAMESPACE, "team", T0.plusSeconds(10), "prod"));
    assertThat(LogEventMapper.revocation(revoked("")).cluster()).isNull();
    assertThat(LogEventMapper.revocation(revoked(null)).cluster()).isNull();
  }

  @Test
  void aNamespaceRevocationOfOneClusterWithdrawsItsGrantsFleetWideAndLeavesTheOtherClusters() {
    state.install(0, state.newPartitionLoad(16));
    state.apply(List.of(
        new LogEvent.Pull(0, "prod/n1", LogEventMapper.grant(pulled("prod", secret(PROD_SECRET)))),
        new LogEvent.Pull(0, "dev/n1", LogEventMapper.grant(pulled("dev", secret(DEV_SECRET))))));

    state.applyRevocation("r-prod", LogEventMapper.revocation(revoked("prod")));

    assertThat(decide("prod/n2", PROD_SECRET)).isEqualTo(Reason.REVOKED);
    assertThat(decide("dev/n2", PROD_SECRET)).as("withdrawn on every node of the fleet").isEqualTo(Reason.REVOKED);
    assertThat(decide("dev/n2", DEV_SECRET)).as("dev's namespace of the same name").isEqualTo(Reason.SECRET_HASH_MATCH);

    state.applyRevocation("r-all", LogEventMapper.revocation(revoked(null)));
    assertThat(decide("dev/n2", DEV_SECRET)).isEqualTo(Reason.REVOKED);
  }

  @Test
  void aClusterScopedRevocationReachesAPartitionLoadedLaterFromTheSnapshot() {
    state.applyRevocation("r-prod", LogEventMapper.revocation(revoked("prod")));
    FleetState.PartitionLoad load = state.newPartitionLoad(16);
    load.index().put(Grant.secret(REF, NAME, PROD_SECRET, T0).inCluster("prod"));
    load.index().put(Grant.secret(REF, NAME, DEV_SECRET, T0).inCluster("dev"));
    state.install(0, load);

    assertThat(decide("dev/n1", PROD_SECRET)).isEqualTo(Reason.REVOKED);
    assertThat(decide("dev/n1", DEV_SECRET)).isEqualTo(Reason.SECRET_HASH_MATCH);
  }

  private Reason decide(String node, PullSecret secret) {
    StartRequest request = new StartRequest(node, NAME + ":1", NAME, REF, PullPolicy.IF_NOT_PRESENT, "team",
        List.of(secret), null, null, T0.plusSeconds(60));
    return state.read(reader -> {
      DecisionState view = reader.forRequest(0, false);
      return ALWAYS_VERIFY.decide(view, request).reason();
    });
  }

  private static CredentialIdentity secret(PullSecret secret) {
    return CredentialIdentity.newBuilder().setKind(CredentialKind.SECRET).setHash(secret.credentialHash())
        .setSecret(new SecretRef(secret.ref().namespace(), secret.ref().name(), secret.ref().uid())).build();
  }

  private static ImagePulled pulled(String cluster, CredentialIdentity credential) {
    return ImagePulled.newBuilder().setEventId("pull-" + cluster).setOccurredAt(T0)
        .setNode(new NodeRef(cluster, "n1")).setPod(null).setImage(NAME + ":1").setName(NAME).setImageRef(REF)
        .setCredential(credential).build();
  }

  private static CredentialRevoked revoked(String cluster) {
    return CredentialRevoked.newBuilder().setEventId("r").setOccurredAt(T0.plusSeconds(10))
        .setScope(RevocationScope.NAMESPACE).setValue("team").setCluster(cluster).setReason("test").setActor("test")
        .build();
  }
}
