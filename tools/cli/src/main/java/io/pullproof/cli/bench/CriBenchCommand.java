package io.pullproof.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.netty.channel.EventLoopGroup;
import io.pullproof.agent.cri.api.ImageServiceGrpc;
import io.pullproof.agent.cri.api.ImageSpec;
import io.pullproof.agent.cri.api.ImageStatusRequest;
import io.pullproof.agent.cri.api.ListContainersRequest;
import io.pullproof.agent.cri.api.PullImageRequest;
import io.pullproof.agent.cri.api.RuntimeServiceGrpc;
import io.pullproof.agent.cri.api.VersionResponse;
import io.pullproof.agent.cri.proxy.CriProxyServer;
import io.pullproof.agent.cri.proxy.RuntimeVersionCheck;
import io.pullproof.agent.cri.proxy.UnixSockets;
import io.pullproof.agent.cri.api.AuthConfig;
import io.pullproof.stack.process.ScratchDirectory;
import io.pullproof.cli.BadInputException;
import io.pullproof.oci.RegistryClient;
import io.pullproof.oci.RegistryCredentials;
import io.pullproof.stack.containerd.ContainerdRuntime;
import io.pullproof.stack.oci.ImagePusher;
import io.pullproof.stack.oci.OciRegistry;
import io.pullproof.stack.process.DebianPackages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the CRI proxy adds to the kubelet's most frequent calls: ImageStatus (every container start
 * and image GC) and ListContainers (every relist, once a second), each called through the proxy
 * and directly against the same containerd in one run, interleaved in rounds so drift hits both
 * alike. The proxy is the production server ({@link CriProxyServer}); these two calls are pure
 * pass-through, so no Kafka or Kubernetes API is needed for them (the PullImage/CreateContainer
 * hooks are not measured here).
 */
@Command(name = "cri", mixinStandardHelpOptions = true,
    description = {"CRI proxy pass-through latency: ImageStatus and ListContainers through the proxy vs directly",
        "against a real containerd (installed with apt-get when missing; needs root), in one run.",
        "Writes {passthroughAddedP99Ms, calls, imageStatus{...}, listContainers{...}, ...parameters} to --json."})
public final class CriBenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "5,000 calls per method and path instead of 50,000.")
  boolean quick;

  @Option(names = "--calls", paramLabel = "N", description = "Calls per method and path (overrides --quick).")
  Integer calls;

  @Option(names = "--json", paramLabel = "FILE", required = true, description = "Where to write the result as JSON.")
  Path json;

  @Option(names = "--proxy-threads", paramLabel = "N", defaultValue = "2",
      description = "Event-loop threads of the proxy (PULLPROOF_CRI_EVENT_LOOP_THREADS; default: ${DEFAULT-VALUE}).")
  int proxyThreads;

  private static final int ROUND = 500;
  private static final double GOAL_MS = 1.0;

  @Override
  public Integer call() throws Exception {
    int n = calls != null ? calls : quick ? 5_000 : 50_000;
    if (n < ROUND || n > 5_000_000) {
      throw new BadInputException("--calls " + n + ": must be from " + ROUND + " to 5000000");
    }
    n = n / ROUND * ROUND;
    Path work = Files.createTempDirectory("pullproof-bench-cri-");
    DebianPackages.ensureInstalled(List.of(DebianPackages.CONTAINERD, DebianPackages.DOCKER_REGISTRY), System.out::println);
    EventLoopGroup loops = UnixSockets.eventLoops(1);
    // The proxy gets event loops of its own, as in production where it is a process apart from the
    // kubelet: sharing the client's loop would charge the client's work to the proxy.
    if (proxyThreads < 1 || proxyThreads > 64) {
      throw new BadInputException("--proxy-threads " + proxyThreads + ": must be from 1 to 64");
    }
    EventLoopGroup proxyLoops = UnixSockets.eventLoops(proxyThreads);
    try (OciRegistry registry = OciRegistry.startWithHtpasswd(work.resolve("registry"), Map.of("bench", "bench-pass"));
         ContainerdRuntime containerd = ContainerdRuntime.start(work.resolve("containerd"), "127.0.0.1:9/pullproof/pause:3.6")) {
      containerd.trustRegistry(registry.hostPort(), registry.caCertificatePem());
      new ImagePusher(new RegistryClient(registry.baseUri(), registry.sslContext(), new RegistryCredentials("bench", "bench-pass")))
          .push("bench/app", "1");
      String image = registry.hostPort() + "/bench/app:1";
      ManagedChannel direct = UnixSockets.channel(containerd.socket(), loops);
      ManagedChannel upstream = UnixSockets.channel(containerd.socket(), proxyLoops);
      VersionResponse version = RuntimeVersionCheck.require(direct, containerd.socket(), Duration.ofSeconds(10));
      ImageServiceGrpc.newBlockingStub(direct).pullImage(PullImageRequest.newBuilder()
          .setImage(ImageSpec.newBuilder().setImage(image))
          .setAuth(AuthConfig.newBuilder().setUsername("bench").setPassword("bench-pass")).build());
      Path listen = work.resolve("proxy.sock");
      Server proxy = CriProxyServer.start(listen, upstream, Map.of(), Runnable::run, proxyLoops);
      ManagedChannel viaProxy = UnixSockets.channel(listen, loops);
      try {
        System.out.printf("runtime: %s %s (CRI %s); %,d calls per method and path, sequential, rounds of %d%n",
            version.getRuntimeName(), version.getRuntimeVersion(), version.getRuntimeApiVersion(), n, ROUND);
        ImageStatusRequest status = ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build();
        Pair imageStatus = measure(n,
            () -> ImageServiceGrpc.newBlockingStub(direct).imageStatus(status),
            () -> ImageServiceGrpc.newBlockingStub(viaProxy).imageStatus(status));
        Pair listContainers = measure(n,
            () -> RuntimeServiceGrpc.newBlockingStub(direct).listContainers(ListContainersRequest.getDefaultInstance()),
            () -> RuntimeServiceGrpc.newBlockingStub(viaProxy).listContainers(ListContainersRequest.getDefaultInstance()));
        long[] allDirect = concat(imageStatus.direct, listContainers.direct);
        long[] allProxy = concat(imageStatus.proxy, listContainers.proxy);
        double added = ms(percentile(allProxy, 0.99)) - ms(percentile(allDirect, 0.99));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("passthroughAddedP99Ms", round(added));
        result.put("calls", 4L * n);
        result.put("goalAddedP99Ms", GOAL_MS);
        result.put("directP99Ms", round(ms(percentile(allDirect, 0.99))));
        result.put("proxyP99Ms", round(ms(percentile(allProxy, 0.99))));
        result.put("imageStatus", imageStatus.summary());
        result.put("listContainers", listContainers.summary());
        result.put("parameters", Map.of("callsPerMethodAndPath", n, "roundSize", ROUND, "concurrency", 1, "proxyEventLoopThreads", proxyThreads,
            "transport", "gRPC over Unix domain sockets (netty epoll)", "runtime",
            version.getRuntimeName() + " " + version.getRuntimeVersion(),
            "listContainersResult", "empty (no container can run on the benchmark machine)",
            "imageStatusImage", "one present single-layer image"));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);

        System.out.printf("%-16s %-7s %10s %10s %10s %10s%n", "call", "path", "p50 ms", "p99 ms", "p99.9 ms", "max ms");
        imageStatus.print("ImageStatus");
        listContainers.print("ListContainers");
        System.out.printf("added at p99 (both calls): %.3f ms (goal <= %.1f ms)%n", added, GOAL_MS);
        System.out.println("result written to " + json);
      } finally {
        viaProxy.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        proxy.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        upstream.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        direct.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      proxyLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      ScratchDirectory.deleteQuietly(work);
    }
    return 0;
  }

  /** Latencies in ns of one method, direct and through the proxy. */
  private record Pair(long[] direct, long[] proxy) {
    Map<String, Object> summary() {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("directP50Ms", round(ms(percentile(direct, 0.50))));
      summary.put("directP99Ms", round(ms(percentile(direct, 0.99))));
      summary.put("proxyP50Ms", round(ms(percentile(proxy, 0.50))));
      summary.put("proxyP99Ms", round(ms(percentile(proxy, 0.99))));
      summary.put("addedP99Ms", round(ms(percentile(proxy, 0.99)) - ms(percentile(direct, 0.99))));
      summary.put("calls", direct.length + proxy.length);
      return summary;
    }

    void print(String call) {
      System.out.printf("%-16s %-7s %10.3f %10.3f %10.3f %10.3f%n", call, "direct", ms(percentile(direct, 0.5)),
          ms(percentile(direct, 0.99)), ms(percentile(direct, 0.999)), ms(percentile(direct, 1.0)));
      System.out.printf("%-16s %-7s %10.3f %10.3f %10.3f %10.3f%n", "", "proxy", ms(percentile(proxy, 0.5)),
          ms(percentile(proxy, 0.99)), ms(percentile(proxy, 0.999)), ms(percentile(proxy, 1.0)));
    }
  }

  /** Warm-up, then rounds alternating direct and proxy so both see the same machine noise. */
  private static Pair measure(int n, Supplier<?> direct, Supplier<?> proxy) {
    for (int i = 0; i < Math.min(n, 2_000); i++) {
      direct.get();
      proxy.get();
    }
    long[] d = new long[n];
    long[] p = new long[n];
    for (int done = 0; done < n; done += ROUND) {
      time(direct, d, done);
      time(proxy, p, done);
    }
    return new Pair(d, p);
  }

  private static void time(Supplier<?> call, long[] into, int from) {
    for (int i = from; i < from + ROUND; i++) {
      long start = System.nanoTime();
      call.get();
      into[i] = System.nanoTime() - start;
    }
  }

  private static long percentile(long[] samples, double q) {
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static long[] concat(long[] a, long[] b) {
    long[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
