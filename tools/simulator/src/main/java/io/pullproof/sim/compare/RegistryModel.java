package io.pullproof.sim.compare;

/** An honest model of how many registry round trips a way of running the fleet makes. */
public interface RegistryModel {
  String name();

  /** Evaluates the next start of the recorded workload (in order); true when it costs one registry round trip. */
  boolean roundTrip(StartRecord start);
}
