package io.pullproof.sim.fleet;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulated fleet built from a {@link FleetSpec}: nodes (an even share with the node-wide
 * credential), tenants, repositories, and the registry grants that say who may pull what. The
 * grants are written into the real token issuer; the ground truth then asks the token issuer, not
 * this class.
 */
public final class Fleet {
  /** The registry user of the node-wide credential (the nodes' {@code config.json}). */
  public static final String PLATFORM_USER = "platform-node";
  /** Namespace of the platform's daemon pods, which carry no pull secret and rely on the node credential. */
  public static final String PLATFORM_NAMESPACE = "platform-system";
  public static final String PUBLIC_PATTERN = "public/*";

  /** One registry grant: {@code user} may pull repositories matching {@code pattern}. */
  public record Grant(String user, String pattern) {}

  private final FleetSpec spec;
  private final List<NodeId> nodes;
  private final List<Tenant> tenants;
  private final List<Repository> repositories;

  private Fleet(FleetSpec spec, List<NodeId> nodes, List<Tenant> tenants, List<Repository> repositories) {
    this.spec = spec;
    this.nodes = List.copyOf(nodes);
    this.tenants = List.copyOf(tenants);
    this.repositories = List.copyOf(repositories);
  }

  public static Fleet build(FleetSpec spec) {
    List<NodeId> nodes = new ArrayList<>(spec.nodes());
    int index = 0;
    for (int c = 0; c < spec.clusters(); c++) {
      String cluster = String.format("cluster-%02d", c + 1);
      for (int n = 0; n < spec.nodesPerCluster(); n++, index++) {
        // Exactly the share asked for, spread evenly: node i has it when (i+1)*share passes an integer.
        boolean credential = Math.floor((index + 1) * spec.nodeCredentialShare()) > Math.floor(index * spec.nodeCredentialShare());
        nodes.add(new NodeId(cluster, String.format("%s-node-%03d", cluster, n + 1), credential));
      }
    }
    List<Tenant> tenants = new ArrayList<>();
    List<Repository> repositories = new ArrayList<>();
    for (int t = 0; t < spec.tenants(); t++) {
      String name = String.format("tenant-%02d", t + 1);
      tenants.add(new Tenant(name, t % spec.groups(), name + "-puller"));
      for (int i = 0; i < spec.privateImagesPerTenant(); i++) {
        repositories.add(new Repository(name + "/app-" + i, Repository.Kind.PRIVATE, name, -1));
      }
    }
    for (int g = 0; g < spec.groups(); g++) {
      for (int i = 0; i < spec.sharedImagesPerGroup(); i++) {
        repositories.add(new Repository("shared-" + g + "/lib-" + i, Repository.Kind.SHARED, null, g));
      }
    }
    for (int i = 0; i < spec.publicImages(); i++) {
      repositories.add(new Repository("public/base-" + i, Repository.Kind.PUBLIC, null, -1));
    }
    for (int i = 0; i < spec.platformImages(); i++) {
      repositories.add(new Repository("platform/agent-" + i, Repository.Kind.PLATFORM, null, -1));
    }
    return new Fleet(spec, nodes, tenants, repositories);
  }

  public FleetSpec spec() {
    return spec;
  }

  public List<NodeId> nodes() {
    return nodes;
  }

  public List<Tenant> tenants() {
    return tenants;
  }

  public List<Repository> repositories() {
    return repositories;
  }

  /** What the registry must grant: each tenant its own repositories and its group's, the node credential the platform's. */
  public List<Grant> grants() {
    List<Grant> grants = new ArrayList<>();
    for (Tenant tenant : tenants) {
      grants.add(new Grant(tenant.registryUser(), tenant.name() + "/*"));
      grants.add(new Grant(tenant.registryUser(), "shared-" + tenant.group() + "/*"));
    }
    grants.add(new Grant(PLATFORM_USER, "platform/*"));
    return grants;
  }

  /** The repositories a tenant's own workloads use: its private ones, its group's shared ones, the public ones. */
  public List<Repository> usedBy(Tenant tenant) {
    return repositories.stream().filter(r -> switch (r.kind()) {
      case PRIVATE -> r.owner().equals(tenant.name());
      case SHARED -> r.group() == tenant.group();
      case PUBLIC -> true;
      case PLATFORM -> false;
    }).toList();
  }

  public List<Repository> ofKind(Repository.Kind kind) {
    return repositories.stream().filter(r -> r.kind() == kind).toList();
  }

  public List<NodeId> nodesWithCredentials() {
    return nodes.stream().filter(NodeId::nodeCredentials).toList();
  }
}
