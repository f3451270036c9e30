package io.pullproof.sim.compare;

/**
 * The {@code AlwaysPullImages} admission plugin: every container's pull policy becomes
 * {@code Always}, so every start, public image or private, present or not, crash-loop restart or
 * not, asks the registry once (a manifest request; layers already present are not fetched again).
 */
public final class AlwaysPullImagesModel implements RegistryModel {
  @Override
  public String name() {
    return "alwaysPullImages";
  }

  @Override
  public boolean roundTrip(StartRecord start) {
    return !start.seed();
  }
}
