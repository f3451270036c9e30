package io.pullproof.sim.workload;

/**
 * What the generated workload is made of. Shares are probabilities per generated start.
 *
 * @param restartShare share of starts that are crash-loop restarts of a running pod (same node, same everything)
 * @param crashLoopShare share of new pods that crash-loop (their restarts come from {@code restartShare})
 * @param attackShare share of starts where a tenant tries to run another tenant's private image cached on a node
 * @param platformShare share of new pods that are platform daemons on nodes with the node credential (no pod secret)
 * @param neverShare share of new pods with {@code imagePullPolicy: Never}
 * @param alwaysShare share of new pods with {@code imagePullPolicy: Always}
 * @param privateShare of a tenant's new pods: share running the tenant's own private images
 * @param sharedShare of a tenant's new pods: share running the group's shared images (the rest: public images)
 * @param localityShare of new pods: share the scheduler places on a node that already holds the image (the
 *     kube-scheduler's ImageLocality score), when some node does; the rest land on a random node
 */
public record WorkloadMix(double restartShare, double crashLoopShare, double attackShare, double platformShare,
    double neverShare, double alwaysShare, double privateShare, double sharedShare, double localityShare) {

  public WorkloadMix {
    share("restartShare", restartShare);
    share("crashLoopShare", crashLoopShare);
    share("attackShare", attackShare);
    share("platformShare", platformShare);
    share("neverShare", neverShare);
    share("alwaysShare", alwaysShare);
    share("privateShare", privateShare);
    share("sharedShare", sharedShare);
    share("localityShare", localityShare);
    if (restartShare + attackShare > 1) {
      throw new IllegalArgumentException("restartShare + attackShare " + (restartShare + attackShare) + ": must be at most 1");
    }
    if (neverShare + alwaysShare > 1) {
      throw new IllegalArgumentException("neverShare + alwaysShare " + (neverShare + alwaysShare) + ": must be at most 1");
    }
    if (privateShare + sharedShare > 1) {
      throw new IllegalArgumentException("privateShare + sharedShare " + (privateShare + sharedShare) + ": must be at most 1");
    }
  }

  public static WorkloadMix defaults() {
    return new WorkloadMix(0.30, 0.20, 0.05, 0.05, 0.05, 0.05, 0.45, 0.25, 0.6);
  }

  public WorkloadMix withAttackShare(double share) {
    return new WorkloadMix(restartShare, crashLoopShare, share, platformShare, neverShare, alwaysShare, privateShare, sharedShare,
        localityShare);
  }

  public WorkloadMix withTenantMix(double privateOwn, double shared) {
    return new WorkloadMix(restartShare, crashLoopShare, attackShare, platformShare, neverShare, alwaysShare, privateOwn, shared,
        localityShare);
  }

  public WorkloadMix withRestartShare(double share) {
    return new WorkloadMix(share, crashLoopShare, attackShare, platformShare, neverShare, alwaysShare, privateShare, sharedShare,
        localityShare);
  }

  public WorkloadMix withLocalityShare(double share) {
    return new WorkloadMix(restartShare, crashLoopShare, attackShare, platformShare, neverShare, alwaysShare, privateShare,
        sharedShare, share);
  }

  private static void share(String field, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(field + " " + value + ": must be from 0 to 1");
    }
  }
}
