package io.pullproof.sim.compare;

import io.pullproof.events.PullPolicy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The kubelet with {@code KubeletEnsureSecretPulledImages} (KEP-2535) under
 * {@code AlwaysVerify}-equivalent conditions (every image on a simulated node was pulled by its
 * kubelet, so none is preloaded): each node keeps its own records of which credential pulled which
 * image, never expiring. A start of an image present on the node needs no registry when the
 * node's records hold the pod's secret (same hash, or same namespace/name/uid after a rotation),
 * the node credential the node still holds, or an anonymous pull; otherwise it pulls (one round
 * trip) and, on success, records the credential. {@code Never} without a record (or without the
 * image) fails with ErrImageNeverPull without asking; {@code Always} and absent images ask.
 */
public final class PerNodeKep2535Model implements RegistryModel {
  /** node → digest → record keys ("anon", "hash:…", "coord:…", "node:…"). */
  private final Map<String, Map<String, Set<String>>> records = new HashMap<>();

  @Override
  public String name() {
    return "perNodeKep2535";
  }

  @Override
  public boolean roundTrip(StartRecord start) {
    Set<String> node = records.computeIfAbsent(start.node(), n -> new HashMap<>())
        .computeIfAbsent(start.digest(), d -> new HashSet<>());
    if (start.seed()) {
      record(node, start.proof());
      return false;
    }
    boolean ask;
    if (!start.present()) {
      ask = start.policy() != PullPolicy.NEVER;
    } else if (start.policy() == PullPolicy.ALWAYS) {
      ask = true;
    } else if (recorded(node, start)) {
      ask = false;
    } else {
      ask = start.policy() != PullPolicy.NEVER;
    }
    if (ask && start.authorised()) {
      record(node, start.proof());
    }
    return ask;
  }

  private static boolean recorded(Set<String> node, StartRecord start) {
    if (node.contains("anon")) {
      return true;
    }
    Credential secret = start.podSecret();
    if (secret != null && (node.contains("hash:" + secret.hash()) || node.contains("coord:" + secret.coordinates()))) {
      return true;
    }
    return start.nodeCredential() != null && node.contains("node:" + start.nodeCredential().hash());
  }

  private static void record(Set<String> node, Credential proof) {
    if (proof == null) {
      return;
    }
    switch (proof.kind()) {
      case ANONYMOUS -> node.add("anon");
      case NODE_CREDENTIAL -> node.add("node:" + proof.hash());
      case SECRET -> {
        node.add("hash:" + proof.hash());
        node.add("coord:" + proof.coordinates());
      }
    }
  }
}
