package io.pullproof.ledger.api;

import io.pullproof.ledger.LedgerMetrics;
import io.pullproof.ledger.ingest.RevocationPublisher;
import io.pullproof.ledger.model.GrantFilter;
import io.pullproof.ledger.model.GrantRecord;
import io.pullproof.ledger.model.InvalidFieldException;
import io.pullproof.ledger.model.NewRevocation;
import io.pullproof.ledger.model.Page;
import io.pullproof.ledger.model.RevocationScope;
import io.pullproof.ledger.model.Role;
import io.pullproof.ledger.model.StartFilter;
import io.pullproof.ledger.store.LedgerQueries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST ledger API (DESIGN.md §4), described by {@code /openapi.yaml}. Every JDBC call runs on a
 * worker thread; every failure is problem+json with a {@link Reason}.
 */
public final class LedgerRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerRoutes.class);
  public static final String OPENAPI_RESOURCE = "ledger/openapi.yaml";
  static final String PROBLEM_JSON = "application/problem+json";
  private static final String CALLER = "caller";
  static final Set<String> GRANT_PARAMS = Set.of("imageRef", "name", "namespace", "secret", "secretUid",
      "serviceAccount", "serviceAccountUid", "credentialHash", "cluster", "node", "revoked", "since", "until", "limit", "cursor");
  static final Set<String> START_PARAMS =
      Set.of("namespace", "pod", "name", "imageRef", "cluster", "node", "since", "until", "limit", "cursor");
  static final Set<String> PAGE_PARAMS = Set.of("limit", "cursor");
  private static final int DEFAULT_LIMIT = 100;

  private final Vertx vertx;
  private final LedgerQueries queries;
  private final RevocationPublisher revocations;
  private final BearerTokens tokens;
  private final LedgerMetrics metrics;
  private final int maxPageSize;
  private final Buffer openApi;

  public LedgerRoutes(Vertx vertx, LedgerQueries queries, RevocationPublisher revocations, BearerTokens tokens,
      LedgerMetrics metrics, int maxPageSize) {
    this.vertx = vertx;
    this.queries = queries;
    this.revocations = revocations;
    this.tokens = tokens;
    this.metrics = metrics;
    this.maxPageSize = maxPageSize;
    this.openApi = Buffer.buffer(readResource(OPENAPI_RESOURCE));
  }

  public Router router() {
    Router router = Router.router(vertx);
    router.route().handler(this::timed);
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml").end(openApi));
    router.route("/api/*").handler(this::authenticate);
    router.get("/api/v1/grants").handler(requires(Role.READER, this::listGrants));
    router.get("/api/v1/grants/:imageRef").handler(requires(Role.READER, this::grantsOfImage));
    router.get("/api/v1/starts").handler(requires(Role.AUDITOR, this::listStarts));
    router.get("/api/v1/starts/bypassed").handler(requires(Role.AUDITOR, this::listBypasses));
    router.get("/api/v1/revocations").handler(requires(Role.AUDITOR, this::listRevocations));
    router.post("/api/v1/revocations").handler(BodyHandler.create().setBodyLimit(16 * 1024))
        .handler(requires(Role.ADMIN, this::createRevocation));
    router.get("/api/v1/stats").handler(requires(Role.READER, this::stats));
    router.route().last().handler(ctx -> fail(ctx, new ApiError(Reason.NOT_FOUND, null, "no such resource: " + ctx.request().path())));
    router.route().failureHandler(this::failure);
    return router;
  }

  private void listGrants(RoutingContext ctx) {
    QueryParams q = new QueryParams(ctx.queryParams(), GRANT_PARAMS);
    GrantFilter filter = grantFilter(q);
    int limit = q.limit(DEFAULT_LIMIT, maxPageSize);
    var cursor = q.cursor();
    blocking(ctx, () -> ApiJson.page(queries.grants(filter, cursor, limit), ApiJson::grant));
  }

  private void grantsOfImage(RoutingContext ctx) {
    new QueryParams(ctx.queryParams(), Set.of());
    String imageRef = ctx.pathParam("imageRef");
    blocking(ctx, () -> {
      Page<GrantRecord> page = queries.grants(GrantFilter.forImageRef(imageRef), null, maxPageSize);
      if (page.items().isEmpty()) {
        throw new ApiError(Reason.NOT_FOUND, "imageRef", "no grant recorded for image reference " + imageRef);
      }
      return ApiJson.page(page, ApiJson::grant);
    });
  }

  private void listStarts(RoutingContext ctx) {
    QueryParams q = new QueryParams(ctx.queryParams(), START_PARAMS);
    StartFilter filter = startFilter(q);
    int limit = q.limit(DEFAULT_LIMIT, maxPageSize);
    var cursor = q.cursor();
    blocking(ctx, () -> ApiJson.page(queries.starts(filter, cursor, limit), ApiJson::start));
  }

  private void listBypasses(RoutingContext ctx) {
    QueryParams q = new QueryParams(ctx.queryParams(), START_PARAMS);
    StartFilter filter = startFilter(q);
    int limit = q.limit(DEFAULT_LIMIT, maxPageSize);
    var cursor = q.cursor();
    blocking(ctx, () -> ApiJson.page(queries.bypasses(filter, cursor, limit), ApiJson::bypass));
  }

  /** The grant listing's filter; package-private so the fuzz tests (tools/fuzz) drive the same code. */
  static GrantFilter grantFilter(QueryParams q) {
    return new GrantFilter(q.text("imageRef"), q.text("name"), q.text("namespace"), q.text("secret"),
        q.text("secretUid"), q.text("serviceAccount"), q.text("serviceAccountUid"), q.text("credentialHash"),
        q.text("cluster"), q.text("node"), q.bool("revoked"), q.time("since"), q.time("until"));
  }

  static StartFilter startFilter(QueryParams q) {
    return new StartFilter(q.text("namespace"), q.text("pod"), q.text("name"), q.text("imageRef"),
        q.text("cluster"), q.text("node"), q.time("since"), q.time("until"));
  }

  private void listRevocations(RoutingContext ctx) {
    QueryParams q = new QueryParams(ctx.queryParams(), PAGE_PARAMS);
    int limit = q.limit(DEFAULT_LIMIT, maxPageSize);
    var cursor = q.cursor();
    blocking(ctx, () -> ApiJson.page(queries.revocations(cursor, limit), ApiJson::revocation));
  }

  private void stats(RoutingContext ctx) {
    new QueryParams(ctx.queryParams(), Set.of());
    blocking(ctx, () -> ApiJson.stats(queries.stats()));
  }

  private void createRevocation(RoutingContext ctx) {
    NewRevocation request = revocationRequest(ctx.request().getHeader("Content-Type"), ctx.body().buffer());
    BearerTokens.Caller caller = ctx.get(CALLER);
    Future.fromCompletionStage(revocations.publish(request, caller.subject()), ctx.vertx().getOrCreateContext())
        .onSuccess(record -> {
          metrics.revocationPublished();
          LOG.info("revocation {} of {} {} published by {}", record.revocationId(), record.scope(), record.value(), caller.subject());
          ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
              .putHeader("Location", "/api/v1/revocations")
              .end(ApiJson.revocation(record).encode());
        })
        .onFailure(e -> fail(ctx, new ApiError(Reason.UNAVAILABLE, null, "Kafka did not accept the revocation: " + e.getMessage())));
  }

  /**
   * The revocation a POST body asks for; every problem is an {@link ApiError} naming the field.
   * Decodes the body as {@code RequestBody.asJsonObject} does; package-private for the fuzz tests.
   */
  static NewRevocation revocationRequest(String contentType, Buffer rawBody) {
    if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiError(Reason.UNSUPPORTED_MEDIA_TYPE, null, "send the revocation as application/json");
    }
    JsonObject body;
    try {
      body = rawBody == null ? null : (JsonObject) Json.decodeValue(rawBody);
    } catch (DecodeException | ClassCastException e) {
      throw new ApiError(Reason.INVALID_BODY, null, "body is not a JSON object: " + e.getMessage());
    }
    if (body == null) {
      throw new ApiError(Reason.INVALID_BODY, null, "body is empty; expected a JSON object");
    }
    for (String field : body.fieldNames()) {
      if (!Set.of("scope", "value", "cluster", "reason").contains(field)) {
        throw new ApiError(Reason.INVALID_BODY, field, "unknown field; allowed: scope, value, cluster, reason");
      }
    }
    NewRevocation request;
    try {
      request = new NewRevocation(scope(body), string(body, "value"), string(body, "cluster"), string(body, "reason"));
    } catch (InvalidFieldException e) {
      throw new ApiError(Reason.INVALID_BODY, e.field(), e.getMessage());
    }
    return request;
  }

  private static RevocationScope scope(JsonObject body) {
    String text = string(body, "scope");
    if (text == null) {
      return null;
    }
    try {
      return RevocationScope.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw new ApiError(Reason.INVALID_BODY, "scope",
          "must be one of SECRET_UID, CREDENTIAL_HASH, SERVICE_ACCOUNT_UID, NAMESPACE, got '" + text + "'");
    }
  }

  private static String string(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new ApiError(Reason.INVALID_BODY, field, "must be a string");
    }
    return (String) value;
  }

  // ---- cross-cutting: auth, blocking work, errors, metrics

  private void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    var caller = tokens.authenticate(token);
    if (caller.isEmpty()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"pullproof-ledger\"");
      fail(ctx, new ApiError(Reason.UNAUTHENTICATED, null,
          header == null ? "send Authorization: Bearer <token>" : "the bearer token is not known"));
      return;
    }
    ctx.put(CALLER, caller.get());
    ctx.next();
  }

  private io.vertx.core.Handler<RoutingContext> requires(Role role, io.vertx.core.Handler<RoutingContext> handler) {
    return ctx -> {
      BearerTokens.Caller caller = ctx.get(CALLER);
      if (!caller.role().includes(role)) {
        fail(ctx, new ApiError(Reason.FORBIDDEN, null,
            "role " + caller.role().jsonName() + " may not do this; it needs " + role.jsonName()));
        return;
      }
      try {
        handler.handle(ctx);
      } catch (ApiError e) {
        fail(ctx, e);
      } catch (InvalidFieldException e) {
        fail(ctx, ApiError.parameter(e.field(), e.getMessage()));
      }
    };
  }

  /**
   * Runs the query and encodes the JSON on a worker thread: the one event loop of the API only
   * parses, authenticates and writes bytes (encoding a page there showed in the API benchmark's
   * profile).
   */
  private void blocking(RoutingContext ctx, Callable<JsonObject> work) {
    vertx.executeBlocking(() -> work.call().toBuffer(), false)
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json").end(body))
        .onFailure(e -> fail(ctx, e));
  }

  private void failure(RoutingContext ctx) {
    Throwable cause = ctx.failure();
    if (cause == null) {
      int status = ctx.statusCode();
      Reason reason = status == 405 ? Reason.METHOD_NOT_ALLOWED : status == 404 ? Reason.NOT_FOUND
          : status == 413 || status == 400 ? Reason.INVALID_BODY : Reason.INTERNAL;
      cause = new ApiError(reason, null, reason.title());
    }
    fail(ctx, cause);
  }

  private static void fail(RoutingContext ctx, Throwable cause) {
    ApiError error;
    if (cause instanceof ApiError api) {
      error = api;
    } else if (cause instanceof InvalidFieldException field) {
      error = ApiError.parameter(field.field(), field.getMessage());
    } else if (cause instanceof java.sql.SQLException) {
      LOG.warn("API request {} failed on PostgreSQL: {}", ctx.request().path(), cause.getMessage());
      error = new ApiError(Reason.UNAVAILABLE, null, "the ledger database did not answer; try again");
    } else {
      LOG.error("API request {} failed", ctx.request().path(), cause);
      error = new ApiError(Reason.INTERNAL, null, "internal error; see the ledger's log");
    }
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(error.reason().status()).putHeader("Content-Type", PROBLEM_JSON)
        .end(error.toProblem(ctx.request().path()).encode());
  }

  private void timed(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> metrics.apiRequest(
        ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? "other" : ctx.currentRoute().getPath(),
        ctx.response().getStatusCode(), System.nanoTime() - start));
    ctx.next();
  }

  private static byte[] readResource(String name) {
    try (InputStream in = LedgerRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " missing from the ledger jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
