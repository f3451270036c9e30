package io.pullproof.sim.run;

import io.pullproof.sim.compare.AlwaysPullImagesModel;
import io.pullproof.sim.compare.Comparison;
import io.pullproof.sim.compare.CredentialRecordsModel;
import io.pullproof.sim.compare.StartRecord;
import io.pullproof.sim.fleet.Fleet;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run's summary as a JSON-ready map (the demo's {@code --summary} file, {@code sim} and
 * {@code bench e2e}) and as a table. Field names are a contract: the audit tool reads
 * {@code topicPrefix}, {@code topics}, {@code bootstrap}, {@code schemaRegistry}, {@code ledgerUrl},
 * {@code from}, {@code to}, {@code injectedBypasses} and {@code injectedTampers}.
 */
public final class SimulationSummary {
  private SimulationSummary() {}

  static Map<String, Object> build(SimulationSettings settings, Simulation.Endpoints endpoints, Fleet fleet,
      SimulationCounts counts, List<StartRecord> records, List<Long> registrySamples, Map<String, Object> events,
      int seeded, Instant from, Instant to, Map<String, Long> registryChecks) {
    List<StartRecord> workload;
    synchronized (records) {
      workload = new ArrayList<>(records);
    }
    long[] samples;
    synchronized (registrySamples) {
      samples = registrySamples.stream().mapToLong(Long::longValue).toArray();
    }
    CredentialRecordsModel ideal = CredentialRecordsModel.idealFleetWide();
    Map<String, Comparison.Result> compared = Comparison.byName(Comparison.evaluate(workload,
        List.of(new AlwaysPullImagesModel(), CredentialRecordsModel.perNodeKep2535(), ideal), samples));

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("starts", counts.starts());
    summary.put("allowed", counts.allowed.sum());
    summary.put("repulled", counts.repulled.sum());
    summary.put("pulled", counts.pulled.sum());
    summary.put("blocked", counts.blocked.sum());
    summary.put("startAttempts", counts.attempts.sum() + counts.injectedBypasses.sum());
    summary.put("crashLoopRestarts", counts.restarts.sum());
    summary.put("unauthorizedStarts", counts.unauthorizedStarts.sum());
    summary.put("unauthorizedAttempts", counts.unauthorizedAttempts.sum());
    summary.put("unauthorizedAttemptsBlocked", counts.unauthorizedAttemptsBlocked.sum());
    summary.put("crossTenantAttempts", counts.attacks.sum());
    summary.put("crossTenantAttemptsBlocked", counts.attacksBlocked.sum());
    summary.put("injectedBypasses", counts.injectedBypasses.sum());
    summary.put("injectedTampers", counts.injectedTampers.sum());

    Map<String, Object> verifications = new LinkedHashMap<>();
    Map<String, Object> cachedVerifications = new LinkedHashMap<>();
    Map<String, Object> latency = new LinkedHashMap<>();
    compared.forEach((name, result) -> {
      verifications.put(name, result.registryRoundTrips());
      cachedVerifications.put(name, result.cachedImageRoundTrips());
      latency.put(name, Map.of("p50", round(result.p50Ms()), "p99", round(result.p99Ms())));
    });
    summary.put("registryVerifications", verifications);
    summary.put("registryVerificationsOfCachedImages", cachedVerifications);
    long pullproof = compared.get("pullproof").registryRoundTrips();
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("pullproofToAlwaysPullImages", ratio(pullproof, compared.get("alwaysPullImages").registryRoundTrips()));
    ratios.put("pullproofToPerNodeKep2535", ratio(pullproof, compared.get("perNodeKep2535").registryRoundTrips()));
    ratios.put("cachedImagesPullproofToAlwaysPullImages", ratio(compared.get("pullproof").cachedImageRoundTrips(),
        compared.get("alwaysPullImages").cachedImageRoundTrips()));
    ratios.put("cachedImagesPullproofToPerNodeKep2535", ratio(compared.get("pullproof").cachedImageRoundTrips(),
        compared.get("perNodeKep2535").cachedImageRoundTrips()));
    // The floor the workload sets: no enforcement that verifies unseen credentials goes below it.
    ratios.put("idealFleetWideToAlwaysPullImages", ratio(compared.get("idealFleetWide").registryRoundTrips(),
        compared.get("alwaysPullImages").registryRoundTrips()));
    ratios.put("pullproofToIdealFleetWide", ratio(pullproof, compared.get("idealFleetWide").registryRoundTrips()));
    ratios.put("goals", "pullproofToAlwaysPullImages <= 0.1, pullproofToPerNodeKep2535 <= 0.5, unauthorizedStarts = 0");
    summary.put("ratios", ratios);
    summary.put("idealFleetWideRoundTripsByCause", new TreeMap<>(ideal.roundTripsByCause()));
    summary.put("startLatencyMs", latency);
    summary.put("pullproofStartLatencyBySourceMs", counts.latencyBySource());
    summary.put("registryRoundTripMs", Map.of("p50", round(Comparison.percentileMs(toList(samples), 0.5)),
        "p99", round(Comparison.percentileMs(toList(samples), 0.99)), "samples", samples.length));
    summary.put("registryManifestChecks", registryChecks);
    summary.put("verdictsByReason", SimulationCounts.snapshot(counts.verdictsByReason));
    summary.put("decisionSources", SimulationCounts.snapshot(counts.decisionSources));
    summary.put("events", events);

    summary.put("topicPrefix", endpoints.topics().prefix());
    Map<String, Object> topics = new LinkedHashMap<>();
    topics.put("pulls", endpoints.topics().pulls());
    topics.put("startRequests", endpoints.topics().startRequests());
    topics.put("verdicts", endpoints.topics().verdicts());
    topics.put("startOutcomes", endpoints.topics().startOutcomes());
    topics.put("revocations", endpoints.topics().revocations());
    summary.put("topics", topics);
    summary.put("bootstrap", endpoints.bootstrap());
    summary.put("schemaRegistry", endpoints.schemaRegistry());
    summary.put("ledgerUrl", endpoints.ledgerUrl());
    summary.put("from", from.toString());
    summary.put("to", to.toString());

    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("clusters", fleet.spec().clusters());
    parameters.put("nodesPerCluster", fleet.spec().nodesPerCluster());
    parameters.put("nodes", fleet.nodes().size());
    parameters.put("nodesWithNodeCredential", fleet.nodesWithCredentials().size());
    parameters.put("tenants", fleet.tenants().size());
    parameters.put("repositories", fleet.repositories().size());
    parameters.put("fleet", fleet.spec());
    parameters.put("mix", settings.mix());
    parameters.put("seed", settings.seed());
    parameters.put("durationSeconds", settings.duration().toMillis() / 1000.0);
    parameters.put("offeredRatePerSecond", settings.rate() == 0 ? "closed loop" : settings.rate());
    parameters.put("workers", settings.workers());
    parameters.put("residentPodsPerNode", settings.residentPods());
    parameters.put("seededHistoryPulls", seeded);
    parameters.put("verdictTimeoutMs", settings.agent().verdictTimeout().toMillis());
    parameters.put("allowCacheTtlSeconds", settings.agent().allowCacheTtl().toSeconds());
    parameters.put("decisionPolicy", "AlwaysVerify (every simulated image was pulled by its node, none is preloaded)");
    parameters.put("models", "alwaysPullImages: 1 registry round trip per start; perNodeKep2535: kubelet records per node"
        + " (hash or secret coordinates, node credential, anonymous), no expiry; idealFleetWide: the same records for the"
        + " whole fleet, updated at once, never expiring, told of revocations at once (the workload's floor); same"
        + " workload; latency of a model's round"
        + " trip sampled from the round trips measured in this run, local decisions counted as 0 ms");
    parameters.put("windowSeconds", Duration.between(from, to).toMillis() / 1000.0);
    summary.put("parameters", parameters);
    return summary;
  }

  /** The summary as the table the demo prints. */
  @SuppressWarnings("unchecked")
  public static void print(Map<String, Object> summary, PrintStream out) {
    Map<String, Object> verifications = (Map<String, Object>) summary.get("registryVerifications");
    Map<String, Object> latency = (Map<String, Object>) summary.get("startLatencyMs");
    Map<String, Object> ratios = (Map<String, Object>) summary.get("ratios");
    out.println();
    out.printf("%-34s %12s%n", "container starts", summary.get("starts"));
    out.printf("%-34s %12s%n", "  allowed by a verdict", summary.get("allowed"));
    out.printf("%-34s %12s%n", "  REPULL, verified with registry", summary.get("repulled"));
    out.printf("%-34s %12s%n", "  image absent, pulled", summary.get("pulled"));
    out.printf("%-34s %12s%n", "  injected bypasses", summary.get("injectedBypasses"));
    out.printf("%-34s %12s%n", "blocked", summary.get("blocked"));
    out.printf("%-34s %12s%n", "unauthorised attempts (truth)", summary.get("unauthorizedAttempts"));
    out.printf("%-34s %12s%n", "  of which blocked", summary.get("unauthorizedAttemptsBlocked"));
    out.printf("%-34s %12s   (must be 0)%n", "unauthorised starts (truth)", summary.get("unauthorizedStarts"));
    out.printf("%-34s %12s%n", "injected tampered verdicts", summary.get("injectedTampers"));
    out.println();
    Map<String, Object> cached = (Map<String, Object>) summary.get("registryVerificationsOfCachedImages");
    out.printf("%-20s %22s %18s %14s %14s%n", "", "registry round trips", "of cached images", "start p50 ms", "start p99 ms");
    for (String name : verifications.keySet()) {
      Map<String, Object> l = (Map<String, Object>) latency.get(name);
      out.printf("%-20s %22s %18s %14s %14s%n", name, verifications.get(name), cached.get(name), l.get("p50"), l.get("p99"));
    }
    out.printf("pullproof / alwaysPullImages = %s (goal <= 0.1), pullproof / perNodeKep2535 = %s (goal <= 0.5)%n",
        ratios.get("pullproofToAlwaysPullImages"), ratios.get("pullproofToPerNodeKep2535"));
    out.printf("cached images only: pullproof / alwaysPullImages = %s, pullproof / perNodeKep2535 = %s%n",
        ratios.get("cachedImagesPullproofToAlwaysPullImages"), ratios.get("cachedImagesPullproofToPerNodeKep2535"));
    out.printf("floor of this workload: idealFleetWide / alwaysPullImages = %s, pullproof / idealFleetWide = %s%n",
        ratios.get("idealFleetWideToAlwaysPullImages"), ratios.get("pullproofToIdealFleetWide"));
    out.printf("  its round trips by cause: %s%n", summary.get("idealFleetWideRoundTripsByCause"));
  }

  private static List<Long> toList(long[] values) {
    List<Long> list = new ArrayList<>(values.length);
    for (long v : values) {
      list.add(v);
    }
    return list;
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? Double.NaN : round((double) part / whole);
  }

  private static double round(double value) {
    return Double.isNaN(value) ? value : Math.round(value * 1000) / 1000.0;
  }
}
