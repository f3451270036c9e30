package io.pullproof.decision.bench;

import io.pullproof.decision.Allowlist;
import io.pullproof.decision.ClusterPolicy;
import io.pullproof.decision.InMemoryDecisionState;
import io.pullproof.decision.Policy;
import io.pullproof.decision.StartRequest;
import io.pullproof.decision.Verdict;
import io.pullproof.decision.VerdictPolicy;
import io.pullproof.decision.VerificationPolicy;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link VerdictPolicy#decide} over 1M grants on one thread, beside baselines measured in the
 * same run. Each operation picks a random (image reference, name) group, so the index is read
 * cold as under real traffic, and builds a fresh request for it, so every string is hashed and
 * compared in full as after decoding a record.
 *
 * <ul>
 *   <li>{@code decide}: build a request, decide it;
 *   <li>{@code buildRequest}: build the request alone; {@link DecideBenchmarkMain} subtracts it to
 *       report the decision's own rate;
 *   <li>{@code baselineHashMapGet}: one {@code HashMap<String, Integer>.get} with a fresh key over
 *       1M keys, the raw cost of the simplest in-memory lookup.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class DecideBenchmark {

  @State(Scope.Benchmark)
  public static class Fleet {
    @Param("1000000")
    public int grants;

    @Param({"AlwaysVerify", "NeverVerifyPreloadedImages"})
    public String verificationPolicy;

    FleetFixture fixture;
    InMemoryDecisionState state;
    VerdictPolicy policy;

    @Setup(Level.Trial)
    public void load() {
      fixture = new FleetFixture(grants);
      state = new InMemoryDecisionState(fixture.index());
      fixture.recordNodePulls(state);
      policy = new VerdictPolicy(ClusterPolicy.of(
          new Policy(VerificationPolicy.fromConfigName(verificationPolicy), Allowlist.empty(), null)));
    }
  }

  /**
   * A xorshift sequence of groups and request kinds, the same in every run. It also prints, per
   * iteration, operations per second of the benchmark thread's own CPU time: on a shared machine
   * the thread is descheduled for part of the wall-clock time JMH divides by, and "one core"
   * means the CPU time of one thread.
   */
  @State(Scope.Thread)
  public static class Traffic {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    long seed = 2535;
    int count;
    private int countAtStart;
    private long cpuAtStart;

    @Setup(Level.Iteration)
    public void startIteration() {
      countAtStart = count;
      cpuAtStart = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
      long cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuAtStart;
      System.out.printf(Locale.ROOT, "  [%,.0f ops per CPU second of the benchmark thread]%n",
          (count - countAtStart) * 1e9 / cpuNanos);
    }

    int nextGroup(int groups) {
      seed ^= seed << 13;
      seed ^= seed >>> 7;
      seed ^= seed << 17;
      return (int) ((seed >>> 1) % groups);
    }
  }

  @State(Scope.Benchmark)
  public static class Baseline {
    @Param("1000000")
    public int grants;

    Map<String, Integer> map;
    String[] keys;

    @Setup(Level.Trial)
    public void load() {
      FleetFixture fixture = new FleetFixture(grants);
      map = new HashMap<>(grants * 2);
      keys = new String[fixture.groups];
      for (int g = 0; g < fixture.groups; g++) {
        keys[g] = fixture.digests[g];
        for (int k = 0; k < FleetFixture.GRANTS_PER_GROUP; k++) {
          map.put(fixture.digests[g] + "#" + k, g);
        }
      }
    }
  }

  @Benchmark
  public Verdict decide(Fleet fleet, Traffic traffic) {
    return fleet.policy.decide(fleet.state, request(fleet, traffic));
  }

  @Benchmark
  public StartRequest buildRequest(Fleet fleet, Traffic traffic) {
    return request(fleet, traffic);
  }

  @Benchmark
  public Integer baselineHashMapGet(Baseline baseline, Traffic traffic) {
    int g = traffic.nextGroup(baseline.keys.length);
    return baseline.map.get(baseline.keys[g] + "#" + (traffic.count++ % FleetFixture.GRANTS_PER_GROUP));
  }

  private static StartRequest request(Fleet fleet, Traffic traffic) {
    int g = traffic.nextGroup(fleet.fixture.groups);
    int kind = traffic.count++;
    return fleet.fixture.request(g, kind, kind * 7919);
  }
}
