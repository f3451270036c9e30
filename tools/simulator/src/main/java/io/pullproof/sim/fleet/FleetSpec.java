package io.pullproof.sim.fleet;

/**
 * The shape of a simulated fleet. Checked on construction: the message names the bad field.
 *
 * @param clusters clusters in the fleet
 * @param nodesPerCluster nodes in each cluster
 * @param tenants tenants; each has its own namespace, pull secret (own registry user) and service account in every cluster
 * @param groups tenants are split into this many groups; the tenants of a group share the group's private images
 * @param privateImagesPerTenant private repositories each tenant owns ({@code tenant-NN/app-K})
 * @param sharedImagesPerGroup repositories every tenant of a group may pull ({@code shared-G/lib-K})
 * @param publicImages repositories anyone may pull ({@code public/base-K})
 * @param platformImages repositories only the node-wide credential may pull ({@code platform/agent-K})
 * @param nodeCredentialShare share of nodes holding the node-wide credential (OpenShift's cluster-wide pull secret)
 */
public record FleetSpec(
    int clusters, int nodesPerCluster, int tenants, int groups, int privateImagesPerTenant, int sharedImagesPerGroup,
    int publicImages, int platformImages, double nodeCredentialShare) {

  public FleetSpec {
    positive("clusters", clusters, 1000);
    positive("nodesPerCluster", nodesPerCluster, 10_000);
    positive("tenants", tenants, 10_000);
    positive("groups", groups, tenants);
    positive("privateImagesPerTenant", privateImagesPerTenant, 100);
    positive("sharedImagesPerGroup", sharedImagesPerGroup, 100);
    positive("publicImages", publicImages, 100);
    positive("platformImages", platformImages, 100);
    if (!(nodeCredentialShare >= 0 && nodeCredentialShare <= 1)) {
      throw new IllegalArgumentException("nodeCredentialShare " + nodeCredentialShare + ": must be from 0 to 1");
    }
  }

  /** The demo's fleet: small enough to watch, every feature present. */
  public static FleetSpec demo() {
    return new FleetSpec(3, 4, 6, 2, 2, 2, 3, 1, 0.25);
  }

  public int nodes() {
    return clusters * nodesPerCluster;
  }

  /** Same fleet with another size. */
  public FleetSpec withSize(int newClusters, int newNodesPerCluster, int newTenants) {
    return new FleetSpec(newClusters, newNodesPerCluster, newTenants, Math.min(groups, newTenants), privateImagesPerTenant,
        sharedImagesPerGroup, publicImages, platformImages, nodeCredentialShare);
  }

  private static void positive(String field, int value, int max) {
    if (value < 1 || value > max) {
      throw new IllegalArgumentException(field + " " + value + ": must be from 1 to " + max);
    }
  }
}
