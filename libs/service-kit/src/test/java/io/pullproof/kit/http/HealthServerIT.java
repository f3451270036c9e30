package io.pullproof.kit.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthServerIT {

  @Test
  void readinessFollowsTheChecksAndMetricsArePrometheusText() throws Exception {
    Vertx vertx = Vertx.vertx();
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.counter("pullproof.test.events").increment(3);
    AtomicReference<Optional<String>> database = new AtomicReference<>(Optional.of("connection refused"));
    try (HealthServer server = HealthServer.start(vertx, "127.0.0.1", 0, metrics,
        List.of(HealthCheck.of("postgres", database::get)))) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();

      assertThat(get(http, base + "/health/live").statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = get(http, base + "/health/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("\"postgres\":\"connection refused\"");

      database.set(Optional.empty());
      assertThat(get(http, base + "/health/ready").statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/metrics").body()).contains("pullproof_test_events_total 3.0");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
