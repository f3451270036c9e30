package io.pullproof.decision.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs {@link DecideBenchmark} with JMH's own command-line options (JMH writes the table and, with
 * {@code -rf json -rff FILE}, the JSON), then prints every figure as a ratio of the raw
 * {@code HashMap.get} baseline measured in the same run (PERFORMANCE.md), and the decision's own
 * rate: {@code decide} with the time of {@code buildRequest} taken out.
 */
public final class DecideBenchmarkMain {
  private DecideBenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
    double baseline = Double.NaN;
    String keys = "?";
    for (RunResult result : results) {
      if (result.getParams().getBenchmark().endsWith("baselineHashMapGet")) {
        baseline = result.getPrimaryResult().getScore();
        keys = result.getParams().getParam("grants");
      }
    }
    System.out.println();
    System.out.println("Ratios to the raw baseline (HashMap<String,Integer>.get, fresh key, " + keys + " keys, same run):");
    Map<String, Double> build = new HashMap<>();
    for (RunResult result : results) {
      if (result.getParams().getBenchmark().endsWith("buildRequest")) {
        build.put(result.getParams().getParam("verificationPolicy"), result.getPrimaryResult().getScore());
      }
    }
    for (RunResult result : results) {
      String benchmark = result.getParams().getBenchmark();
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      String policy = result.getParams().getParam("verificationPolicy");
      double score = result.getPrimaryResult().getScore();
      System.out.printf(Locale.ROOT, "  %-20s %-28s %,14.0f ops/s  %6.3f x baseline%n",
          method, policy == null ? "" : policy, score, score / baseline);
      if (method.equals("decide") && build.containsKey(policy)) {
        if (score >= build.get(policy)) {
          System.out.printf(Locale.ROOT, "  %-20s %-28s n/a: decide ran faster than building its requests (a noisy run)%n",
              "decide - buildRequest", policy);
        } else {
          double decisionOnly = 1 / (1 / score - 1 / build.get(policy));
          System.out.printf(Locale.ROOT, "  %-20s %-28s %,14.0f ops/s  %6.3f x baseline%n",
              "decide - buildRequest", policy, decisionOnly, decisionOnly / baseline);
        }
      }
    }
  }
}
