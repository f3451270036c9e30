package io.pullproof.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pullproof.kit.http.HealthCheck;
import io.pullproof.kit.http.HealthServer;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every path the chart probes or scrapes, and every compose health check, run against the real
 * service-kit HealthServer the three services start (on 127.0.0.1, any free port): the probes
 * must hit endpoints that exist, and readiness must turn false when a dependency check fails.
 */
class ProbeEndpointsTest {
  private static final AtomicReference<Optional<String>> PROBLEM = new AtomicReference<>(Optional.empty());
  private static Vertx vertx;
  private static HealthServer server;

  @BeforeAll
  static void startHealthServer() {
    vertx = Vertx.vertx();
    server = HealthServer.start(vertx, "127.0.0.1", 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        List.of(HealthCheck.of("dependency", PROBLEM::get)));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void everyProbedAndScrapedPathOfTheChartIsServed() throws Exception {
    Set<String> paths = new TreeSet<>();
    for (Optional<java.nio.file.Path> values : ChartRendering.valueSets()) {
      for (Manifest m : ChartRendering.render(values)) {
        for (JsonNode container : m.containers()) {
          for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode path = container.path(probe).path("httpGet").path("path");
            if (!path.isMissingNode()) {
              paths.add(path.asText());
            }
          }
        }
        m.at("/spec/endpoints").forEach(e -> paths.add(e.path("path").asText()));
        m.at("/spec/podMetricsEndpoints").forEach(e -> paths.add(e.path("path").asText()));
      }
    }
    assertThat(paths).contains("/health/live", "/health/ready", "/metrics");
    HttpClient client = HttpClient.newHttpClient();
    for (String path : paths) {
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void composeHealthChecksPassOnlyWhileTheServiceIsReady() throws Exception {
    ComposeFile compose = ComposeFile.read();
    for (String name : ComposeFile.PULLPROOF_SERVICES.keySet()) {
      ServiceSettings service = ComposeFile.PULLPROOF_SERVICES.get(name);
      int health = service.healthPort(compose.environment(name));
      List<String> test = ComposeTest.textList(compose.service(name).at("/healthcheck/test"));
      assertThat(test.get(0)).isEqualTo("CMD");
      List<String> command = new ArrayList<>();
      // The same command, aimed at this test's server instead of the container's health port.
      test.subList(1, test.size()).forEach(arg -> command.add(arg.replace("/127.0.0.1/" + health + " ", "/127.0.0.1/" + server.port() + " ")));
      PROBLEM.set(Optional.empty());
      assertThat(run(command)).as("%s health check while ready", name).isZero();
      PROBLEM.set(Optional.of("postgres unreachable"));
      assertThat(run(command)).as("%s health check while not ready", name).isNotZero();
      PROBLEM.set(Optional.empty());
    }
  }

  private static int run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    return process.exitValue();
  }
}
