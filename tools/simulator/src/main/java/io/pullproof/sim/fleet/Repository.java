package io.pullproof.sim.fleet;

/**
 * A repository of the simulated registry.
 *
 * @param name repository path, e.g. {@code tenant-03/app-1}
 * @param owner the owning tenant's name for PRIVATE, else null
 * @param group the group for SHARED, else -1
 */
public record Repository(String name, Kind kind, String owner, int group) {
  /** Who may pull it (the registry grants below are written from this). */
  public enum Kind { PRIVATE, SHARED, PUBLIC, PLATFORM }
}
