package io.pullproof.sim.workload;

import io.pullproof.events.PullPolicy;
import io.pullproof.sim.fleet.Fleet;
import io.pullproof.sim.fleet.NodeId;
import io.pullproof.sim.fleet.Repository;
import io.pullproof.sim.fleet.Tenant;
import io.pullproof.sim.truth.GroundTruth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The seeded workload: new tenant pods on random nodes (images picked with a skewed popularity, as
 * real fleets share a few hot images), crash-loop restarts, platform daemons on nodes with the node
 * credential, and attacks (a tenant's pod naming another tenant's private image that is already
 * cached on the node: the loophole). Same seed and same answers from {@code present}, same
 * sequence. Thread-safe ({@link #next} is synchronized); tenants can be held (no new starts) while
 * a revocation propagates.
 */
public final class WorkloadGenerator {
  private static final int MAX_CRASH_LOOPING = 512;

  private final Fleet fleet;
  private final WorkloadMix mix;
  private final GroundTruth truth;
  private final Random random;
  private final List<NodeId> platformNodes;
  private final List<PodStart> crashLooping = new ArrayList<>();
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private long pods;

  public WorkloadGenerator(Fleet fleet, WorkloadMix mix, GroundTruth truth, long seed) {
    this.fleet = fleet;
    this.mix = mix;
    this.truth = truth;
    this.random = new Random(seed);
    this.platformNodes = fleet.nodesWithCredentials();
  }

  /** No new starts of {@code tenant} until {@link #release}. */
  public void hold(Tenant tenant) {
    held.add(tenant.name());
  }

  public void release(Tenant tenant) {
    held.remove(tenant.name());
  }

  /**
   * The next start.
   *
   * @param view which nodes hold which images now (for attacks and the scheduler's image locality)
   */
  public synchronized PodStart next(FleetView view) {
    while (true) {
      PodStart start = draw(view);
      if (start != null && (start.tenant() == null || !held.contains(start.tenant().name()))) {
        return start;
      }
    }
  }

  private PodStart draw(FleetView view) {
    double roll = random.nextDouble();
    if (roll < mix.restartShare() && !crashLooping.isEmpty()) {
      PodStart pod = crashLooping.get(random.nextInt(crashLooping.size()));
      return new PodStart(PodStart.Kind.RESTART, pod.pod(), pod.node(), pod.tenant(), pod.repository(), pod.policy());
    }
    if (roll >= mix.restartShare() && roll < mix.restartShare() + mix.attackShare()) {
      PodStart attack = attack(view);
      if (attack != null) {
        return attack;
      }
    }
    PodStart pod = newPod(view);
    if (random.nextDouble() < mix.crashLoopShare()) {
      if (crashLooping.size() >= MAX_CRASH_LOOPING) {
        crashLooping.set(random.nextInt(crashLooping.size()), pod);
      } else {
        crashLooping.add(pod);
      }
    }
    return pod;
  }

  /**
   * A pod of the fleet's history on {@code node} (on a node with the node credential, now and then
   * a platform daemon), drawn like new pods; not a start of the measured window.
   */
  public synchronized PodStart resident(NodeId node) {
    if (node.nodeCredentials() && random.nextDouble() < 0.3) {
      return new PodStart(PodStart.Kind.PLATFORM, ++pods, node, null, pick(fleet.ofKind(Repository.Kind.PLATFORM)),
          PullPolicy.IF_NOT_PRESENT);
    }
    return tenantPod(node, null);
  }

  private PodStart newPod(FleetView view) {
    if (!platformNodes.isEmpty() && random.nextDouble() < mix.platformShare()) {
      return new PodStart(PodStart.Kind.PLATFORM, ++pods, pick(platformNodes), null,
          pick(fleet.ofKind(Repository.Kind.PLATFORM)), PullPolicy.IF_NOT_PRESENT);
    }
    return tenantPod(pick(fleet.nodes()), view);
  }

  /** A tenant's new pod on {@code node}, or (with {@code view}, as often as the mix says) on a node holding its image. */
  private PodStart tenantPod(NodeId node, FleetView view) {
    Tenant tenant = pick(fleet.tenants());
    double kind = random.nextDouble();
    Repository.Kind wanted = kind < mix.privateShare() ? Repository.Kind.PRIVATE
        : kind < mix.privateShare() + mix.sharedShare() ? Repository.Kind.SHARED : Repository.Kind.PUBLIC;
    List<Repository> candidates = fleet.usedBy(tenant).stream().filter(r -> r.kind() == wanted).toList();
    Repository repository = popular(candidates);
    if (view != null && random.nextDouble() < mix.localityShare()) {
      NodeId holder = view.holder(repository.name(), random);
      if (holder != null) {
        node = holder;
      }
    }
    return new PodStart(PodStart.Kind.NEW_POD, ++pods, node, tenant, repository, policy());
  }

  /** A tenant naming a cached image it may not pull, on a node that has it; null when the node has none. */
  private PodStart attack(FleetView view) {
    NodeId node = pick(fleet.nodes());
    Tenant attacker = pick(fleet.tenants());
    List<Repository> targets = new ArrayList<>();
    Collection<String> cached = view.cached(node);
    for (Repository repository : fleet.repositories()) {
      if (repository.kind() != Repository.Kind.PUBLIC && repository.kind() != Repository.Kind.PLATFORM
          && cached.contains(repository.name())
          && !truth.authorised(attacker.registryUser(), node.nodeCredentials() ? Fleet.PLATFORM_USER : null, repository.name())) {
        targets.add(repository);
      }
    }
    if (targets.isEmpty()) {
      return null;
    }
    PullPolicy policy = random.nextInt(4) == 0 ? PullPolicy.NEVER : PullPolicy.IF_NOT_PRESENT;
    return new PodStart(PodStart.Kind.ATTACK, ++pods, node, attacker, pick(targets), policy);
  }

  private PullPolicy policy() {
    double roll = random.nextDouble();
    return roll < mix.neverShare() ? PullPolicy.NEVER
        : roll < mix.neverShare() + mix.alwaysShare() ? PullPolicy.ALWAYS : PullPolicy.IF_NOT_PRESENT;
  }

  /** Skewed towards the first entries: entry i is picked with weight 1/(i+1). */
  private <T> T popular(List<T> list) {
    double total = 0;
    for (int i = 0; i < list.size(); i++) {
      total += 1.0 / (i + 1);
    }
    double roll = random.nextDouble() * total;
    for (int i = 0; i < list.size(); i++) {
      roll -= 1.0 / (i + 1);
      if (roll <= 0) {
        return list.get(i);
      }
    }
    return list.get(list.size() - 1);
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
