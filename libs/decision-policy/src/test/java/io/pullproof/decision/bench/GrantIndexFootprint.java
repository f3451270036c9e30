package io.pullproof.decision.bench;

import io.pullproof.decision.InMemoryGrantIndex;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Measures the heap an {@link InMemoryGrantIndex} of {@link FleetFixture} grants retains: used heap
 * after full GCs with only the index reachable, minus the same before it was built. The fixture is
 * dropped before the second measurement, so the interned values (names, hashes, coordinates) are
 * counted with the index that keeps them. Run with a serial collector for stable figures (command
 * in docs/decide.md).
 */
public final class GrantIndexFootprint {
  private GrantIndexFootprint() {}

  /**
   * Arguments: number of grants (default 1,000,000), grants per group (default 5, at most 5),
   * tenants (default 5,000; each has two secrets and a service account).
   */
  public static void main(String[] args) {
    int grants = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int perGroup = args.length > 1 ? Integer.parseInt(args[1]) : FleetFixture.GRANTS_PER_GROUP;
    int tenants = args.length > 2 ? Integer.parseInt(args[2]) : FleetFixture.TENANTS;
    long before = usedAfterGc();
    InMemoryGrantIndex index = new FleetFixture(grants, perGroup, tenants).index();
    long after = usedAfterGc();
    long bytes = after - before;
    System.out.printf("grants=%,d groups=%,d retained=%,d bytes -> %.1f bytes/grant%n",
        index.size(), index.groups(), bytes, (double) bytes / index.size());
    if (index.size() == 0) {
      throw new AssertionError("unreachable: keeps the index alive until after the measurement");
    }
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
