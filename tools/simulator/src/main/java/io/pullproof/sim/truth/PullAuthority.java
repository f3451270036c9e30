package io.pullproof.sim.truth;

/** Who may pull what, as the registry decides it (the simulator asks the real token issuer). */
@FunctionalInterface
public interface PullAuthority {
  /** Whether {@code user} (null: anonymous) may pull {@code repository} now. */
  boolean mayPull(String user, String repository);
}
