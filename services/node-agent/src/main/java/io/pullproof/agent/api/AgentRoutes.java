package io.pullproof.agent.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullproof.agent.enforce.Enforcer;
import io.pullproof.agent.enforce.PullReporter;
import io.pullproof.agent.enforce.StartDecision;
import io.pullproof.agent.enforce.UnmatchedCredentialException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local API for the runtime hook, documented in {@code openapi/node-agent-api.yaml} (served at
 * {@value #OPENAPI_PATH}). Decisions block (verdict wait, registry check), so they run on a named
 * worker pool, never on the event loop.
 */
public final class AgentRoutes implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String STARTS_PATH = "/v1/container-starts";
  public static final String PULLS_PATH = "/v1/pulls";
  public static final String OPENAPI_PATH = "/openapi.yaml";
  /** Every route, so a test can hold the OpenAPI document to them. */
  public static final List<String> PATHS = List.of(STARTS_PATH, PULLS_PATH, OPENAPI_PATH);
  static final String OPENAPI_RESOURCE = "/openapi/node-agent-api.yaml";
  private static final int BODY_LIMIT = 1 << 20;
  /** How long a pull report waits for Kafka's acknowledgement before answering "recorded, not yet published". */
  private static final java.time.Duration PULL_ACK_WAIT = java.time.Duration.ofSeconds(2);

  private final HttpServer server;
  private final WorkerExecutor workers;

  private AgentRoutes(HttpServer server, WorkerExecutor workers) {
    this.server = server;
    this.workers = workers;
  }

  /** @param tls the API's certificate and key, or null for plain HTTP (loopback only either way) */
  public static AgentRoutes start(Vertx vertx, String host, int port, int threads, Enforcer enforcer, PullReporter pulls,
      ApiTls tls) {
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("pullproof-agent-enforce", threads);
    byte[] openapi = openapi();
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.post(STARTS_PATH).handler(ctx -> blocking(ctx, workers, () -> {
      StartDecision decision = enforcer.start(RequestParser.startRequest(body(ctx)));
      return json(ctx, 200, decision(decision));
    }));
    router.post(PULLS_PATH).handler(ctx -> blocking(ctx, workers, () -> {
      PullReporter.Reported reported = pulls.reportAndWait(RequestParser.pullReport(body(ctx)), PULL_ACK_WAIT);
      return json(ctx, 202, JSON.createObjectNode().put("eventId", reported.event().getEventId())
          .put("published", reported.published()));
    }));
    router.get(OPENAPI_PATH).handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml")
        .end(Buffer.buffer(openapi)));
    router.route().last().handler(ctx -> problem(ctx, new ApiError(ApiError.Reason.NOT_FOUND, "path",
        "path: no " + ctx.request().method() + " " + ctx.request().path() + "; see " + OPENAPI_PATH)));
    HttpServer server = await(vertx.createHttpServer(tls == null ? new HttpServerOptions() : tls.serverOptions())
        .requestHandler(router).listen(port, host));
    LOG.info("local API listening on {}://{}:{}", tls == null ? "http" : "https", host, server.actualPort());
    return new AgentRoutes(server, workers);
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    await(server.close());
    workers.close();
  }

  private static void blocking(RoutingContext ctx, WorkerExecutor workers, Callable<Future<Void>> work) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      problem(ctx, new ApiError(ApiError.Reason.UNSUPPORTED_MEDIA_TYPE, "Content-Type",
          "Content-Type: must be application/json, not " + type));
      return;
    }
    workers.executeBlocking(work::call, false).onFailure(failure -> {
      if (failure instanceof ApiError error) {
        problem(ctx, error);
      } else if (failure instanceof UnmatchedCredentialException unmatched) {
        problem(ctx, new ApiError(ApiError.Reason.UNMATCHED_CREDENTIAL, unmatched.field(),
            unmatched.field() + ": " + unmatched.getMessage()));
      } else {
        LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
        problem(ctx, new ApiError(ApiError.Reason.INTERNAL, "", "agent error: " + failure.getClass().getSimpleName()));
      }
    });
  }

  private static byte[] body(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    return body == null ? new byte[0] : body.getBytes();
  }

  static ObjectNode decision(StartDecision decision) {
    ObjectNode out = JSON.createObjectNode().put("action", decision.action().name());
    out.put("outcome", decision.outcome() == null ? null : decision.outcome().name());
    out.put("decisionSource", decision.source() == null ? null : decision.source().name());
    out.put("reason", decision.kubeletReason());
    out.put("message", decision.message());
    out.put("requestId", decision.requestId());
    out.put("verdict", decision.verdict() == null ? null : decision.verdict().getVerdict().name());
    out.put("verdictReason", decision.verdict() == null ? null : decision.verdict().getReason().name());
    out.put("registryStatus", decision.registryStatus());
    return out;
  }

  private static Future<Void> json(RoutingContext ctx, int status, ObjectNode body) {
    return ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
  }

  private static void problem(RoutingContext ctx, ApiError error) {
    ObjectNode body = JSON.createObjectNode()
        .put("type", "urn:pullproof:agent:" + error.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
        .put("title", error.reason().title)
        .put("status", error.reason().status)
        .put("detail", error.getMessage())
        .put("field", error.field());
    ctx.response().setStatusCode(error.reason().status).putHeader("Content-Type", "application/problem+json")
        .end(body.toString());
  }

  private static byte[] openapi() {
    try (InputStream in = AgentRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("local API: " + e.getMessage(), e);
    }
  }
}
