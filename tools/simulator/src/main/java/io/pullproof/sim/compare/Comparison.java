package io.pullproof.sim.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the models over the recorded workload and sets them beside what Pullproof did. Start latency
 * of a model: a start that asks the registry costs one registry round trip, sampled (in order,
 * cyclically) from the round trips the simulated nodes measured in the same run; a start decided
 * locally costs nothing measurable. Pullproof's latency is the measured end-to-end start.
 */
public final class Comparison {
  /**
   * Registry round trips and start latency of one way of running the fleet.
   *
   * @param cachedImageRoundTrips the round trips of starts whose image was already on the node (pulls of absent
   *     images cost the same under every model; these are where the models differ)
   */
  public record Result(String name, long registryRoundTrips, long cachedImageRoundTrips, double p50Ms, double p99Ms) {}

  private Comparison() {}

  /** Pullproof first, then each model, in the given order. Seed records are evaluated (state) but not counted. */
  public static List<Result> evaluate(List<StartRecord> workload, List<RegistryModel> models, long[] registrySamplesNanos) {
    List<Result> results = new ArrayList<>();
    long pullproof = 0;
    long pullproofCached = 0;
    List<Long> pullproofLatency = new ArrayList<>();
    for (StartRecord start : workload) {
      if (!start.seed()) {
        pullproof += start.pullproofRoundTrips();
        pullproofCached += start.present() ? start.pullproofRoundTrips() : 0;
        pullproofLatency.add(start.pullproofLatencyNanos());
      }
    }
    results.add(new Result("pullproof", pullproof, pullproofCached, percentileMs(pullproofLatency, 0.50),
        percentileMs(pullproofLatency, 0.99)));
    for (RegistryModel model : models) {
      long trips = 0;
      long cached = 0;
      int sample = 0;
      List<Long> latency = new ArrayList<>();
      for (StartRecord start : workload) {
        boolean trip = model.roundTrip(start);
        if (start.seed()) {
          continue;
        }
        if (trip) {
          trips++;
          cached += start.present() ? 1 : 0;
          latency.add(registrySamplesNanos.length == 0 ? 0L : registrySamplesNanos[sample++ % registrySamplesNanos.length]);
        } else {
          latency.add(0L);
        }
      }
      results.add(new Result(model.name(), trips, cached, percentileMs(latency, 0.50), percentileMs(latency, 0.99)));
    }
    return results;
  }

  /** {@code results} by name, for the summary. */
  public static Map<String, Result> byName(List<Result> results) {
    Map<String, Result> map = new LinkedHashMap<>();
    results.forEach(r -> map.put(r.name(), r));
    return map;
  }

  /** Nearest-rank percentile in milliseconds; NaN when empty. */
  public static double percentileMs(List<Long> nanos, double quantile) {
    if (nanos.isEmpty()) {
      return Double.NaN;
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
