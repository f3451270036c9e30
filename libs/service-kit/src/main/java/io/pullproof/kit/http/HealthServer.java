package io.pullproof.kit.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The one small HTTP server every service has (Strimzi's {@code HealthCheckAndMetricsServer}):
 * {@code /health/live} (the process answers), {@code /health/ready} (every check passes; 503 with
 * the failing checks otherwise) and {@code /metrics} (Prometheus text format).
 * Checks run on a worker thread: they may touch a database.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  private HealthServer(HttpServer server) {
    this.server = server;
  }

  public static HealthServer start(Vertx vertx, String host, int port, PrometheusMeterRegistry metrics, List<HealthCheck> checks) {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> vertx.executeBlocking(() -> readiness(checks))
        .onSuccess(body -> json(ctx, "UP".equals(body.getString("status")) ? 200 : 503, body))
        .onFailure(ctx::fail));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.scrape()));
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(port, host));
    return new HealthServer(server);
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    await(server.close());
  }

  static JsonObject readiness(List<HealthCheck> checks) {
    JsonObject failing = new JsonObject();
    for (HealthCheck check : checks) {
      Optional<String> problem;
      try {
        problem = check.problem();
      } catch (RuntimeException e) {
        problem = Optional.of("check failed: " + e);
      }
      problem.ifPresent(p -> failing.put(check.name(), p));
    }
    return new JsonObject().put("status", failing.isEmpty() ? "UP" : "DOWN").put("checks", failing);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** Start-up and shutdown are sequential in Main; blocking here keeps that order obvious. */
  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("health server: " + e.getMessage(), e);
    }
  }
}
