package io.pullproof.sim.compare;

import io.pullproof.events.PullPolicy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Enforcement by records of which credential pulled which image, in two scopes.
 *
 * <p>{@link #perNodeKep2535()}: the kubelet with {@code KubeletEnsureSecretPulledImages} (KEP-2535)
 * under {@code AlwaysVerify}-equivalent conditions (every image on a simulated node was pulled by
 * its kubelet, so none is preloaded). Each node keeps its own records, never expiring. A start of
 * an image present on the node needs no registry when the node's records hold the pod's secret
 * (same hash, or same namespace/name/uid after a rotation), the node credential the node still
 * holds, or an anonymous pull; otherwise it pulls (one round trip) and, on success, records the
 * credential. {@code Never} without a record (or without the image) fails with ErrImageNeverPull
 * without asking; {@code Always} and absent images ask.
 *
 * <p>{@link #idealFleetWide()}: the same rules with one set of records for the whole fleet, updated
 * the instant a pull succeeds anywhere, never expiring, and told of every revocation at once (a
 * recorded credential that may no longer pull asks again, as a correct enforcement must). No
 * enforcement that verifies credentials it has not seen pull an image can make fewer round trips,
 * so this is the floor the workload itself sets: what is left is absent images, {@code Always},
 * and first uses of a credential (including every unauthorised attempt that is not {@code Never}).
 */
public final class CredentialRecordsModel implements RegistryModel {
  private static final String FLEET = "";

  private final String name;
  private final boolean perNode;
  /** scope (a node, or the fleet) → digest → record keys ("anon", "hash:…", "coord:…", "node:…"). */
  private final Map<String, Map<String, Set<String>>> records = new HashMap<>();
  private final Map<String, Long> roundTripsByCause = new LinkedHashMap<>();

  private CredentialRecordsModel(String name, boolean perNode) {
    this.name = name;
    this.perNode = perNode;
  }

  public static CredentialRecordsModel perNodeKep2535() {
    return new CredentialRecordsModel("perNodeKep2535", true);
  }

  public static CredentialRecordsModel idealFleetWide() {
    return new CredentialRecordsModel("idealFleetWide", false);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean roundTrip(StartRecord start) {
    Set<String> scope = records.computeIfAbsent(perNode ? start.node() : FLEET, n -> new HashMap<>())
        .computeIfAbsent(start.digest(), d -> new HashSet<>());
    if (start.seed()) {
      record(scope, start.proof());
      return false;
    }
    boolean ask;
    if (!start.present()) {
      ask = start.policy() != PullPolicy.NEVER;
    } else if (start.policy() == PullPolicy.ALWAYS) {
      ask = true;
    } else if (recorded(scope, start) && (perNode || start.authorised())) {
      // The kubelet's records never learn of a revocation; the ideal records do, and verify again.
      ask = false;
    } else {
      ask = start.policy() != PullPolicy.NEVER;
    }
    if (ask && start.authorised()) {
      record(scope, start.proof());
    }
    if (ask) {
      roundTripsByCause.merge(cause(start), 1L, Long::sum);
    }
    return ask;
  }

  /**
   * Why the round trips of the measured starts were made: {@code absentImage}, {@code policyAlways},
   * {@code unauthorisedAttempt} (the registry refused) or {@code credentialNotRecorded} (an
   * authorised credential this scope had not seen pull the image).
   */
  public Map<String, Long> roundTripsByCause() {
    return Map.copyOf(roundTripsByCause);
  }

  private static String cause(StartRecord start) {
    if (!start.present()) {
      return "absentImage";
    }
    if (start.policy() == PullPolicy.ALWAYS) {
      return "policyAlways";
    }
    return start.authorised() ? "credentialNotRecorded" : "unauthorisedAttempt";
  }

  private static boolean recorded(Set<String> scope, StartRecord start) {
    if (scope.contains("anon")) {
      return true;
    }
    Credential secret = start.podSecret();
    if (secret != null && (scope.contains("hash:" + secret.hash()) || scope.contains("coord:" + secret.coordinates()))) {
      return true;
    }
    return start.nodeCredential() != null && scope.contains("node:" + start.nodeCredential().hash());
  }

  private static void record(Set<String> scope, Credential proof) {
    if (proof == null) {
      return;
    }
    switch (proof.kind()) {
      case ANONYMOUS -> scope.add("anon");
      case NODE_CREDENTIAL -> scope.add("node:" + proof.hash());
      case SECRET -> {
        scope.add("hash:" + proof.hash());
        scope.add("coord:" + proof.coordinates());
      }
    }
  }
}
