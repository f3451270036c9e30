package io.pullproof.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pullproof.cli.BadInputException;
import io.pullproof.cli.PullproofCommand;
import io.pullproof.jdbc.Database;
import io.pullproof.jdbc.DatabaseConfig;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.ledger.LedgerConfig;
import io.pullproof.ledger.LedgerMain;
import io.pullproof.ledger.api.BearerTokens;
import io.pullproof.ledger.model.GrantFilter;
import io.pullproof.ledger.store.LedgerQueries;
import java.io.StringReader;
import io.pullproof.cli.process.ServiceProcess;
import io.pullproof.stack.process.FreePort;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Ledger API grant queries at a constant offered rate over a large grants table (PERFORMANCE.md
 * goal 6: p99 ≤ 20 ms at 1k requests/s over 1M grants), against the same queries straight over
 * JDBC at the same rate, in one run. The load generator is open-loop: request i is due at
 * {@code start + i/rate} whether or not earlier ones came back, and its latency counts from when it
 * was due, so a stall is not hidden by requests that were never sent (no coordinated omission).
 */
@Command(name = "ledger-api", mixinStandardHelpOptions = true,
    description = {"Ledger API grant-query latency at a constant rate vs the same queries over plain JDBC, in one run.",
        "Loads the grants straight into PostgreSQL, starts the real ledger, offers --rate requests/s over HTTP,",
        "then the same request list as JDBC queries at the same rate. Writes p50/p99/max of both and the p99 ratio to --json."})
public final class LedgerApiBenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "200,000 grants and 10 s per phase instead of 1,000,000 and 30 s.")
  boolean quick;

  @Option(names = "--grants", paramLabel = "N", description = "Grants loaded (overrides --quick).")
  Integer grants;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "1000", description = "Requests per second offered (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--seconds", paramLabel = "N", description = "Measured seconds per phase (default 30, --quick 10); each phase first warms up (--warmup).")
  Integer seconds;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "5",
      description = "Seconds of the same load before each phase's measured window, not measured (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--json", paramLabel = "FILE", required = true, description = "Where to write the result as JSON.")
  Path json;

  private static final String SCHEMA = "bench_api";
  private static final String TOKEN = "bench-api-token";
  private static final int NAMESPACES = 500;
  private static final int NAMES = 50_000;
  private static final int CLUSTERS = 5;
  private static final int NODES_PER_CLUSTER = 200;
  private static final int LISTING_LIMIT = 20;
  private static final int CONNECTIONS = 32;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** One grant query: the API path and the same lookup as a filter for {@link LedgerQueries}. */
  record Query(String kind, String path, GrantFilter filter, int limit) {}

  /** What the ledger's own request timer saw (its Prometheus text): how many it answered, and the slowest. */
  private record Served(long count, double meanMs, double maxMs) {
    static Served parse(String prometheusText) {
      long count = 0;
      double sum = 0;
      double max = 0;
      for (String line : prometheusText.split("\n")) {
        if (line.startsWith("pullproof_ledger_api_requests_seconds_count")) {
          count += Math.round(value(line));
        } else if (line.startsWith("pullproof_ledger_api_requests_seconds_sum")) {
          sum += value(line);
        } else if (line.startsWith("pullproof_ledger_api_requests_seconds_max")) {
          max = Math.max(max, value(line) * 1000);
        }
      }
      return new Served(count, count == 0 ? 0 : sum * 1000 / count, max);
    }

    private static double value(String line) {
      return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
  }

  @Override
  public Integer call() throws Exception {
    int n = grants != null ? grants : quick ? 200_000 : 1_000_000;
    if (n < 1_000 || n > 20_000_000) {
      throw new BadInputException("--grants " + n + ": must be from 1000 to 20000000");
    }
    if (warmupSeconds < 0 || warmupSeconds > 600) {
      throw new BadInputException("--warmup " + warmupSeconds + ": must be from 0 to 600 seconds");
    }
    if (rate < 1 || rate > 20_000) {
      throw new BadInputException("--rate " + rate + ": must be from 1 to 20000");
    }
    int measureSeconds = seconds != null ? seconds : quick ? 10 : 30;
    if (measureSeconds < 1 || measureSeconds > 600) {
      throw new BadInputException("--seconds " + measureSeconds + ": must be from 1 to 600");
    }
    try (BenchServers servers = BenchServers.start("ledger-api")) {
      long loadStart = System.nanoTime();
      Map<String, String> settings = ledgerSettings(servers);
      LedgerConfig config = LedgerConfig.from(ConfigSource.of(settings));
      load(servers.jdbcUrl(), n);
      System.out.printf("loaded %,d grants in %.1f s%n", n, (System.nanoTime() - loadStart) / 1e9);
      List<Query> queries = queries(n, rate * (warmupSeconds + measureSeconds));

      // The ledger runs as deployed: a JVM of its own (the flags of bench decision's service), so
      // the load generator's garbage and JIT work do not pause it, nor its the generator's.
      int apiPort = FreePort.pick();
      settings.put(LedgerConfig.HTTP_PORT.name(), Integer.toString(apiPort));
      ServiceProcess ledger = new ServiceProcess("ledger", LedgerMain.class, settings, LedgerConfig.HEALTH_PORT.name(),
          servers.dir, DecisionBenchCommand.CHILD_JVM);
      OpenLoop.Run api;
      Served served;
      ledger.start();
      try {
        api = viaApi(apiPort, queries, measureSeconds);
        served = Served.parse(ledger.scrapeMetrics());
      } finally {
        ledger.stop();
      }
      OpenLoop.Run raw = viaJdbc(config, queries, measureSeconds);

      Map<String, Object> result = new LinkedHashMap<>();
      result.put("grants", n);
      result.put("rate", rate);
      result.put("measuredSeconds", measureSeconds);
      result.put("warmupSeconds", warmupSeconds);
      result.put("apiP50Ms", round(api.p50Ms()));
      result.put("apiP99Ms", round(api.p99Ms()));
      result.put("apiMaxMs", round(api.maxMs()));
      result.put("apiErrors", api.errors());
      result.put("apiUnanswered", api.unanswered());
      result.put("apiRequestsSent", queries.size());
      result.put("apiMaxMsBySecond", OpenLoop.maxMsBySecond(api));
      result.put("rawJdbcMaxMsBySecond", OpenLoop.maxMsBySecond(raw));
      result.put("apiRequestsAnsweredByLedger", served.count());
      result.put("apiMeanInsideLedgerMs", round(served.meanMs()));
      result.put("apiSlowestInsideLedgerMs", round(served.maxMs()));
      result.put("apiFailedOrUnansweredExamples", OpenLoop.withoutLatency(api, 10).stream()
          .map(i -> "#" + i + " " + queries.get(i).path()).toList());
      result.put("rawJdbcP50Ms", round(raw.p50Ms()));
      result.put("rawJdbcP99Ms", round(raw.p99Ms()));
      result.put("rawJdbcMaxMs", round(raw.maxMs()));
      result.put("rawJdbcErrors", raw.errors());
      result.put("p99Ratio", round(api.p99Ms() / raw.p99Ms()));
      Map<String, Object> byKind = new LinkedHashMap<>();
      for (String kind : List.of("imageRef", "name", "secretUid", "namespace", "clusterNode")) {
        byKind.put(kind, Map.of("apiP99Ms", round(api.p99Ms(i -> queries.get(i).kind().equals(kind))),
            "rawJdbcP99Ms", round(raw.p99Ms(i -> queries.get(i).kind().equals(kind)))));
      }
      result.put("p99ByQuery", byKind);
      result.put("goalP99Ms", 20);
      result.put("quick", quick);
      result.put("queryMix", "40% GET /api/v1/grants/{imageRef}; 15% each ?name, ?secretUid, ?namespace, ?cluster&node with limit="
          + LISTING_LIMIT + "; uniformly random grants, seed 42");
      result.put("ledgerJvm", String.join(" ", DecisionBenchCommand.CHILD_JVM) + " (a JVM of its own)");
      result.put("loadGenerator", "open-loop, constant rate, latency from each request's due time; Vert.x HTTP/1.1 client, "
          + CONNECTIONS + " keep-alive connections, in the benchmark's JVM (the ledger in its own)");
      result.put("rawBaseline", "the same request list as LedgerQueries.grants(...) over JDBC (pool of " + config.dbPoolSize()
          + " connections, as many threads) at the same rate, same open-loop timing; no HTTP, JSON or auth");
      result.put("dbPoolSize", config.dbPoolSize());
      result.put("availableProcessors", Runtime.getRuntime().availableProcessors());
      result.put("systemLoadAverageAtEnd", round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
      result.put("measuredAt", Instant.now().toString());
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);

      System.out.println();
      System.out.printf("%-30s %10s %10s %10s %8s%n", "grant queries at " + rate + "/s", "p50 ms", "p99 ms", "max ms", "errors");
      System.out.printf("%-30s %10.2f %10.2f %10.2f %8d%n", "ledger API (HTTP)", api.p50Ms(), api.p99Ms(), api.maxMs(), api.errors() + api.unanswered());
      System.out.printf("%-30s %10.2f %10.2f %10.2f %8d%n", "raw JDBC (same lookups)", raw.p50Ms(), raw.p99Ms(), raw.maxMs(), raw.errors() + raw.unanswered());
      System.out.printf("%-30s %10.2f   (goal: API p99 <= 20 ms)%n", "p99 ratio API / JDBC", api.p99Ms() / raw.p99Ms());
      byKind.forEach((kind, p99s) -> System.out.printf("  p99 of %-22s %s%n", kind, p99s));
      System.out.println("result written to " + json);
      return PullproofCommand.EXIT_OK;
    }
  }

  private static Map<String, String> ledgerSettings(BenchServers servers) {
    return servers.ledgerSettings(new TopicNames("bench."), SCHEMA, "bench reader " + BearerTokens.hash(TOKEN));
  }

  /**
   * Grant {@code k}: image k/4 with four credentials — three secrets of the image's namespace and
   * its default service account; 500 namespaces, 50,000 names, 5 clusters × 200 nodes.
   */
  private static void load(String url, int n) throws Exception {
    try (Database database = Database.open(new DatabaseConfig(url, null, null, SCHEMA, 2), "bench-api-load", "classpath:db/ledger")) {
      StringBuilder rows = new StringBuilder();
      int chunk = 50_000;
      for (int from = 0; from < n; from += chunk) {
        rows.setLength(0);
        for (int k = from; k < Math.min(n, from + chunk); k++) {
          int image = k / 4;
          int credential = k % 4;
          int namespace = image % NAMESPACES;
          Instant first = T0.plusSeconds(k);
          rows.append("g-").append(Integer.toHexString(k)).append('\t').append(imageRef(image)).append('\t')
              .append(name(image)).append('\t');
          if (credential < 3) {
            rows.append("SECRET\thmac-sha256:k1:").append(hex64(namespace * 4L + credential)).append("\tteam-").append(namespace)
                .append("\tpull-").append(credential).append('\t').append(secretUid(namespace, credential)).append("\t\\N\t\\N\t\\N");
          } else {
            rows.append("SERVICE_ACCOUNT\t\\N\t\\N\t\\N\t\\N\tteam-").append(namespace).append("\tdefault\tsa-").append(namespace);
          }
          rows.append('\t').append(cluster(k)).append('\t').append(node(k)).append('\t').append(first).append('\t')
              .append(first.plusSeconds(3600)).append("\te-").append(k).append('\n');
        }
        String text = rows.toString();
        database.inTransaction(connection -> {
          try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY grants (grant_id, image_ref, name, kind,"
                + " credential_hash, secret_namespace, secret_name, secret_uid, service_account_namespace,"
                + " service_account_name, service_account_uid, cluster, node, first_verified_at, last_verified_at,"
                + " last_event_id) FROM STDIN", new StringReader(text));
          } catch (java.io.IOException e) {
            throw new java.sql.SQLException(e);
          }
        });
      }
    }
    try (Connection connection = java.sql.DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
      statement.execute("VACUUM ANALYZE " + SCHEMA + ".grants");
    }
  }

  /** {@code count} queries over uniformly random grants; the same list drives both phases. */
  private static List<Query> queries(int n, int count) {
    SplittableRandom random = new SplittableRandom(42);
    List<Query> queries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int k = random.nextInt(n);
      int image = k / 4;
      int namespace = image % NAMESPACES;
      int pick = random.nextInt(100);
      if (pick < 40) {
        queries.add(new Query("imageRef", "/api/v1/grants/" + imageRef(image), GrantFilter.forImageRef(imageRef(image)), 500));
      } else if (pick < 55) {
        queries.add(listing("name", "name=" + encode(name(image)), filter(name(image), null, null, null, null)));
      } else if (pick < 70) {
        String uid = secretUid(namespace, k % 3);
        queries.add(listing("secretUid", "secretUid=" + uid, filter(null, uid, null, null, null)));
      } else if (pick < 85) {
        queries.add(listing("namespace", "namespace=team-" + namespace, filter(null, null, "team-" + namespace, null, null)));
      } else {
        queries.add(listing("clusterNode", "cluster=" + cluster(k) + "&node=" + node(k), filter(null, null, null, cluster(k), node(k))));
      }
    }
    return queries;
  }

  private static Query listing(String kind, String query, GrantFilter filter) {
    return new Query(kind, "/api/v1/grants?" + query + "&limit=" + LISTING_LIMIT, filter, LISTING_LIMIT);
  }

  private static GrantFilter filter(String name, String secretUid, String namespace, String cluster, String node) {
    return new GrantFilter(null, name, namespace, null, secretUid, null, null, null, cluster, node, null, null, null);
  }

  /**
   * HTTP/1.1 keep-alive over at most {@link #CONNECTIONS} connections, like wrk2's fixed
   * connections: a request due while all are busy waits for one, and that wait counts.
   *
   * <p>Each request's chain runs on the client's event loop. Started from the load generator's
   * thread, a callback attached to an already completed future ran on that thread, and when
   * {@code body()} was asked for only after the event loop had read the whole response, its future
   * never completed: 14-22 of 15,000 requests "unanswered" per quick run, while the ledger's own
   * timer counted all 15,000 answered.
   */
  private OpenLoop.Run viaApi(int port, List<Query> queries, int measureSeconds) throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(CONNECTIONS));
    Context loop = vertx.getOrCreateContext();
    System.out.printf("ledger API: %,d requests/s for %d + %d s ...%n", rate, warmupSeconds, measureSeconds);
    try {
      return OpenLoop.run(rate, warmupSeconds, measureSeconds, i -> {
        CompletableFuture<Integer> answered = new CompletableFuture<>();
        loop.runOnContext(v -> http
            .request(new RequestOptions().setMethod(HttpMethod.GET).setURI(queries.get(i).path())
                .putHeader("Authorization", "Bearer " + TOKEN))
            .compose(request -> request.send())
            .compose(response -> response.body().map(body -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException(queries.get(i).path() + ": HTTP " + response.statusCode());
              }
              return body.length();
            }))
            .onComplete(done -> {
              if (done.succeeded()) {
                answered.complete(done.result());
              } else {
                answered.completeExceptionally(done.cause());
              }
            }));
        return answered;
      });
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private OpenLoop.Run viaJdbc(LedgerConfig config, List<Query> queries, int measureSeconds) throws InterruptedException {
    int connections = config.dbPoolSize();
    ExecutorService workers = Executors.newFixedThreadPool(connections);
    System.out.printf("raw JDBC: %,d queries/s for %d + %d s ...%n", rate, warmupSeconds, measureSeconds);
    try (Database database = Database.open(new DatabaseConfig(config.dbUrl(), null, null, SCHEMA, connections), "bench-api-raw", "classpath:db/ledger")) {
      LedgerQueries lookups = new LedgerQueries(database);
      return OpenLoop.run(rate, warmupSeconds, measureSeconds, i -> CompletableFuture.supplyAsync(() -> {
        try {
          Query query = queries.get(i);
          lookups.grants(query.filter(), null, query.limit());
          return null;
        } catch (java.sql.SQLException e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      }, workers));
    } finally {
      workers.shutdownNow();
    }
  }

  private static String imageRef(int image) {
    return "sha256:" + hex64(image);
  }

  private static String name(int image) {
    return "registry.example/team-" + image % NAMESPACES + "/app-" + image % NAMES;
  }

  private static String secretUid(int namespace, int credential) {
    return "uid-" + namespace + "-" + credential;
  }

  private static String cluster(int k) {
    return "cluster-" + k % CLUSTERS;
  }

  private static String node(int k) {
    return "node-" + k % CLUSTERS + "-" + k / CLUSTERS % NODES_PER_CLUSTER;
  }

  private static String hex64(long value) {
    String hex = Long.toHexString(value);
    return "0".repeat(64 - hex.length()) + hex;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
