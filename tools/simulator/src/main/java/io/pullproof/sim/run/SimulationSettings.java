package io.pullproof.sim.run;

import io.pullproof.sim.fleet.FleetSpec;
import io.pullproof.sim.node.SimulatedFleet;
import io.pullproof.sim.workload.WorkloadMix;
import java.time.Duration;

/**
 * Everything a simulation run needs besides the endpoints. Checked on construction: the message
 * names the bad field.
 *
 * @param duration length of the measured window (after the history is seeded)
 * @param rate container starts offered per second; 0: as fast as the workers go (closed loop)
 * @param workers concurrent starts in flight (each blocks while its agent waits for a verdict or the registry)
 * @param residentPods pods per node in the fleet's history: their pulls are seeded before the window
 * @param injectBypass starts to publish without asking (enforcement bypasses for the audit to find)
 * @param injectTamper extra verdicts contradicting an already enforced one (for the audit to find)
 * @param rotateAndRevoke rotate one tenant's secret at a third of the window and revoke another's access at two thirds
 * @param progressEvery interval of the live progress line
 */
public record SimulationSettings(
    FleetSpec fleet, WorkloadMix mix, long seed, Duration duration, double rate, int workers, int residentPods,
    int injectBypass, int injectTamper, boolean rotateAndRevoke, SimulatedFleet.AgentSettings agent, Duration progressEvery) {

  public SimulationSettings {
    if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(24)) > 0) {
      throw new IllegalArgumentException("duration " + duration + ": must be from 1 ms to 24 h");
    }
    if (!(rate >= 0 && rate <= 1_000_000)) {
      throw new IllegalArgumentException("rate " + rate + ": must be from 0 to 1000000 starts/s");
    }
    if (workers < 1 || workers > 4096) {
      throw new IllegalArgumentException("workers " + workers + ": must be from 1 to 4096");
    }
    if (residentPods < 0 || residentPods > 100) {
      throw new IllegalArgumentException("residentPods " + residentPods + ": must be from 0 to 100");
    }
    if (injectBypass < 0 || injectTamper < 0) {
      throw new IllegalArgumentException("inject counts must not be negative (bypass " + injectBypass + ", tamper "
          + injectTamper + ")");
    }
  }

  /** The demo's run: a small fleet, every feature on. */
  public static SimulationSettings demo(Duration duration, long seed, int injectBypass, int injectTamper) {
    return new SimulationSettings(FleetSpec.demo(), WorkloadMix.defaults(), seed, duration, 40, 16, 3, injectBypass,
        injectTamper, true, SimulatedFleet.AgentSettings.defaults(), Duration.ofSeconds(2));
  }
}
