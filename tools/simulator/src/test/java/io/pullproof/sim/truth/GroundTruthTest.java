package io.pullproof.sim.truth;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.sim.fleet.Fleet;
import io.pullproof.sim.fleet.FleetSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroundTruthTest {
  private static final Fleet FLEET = Fleet.build(new FleetSpec(1, 4, 4, 2, 2, 2, 2, 1, 0.5));
  private static final GroundTruth TRUTH = new GroundTruth(grantsOf(FLEET));

  /** The fleet's grants as a registry would read them (exact, prefix/* or *), public/* for everyone. */
  static PullAuthority grantsOf(Fleet fleet) {
    List<Fleet.Grant> grants = fleet.grants();
    return (user, repository) -> {
      if (repository.startsWith("public/")) {
        return true;
      }
      return user != null && grants.stream().anyMatch(g -> g.user().equals(user) && (g.pattern().equals(repository)
          || g.pattern().endsWith("/*") && repository.startsWith(g.pattern().substring(0, g.pattern().length() - 1))));
    };
  }

  @Test
  void aTenantMayRunItsOwnPrivateImagesButNotAnotherTenants() {
    assertThat(TRUTH.proof("tenant-01-puller", null, "tenant-01/app-0")).isEqualTo(GroundTruth.Proof.SECRET);
    assertThat(TRUTH.proof("tenant-02-puller", null, "tenant-01/app-0")).isNull();
  }

  @Test
  void sharedImagesBelongToTheTenantsOfOneGroup() {
    // tenants 1 and 3 are group 0, tenants 2 and 4 group 1
    assertThat(TRUTH.authorised("tenant-03-puller", null, "shared-0/lib-1")).isTrue();
    assertThat(TRUTH.authorised("tenant-02-puller", null, "shared-0/lib-1")).isFalse();
  }

  @Test
  void theNodeCredentialComesAfterThePodSecretAndGrantsOnlyPlatformImages() {
    assertThat(TRUTH.proof("tenant-01-puller", Fleet.PLATFORM_USER, "platform/agent-0"))
        .isEqualTo(GroundTruth.Proof.NODE_CREDENTIAL);
    assertThat(TRUTH.proof("tenant-01-puller", Fleet.PLATFORM_USER, "tenant-01/app-1")).isEqualTo(GroundTruth.Proof.SECRET);
    assertThat(TRUTH.proof("tenant-01-puller", Fleet.PLATFORM_USER, "tenant-02/app-1")).isNull();
    assertThat(TRUTH.proof(null, null, "platform/agent-0")).isNull();
  }

  @Test
  void anonymousOnlyWhenNoCredentialIsPresented() {
    assertThat(TRUTH.proof(null, null, "public/base-0")).isEqualTo(GroundTruth.Proof.ANONYMOUS);
    // A pod with a secret pulls public images with it, as the kubelet would present it.
    assertThat(TRUTH.proof("tenant-04-puller", null, "public/base-0")).isEqualTo(GroundTruth.Proof.SECRET);
    assertThat(TRUTH.proof(null, null, "tenant-01/app-0")).isNull();
  }

  @Test
  void itAsksTheRegistryEveryTimeSoARevocationAtTheRegistryChangesTheTruth() {
    boolean[] revoked = {false};
    GroundTruth truth = new GroundTruth((user, repository) -> !revoked[0] && "tenant-01-puller".equals(user));
    assertThat(truth.authorised("tenant-01-puller", null, "tenant-01/app-0")).isTrue();
    revoked[0] = true;
    assertThat(truth.authorised("tenant-01-puller", null, "tenant-01/app-0")).isFalse();
  }
}
