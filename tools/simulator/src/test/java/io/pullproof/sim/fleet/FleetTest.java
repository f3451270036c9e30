package io.pullproof.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FleetTest {
  @Test
  void nodesCarryExactlyTheShareOfNodeCredentialsAskedFor() {
    Fleet fleet = Fleet.build(new FleetSpec(3, 4, 6, 2, 2, 2, 3, 1, 0.25));
    assertThat(fleet.nodes()).hasSize(12);
    assertThat(fleet.nodesWithCredentials()).hasSize(3);
    assertThat(fleet.nodes()).extracting(NodeId::key).doesNotHaveDuplicates().contains("cluster-01/cluster-01-node-001");
  }

  @Test
  void everyTenantIsGrantedItsOwnAndItsGroupsRepositories() {
    Fleet fleet = Fleet.build(new FleetSpec(1, 1, 3, 2, 2, 1, 1, 1, 0));
    assertThat(fleet.grants()).contains(new Fleet.Grant("tenant-01-puller", "tenant-01/*"),
        new Fleet.Grant("tenant-01-puller", "shared-0/*"), new Fleet.Grant("tenant-02-puller", "shared-1/*"),
        new Fleet.Grant(Fleet.PLATFORM_USER, "platform/*"));
    assertThat(fleet.usedBy(fleet.tenants().get(2))).extracting(Repository::name)
        .containsExactlyInAnyOrder("tenant-03/app-0", "tenant-03/app-1", "shared-0/lib-0", "public/base-0");
  }

  @Test
  void aBadSpecNamesItsField() {
    assertThatThrownBy(() -> new FleetSpec(0, 1, 1, 1, 1, 1, 1, 1, 0)).hasMessageStartingWith("clusters 0");
    assertThatThrownBy(() -> new FleetSpec(1, 1, 2, 3, 1, 1, 1, 1, 0)).hasMessageStartingWith("groups 3");
    assertThatThrownBy(() -> new FleetSpec(1, 1, 1, 1, 1, 1, 1, 1, 1.5)).hasMessageStartingWith("nodeCredentialShare");
  }
}
