package io.pullproof.sim.workload;

import io.pullproof.sim.fleet.NodeId;
import java.util.Collection;
import java.util.Random;

/** What the workload generator may see of the running fleet: which images nodes hold. */
public interface FleetView {
  /** The repositories cached on {@code node} now. */
  Collection<String> cached(NodeId node);

  /** A node holding {@code repository}, picked with {@code random}; null when none does. */
  NodeId holder(String repository, Random random);
}
