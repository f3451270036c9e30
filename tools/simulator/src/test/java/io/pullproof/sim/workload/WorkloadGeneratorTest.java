package io.pullproof.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.sim.fleet.Fleet;
import io.pullproof.sim.fleet.FleetSpec;
import io.pullproof.sim.fleet.NodeId;
import io.pullproof.sim.fleet.Repository;
import io.pullproof.sim.truth.GroundTruth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorkloadGeneratorTest {
  private static final Fleet FLEET = Fleet.build(new FleetSpec(2, 3, 4, 2, 2, 2, 2, 1, 0.5));
  /** Each tenant may pull its own repositories, its group's and public ones (the fleet's grants). */
  private static final GroundTruth TRUTH = new GroundTruth((user, repository) -> repository.startsWith("public/")
      || user != null && FLEET.grants().stream().anyMatch(g -> g.user().equals(user)
          && repository.startsWith(g.pattern().substring(0, g.pattern().length() - 1))));

  /** Every node holds every repository. */
  private static final FleetView ALL_CACHED = new FleetView() {
    @Override
    public Collection<String> cached(NodeId node) {
      return FLEET.repositories().stream().map(Repository::name).collect(Collectors.toSet());
    }

    @Override
    public NodeId holder(String repository, Random random) {
      return FLEET.nodes().get(0);
    }
  };

  private static List<PodStart> draw(long seed, int n, WorkloadMix mix) {
    WorkloadGenerator generator = new WorkloadGenerator(FLEET, mix, TRUTH, seed);
    List<PodStart> starts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      starts.add(generator.next(ALL_CACHED));
    }
    return starts;
  }

  @Test
  void theSameSeedGivesTheSameWorkload() {
    assertThat(draw(7, 500, WorkloadMix.defaults())).isEqualTo(draw(7, 500, WorkloadMix.defaults()));
    assertThat(draw(7, 500, WorkloadMix.defaults())).isNotEqualTo(draw(8, 500, WorkloadMix.defaults()));
  }

  @Test
  void attacksNameOnlyCachedImagesTheAttackerMayNotPull() {
    List<PodStart> attacks = draw(3, 2000, WorkloadMix.defaults().withAttackShare(0.5)).stream()
        .filter(s -> s.kind() == PodStart.Kind.ATTACK).toList();
    assertThat(attacks).hasSizeGreaterThan(500);
    assertThat(attacks).allSatisfy(a -> assertThat(TRUTH.authorised(a.tenant().registryUser(),
        a.node().nodeCredentials() ? Fleet.PLATFORM_USER : null, a.repository().name())).isFalse());
  }

  @Test
  void tenantPodsRunOnlyWhatTheirTenantMayPullAndPlatformPodsOnlyOnNodesWithTheCredential() {
    List<PodStart> starts = draw(5, 2000, WorkloadMix.defaults());
    assertThat(starts).filteredOn(s -> s.tenant() != null && s.kind() != PodStart.Kind.ATTACK)
        .allSatisfy(s -> assertThat(TRUTH.authorised(s.tenant().registryUser(), null, s.repository().name())).isTrue());
    assertThat(starts).filteredOn(s -> s.tenant() == null).isNotEmpty()
        .allSatisfy(s -> assertThat(s.node().nodeCredentials()).isTrue());
  }

  @Test
  void restartsRepeatACrashLoopingPodOnItsNode() {
    List<PodStart> starts = draw(11, 2000, WorkloadMix.defaults());
    Set<Long> created = starts.stream().filter(s -> s.kind() != PodStart.Kind.RESTART).map(PodStart::pod).collect(Collectors.toSet());
    List<PodStart> restarts = starts.stream().filter(s -> s.kind() == PodStart.Kind.RESTART).toList();
    assertThat(restarts).hasSizeGreaterThan(300);
    assertThat(restarts).allSatisfy(r -> assertThat(created).contains(r.pod()));
  }

  @Test
  void aHeldTenantGetsNoNewStarts() {
    WorkloadGenerator generator = new WorkloadGenerator(FLEET, WorkloadMix.defaults(), TRUTH, 1);
    generator.hold(FLEET.tenants().get(0));
    for (int i = 0; i < 1000; i++) {
      PodStart start = generator.next(ALL_CACHED);
      assertThat(start.tenant()).isNotEqualTo(FLEET.tenants().get(0));
    }
  }

  @Test
  void theSchedulerPrefersNodesHoldingTheImage() {
    List<PodStart> placed = draw(13, 1000, WorkloadMix.defaults().withLocalityShare(1.0)).stream()
        .filter(s -> s.kind() == PodStart.Kind.NEW_POD).toList();
    assertThat(placed).isNotEmpty().allSatisfy(s -> assertThat(s.node()).isEqualTo(FLEET.nodes().get(0)));
  }
}
