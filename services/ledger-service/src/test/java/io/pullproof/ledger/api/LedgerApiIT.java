package io.pullproof.ledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.StartOutcome;
import io.pullproof.ledger.LedgerFixture;
import io.pullproof.ledger.LedgerMain;
import io.pullproof.testkit.Events;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST API of a running ledger on real infrastructure; every response is checked against /openapi.yaml. */
class LedgerApiIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
  private static LedgerFixture f;
  private static LedgerMain.Running ledger;
  private static ContractCheck contract;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ContainerStartRequested request;

  @BeforeAll
  static void start() throws Exception {
    f = new LedgerFixture("api");
    ledger = f.startLedger();
    f.send(f.topics().pulls(), Events.imagePulled().node("c1", "n1").secret("team-a", "pull", "s-1", "hmac-sha256:k1:aa").at(T0).build());
    f.send(f.topics().pulls(), Events.imagePulled().node("c1", "n2").image("docker.io/library/nginx:1", "docker.io/library/nginx",
        Events.digest("nginx")).at(T0.plusSeconds(1)).build());
    request = Events.startRequested().node("c1", "n2").pod("team-a", "web-0", "p-1").secret("team-a", "pull", "s-1", "hmac-sha256:k1:aa")
        .at(T0.plusSeconds(2)).build();
    f.send(f.topics().startRequests(), request);
    f.send(f.topics().verdicts(), Events.verdictIssued().answering(request).at(T0.plusSeconds(2)).build());
    f.send(f.topics().startOutcomes(), Events.startObserved().of(request).at(T0.plusSeconds(3)).build());
    // A start nobody asked about: the agent observed it without a request (decision source NONE).
    f.send(f.topics().startOutcomes(), Events.startObserved().eventId("bypass-1").requestId(null).node("c1", "n3")
        .pod("team-b", "batch-0", "p-9").outcome(StartOutcome.STARTED, DecisionSource.NONE).verdict(null, null)
        .at(T0.plusSeconds(4)).build());
    LedgerFixture.await("the events stored", WAIT, () -> f.countQuietly("grants") == 2 && f.countQuietly("start_outcomes") == 2);
    contract = new ContractCheck(get("/openapi.yaml", null).body());
  }

  @AfterAll
  static void stop() throws Exception {
    if (contract != null) {
      contract.close();
    }
    f.close();
  }

  @Test
  void everyRoleGetsWhatItMayAndNothingElse() throws Exception {
    record Call(String operation, String method, String path, String body) {}
    List<Call> calls = List.of(
        new Call("listGrants", "GET", "/api/v1/grants", null),
        new Call("fleetStats", "GET", "/api/v1/stats", null),
        new Call("listStarts", "GET", "/api/v1/starts", null),
        new Call("listBypassedStarts", "GET", "/api/v1/starts/bypassed", null),
        new Call("listRevocations", "GET", "/api/v1/revocations", null),
        new Call("createRevocation", "POST", "/api/v1/revocations",
            "{\"scope\":\"SECRET_UID\",\"value\":\"no-such-secret\",\"reason\":\"role matrix\"}"));
    // Which calls each token may make: reader < auditor < admin.
    int[][] expected = {
        // listGrants, stats, starts, bypassed, revocations, create
        {401, 401, 401, 401, 401, 401}, // no token
        {401, 401, 401, 401, 401, 401}, // unknown token
        {200, 200, 403, 403, 403, 403}, // reader
        {200, 200, 200, 200, 200, 403}, // auditor
        {200, 200, 200, 200, 200, 202}, // admin
    };
    String[] tokens = {null, "not-a-token", LedgerFixture.READER_TOKEN, LedgerFixture.AUDITOR_TOKEN, LedgerFixture.ADMIN_TOKEN};
    for (int t = 0; t < tokens.length; t++) {
      for (int c = 0; c < calls.size(); c++) {
        Call call = calls.get(c);
        HttpResponse<String> response = call.body() == null ? get(call.path(), tokens[t]) : post(call.path(), tokens[t], call.body());
        assertThat(response.statusCode()).as("%s %s with token %s", call.method(), call.path(), tokens[t]).isEqualTo(expected[t][c]);
        contract.check(call.operation(), response);
        if (response.statusCode() >= 400) {
          assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
      }
    }
  }

  @Test
  void grantsAndStartHistoryAnswerAsTheContractSays() throws Exception {
    HttpResponse<String> byImage = get("/api/v1/grants/" + Events.digest("nginx"), LedgerFixture.READER_TOKEN);
    contract.check("grantsOfImage", byImage);
    JsonObject grant = new JsonObject(byImage.body()).getJsonArray("items").getJsonObject(0);
    assertThat(grant.getJsonObject("credential").getString("kind")).isEqualTo("ANONYMOUS");
    assertThat(grant.getString("grantId")).isEqualTo(io.pullproof.decision.GrantId.of(Events.digest("nginx"),
        "docker.io/library/nginx", io.pullproof.decision.GrantKind.ANONYMOUS, null));

    HttpResponse<String> filtered = get("/api/v1/grants?namespace=team-a&secret=pull&cluster=c1&since=2025-01-01T09:00:00Z",
        LedgerFixture.READER_TOKEN);
    contract.check("listGrants", filtered);
    assertThat(new JsonObject(filtered.body()).getJsonArray("items")).hasSize(1);

    HttpResponse<String> pod = get("/api/v1/starts?namespace=team-a&pod=web-0", LedgerFixture.AUDITOR_TOKEN);
    contract.check("listStarts", pod);
    JsonObject start = new JsonObject(pod.body()).getJsonArray("items").getJsonObject(0);
    assertThat(start.getString("requestId")).isEqualTo(request.getEventId());
    assertThat(start.getJsonObject("verdict").getString("reason")).isEqualTo("SECRET_HASH_MATCH");
    assertThat(start.getJsonObject("outcome").getString("outcome")).isEqualTo("STARTED");

    HttpResponse<String> image = get("/api/v1/starts?name=" + enc(request.getName()), LedgerFixture.AUDITOR_TOKEN);
    contract.check("listStarts", image);
    assertThat(new JsonObject(image.body()).getJsonArray("items")).hasSize(1);

    HttpResponse<String> stats = get("/api/v1/stats", LedgerFixture.READER_TOKEN);
    contract.check("fleetStats", stats);
    assertThat(new JsonObject(stats.body()).getJsonObject("grants").getLong("total")).isGreaterThanOrEqualTo(2);

    HttpResponse<String> missing = get("/api/v1/grants/sha256:" + "0".repeat(64), LedgerFixture.READER_TOKEN);
    assertThat(missing.statusCode()).isEqualTo(404);
    contract.check("grantsOfImage", missing);
  }

  @Test
  void bypassedStartsAreListedOnTheirOwn() throws Exception {
    HttpResponse<String> all = get("/api/v1/starts/bypassed", LedgerFixture.AUDITOR_TOKEN);
    contract.check("listBypassedStarts", all);
    JsonArray items = new JsonObject(all.body()).getJsonArray("items");
    assertThat(items).hasSize(1);
    JsonObject bypass = items.getJsonObject(0);
    assertThat(bypass.getString("outcomeId")).isEqualTo("bypass-1");
    assertThat(bypass.getString("decisionSource")).isEqualTo("NONE");
    assertThat(bypass.getJsonObject("pod").getString("name")).isEqualTo("batch-0");
    assertThat(bypass.getString("node")).isEqualTo("n3");

    HttpResponse<String> ofPod = get("/api/v1/starts/bypassed?namespace=team-b&pod=batch-0&since=2025-01-01T10:00:04Z",
        LedgerFixture.AUDITOR_TOKEN);
    contract.check("listBypassedStarts", ofPod);
    assertThat(new JsonObject(ofPod.body()).getJsonArray("items")).hasSize(1);
    HttpResponse<String> otherPod = get("/api/v1/starts/bypassed?namespace=team-a", LedgerFixture.AUDITOR_TOKEN);
    assertThat(new JsonObject(otherPod.body()).getJsonArray("items")).as("the asked-for start is no bypass").isEmpty();
    HttpResponse<String> history = get("/api/v1/starts?namespace=team-b", LedgerFixture.AUDITOR_TOKEN);
    assertThat(new JsonObject(history.body()).getJsonArray("items")).as("a bypass has no request in the start history").isEmpty();

    HttpResponse<String> bad = get("/api/v1/starts/bypassed?pod=batch-0", LedgerFixture.AUDITOR_TOKEN);
    assertThat(bad.statusCode()).isEqualTo(400);
    contract.check("listBypassedStarts", bad);
    assertThat(new JsonObject(bad.body()).getString("parameter")).isEqualTo("namespace");
  }

  @Test
  void badParametersGetProblemDetailsNamingTheParameter() throws Exception {
    String[][] cases = {
        {"/api/v1/grants?limit=0", "limit"},
        {"/api/v1/grants?limit=abc", "limit"},
        {"/api/v1/grants?since=yesterday", "since"},
        {"/api/v1/grants?cursor=bm9wZQ", "cursor"},
        {"/api/v1/grants?revoked=maybe", "revoked"},
        {"/api/v1/grants?colour=red", "colour"},
        {"/api/v1/grants?since=2026-11-22T10:00:00Z&until=2026-11-22T09:00:00Z", "until"},
        {"/api/v1/starts?pod=web-0", "namespace"},
    };
    for (String[] c : cases) {
      HttpResponse<String> response = get(c[0], LedgerFixture.ADMIN_TOKEN);
      assertThat(response.statusCode()).as(c[0]).isEqualTo(400);
      contract.check(c[0].startsWith("/api/v1/grants") ? "listGrants" : "listStarts", response);
      assertThat(new JsonObject(response.body()).getString("parameter")).as(c[0]).isEqualTo(c[1]);
    }
    HttpResponse<String> badBody = post("/api/v1/revocations", LedgerFixture.ADMIN_TOKEN, "{\"scope\":\"EVERYTHING\",\"value\":\"x\",\"reason\":\"r\"}");
    assertThat(badBody.statusCode()).isEqualTo(400);
    contract.check("createRevocation", badBody);
    assertThat(new JsonObject(badBody.body()).getString("parameter")).isEqualTo("scope");
  }

  @Test
  void aRevocationCreatedThroughTheApiIsPublishedAndApplied() throws Exception {
    HttpResponse<String> created = post("/api/v1/revocations", LedgerFixture.ADMIN_TOKEN,
        "{\"scope\":\"SECRET_UID\",\"value\":\"s-1\",\"reason\":\"leaked in a CI log\"}");
    assertThat(created.statusCode()).isEqualTo(202);
    contract.check("createRevocation", created);
    assertThat(new JsonObject(created.body()).getString("actor")).isEqualTo("adam");
    LedgerFixture.await("the grant of s-1 revoked", WAIT, () -> f.countQuietly("grants WHERE secret_uid = 's-1' AND revoked_at IS NOT NULL") == 1);
    HttpResponse<String> revoked = get("/api/v1/grants?secretUid=s-1", LedgerFixture.READER_TOKEN);
    contract.check("listGrants", revoked);
    assertThat(new JsonObject(revoked.body()).getJsonArray("items").getJsonObject(0).getBoolean("revoked")).isTrue();
    HttpResponse<String> list = get("/api/v1/revocations", LedgerFixture.AUDITOR_TOKEN);
    contract.check("listRevocations", list);
    assertThat(list.body()).contains("leaked in a CI log");
  }

  @Test
  void paginationUnderConcurrentWritesLosesAndRepeatsNothing() throws Exception {
    String namespace = "paging";
    insertStarts(namespace, 300, "before-");
    Set<String> existing = new HashSet<>(f.strings("SELECT event_id FROM start_requests WHERE pod_namespace = 'paging'"));
    AtomicBoolean writing = new AtomicBoolean(true);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      int round = 0;
      while (writing.get()) {
        try {
          insertStarts(namespace, 10, "during-" + round++ + "-");
          // Grants move too: refreshing last_verified_at must not move them between pages.
          f.execute("UPDATE grants SET last_verified_at = now()");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    });
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    try {
      do {
        HttpResponse<String> page = get("/api/v1/starts?namespace=" + namespace + "&limit=7"
            + (cursor == null ? "" : "&cursor=" + cursor), LedgerFixture.AUDITOR_TOKEN);
        assertThat(page.statusCode()).isEqualTo(200);
        if (pages++ % 10 == 0) {
          contract.check("listStarts", page);
        }
        JsonObject body = new JsonObject(page.body());
        JsonArray items = body.getJsonArray("items");
        for (int i = 0; i < items.size(); i++) {
          seen.add(items.getJsonObject(i).getString("requestId"));
        }
        cursor = body.getString("nextCursor");
      } while (cursor != null && pages < 1000);
    } finally {
      writing.set(false);
      writer.join();
    }
    assertThat(new HashSet<>(seen)).as("nothing repeated").hasSize(seen.size());
    assertThat(seen).as("nothing lost").containsAll(existing);
  }

  /** Start requests at random times within a day, so concurrent ones land before and after the cursor. */
  private static void insertStarts(String namespace, int count, String idPrefix) throws Exception {
    try (Connection c = f.connect(); PreparedStatement insert = c.prepareStatement("""
        INSERT INTO start_requests (event_id, occurred_at, cluster, node, pod_namespace, pod_name, pod_uid, container,
          image, name, image_ref, pull_policy, secret_hashes, intent_pending)
        VALUES (?, ?, 'c1', 'n1', ?, 'pod', 'uid', 'app', 'img', 'name', NULL, 'IF_NOT_PRESENT', '{}', false)""")) {
      c.setAutoCommit(true);
      for (int i = 0; i < count; i++) {
        insert.setString(1, idPrefix + i + "-" + java.util.UUID.randomUUID());
        // Whole seconds, so many rows share a timestamp and the id must break the tie.
        insert.setObject(2, T0.plusSeconds(ThreadLocalRandom.current().nextInt(600)).atOffset(ZoneOffset.UTC));
        insert.setString(3, namespace);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET(), token);
  }

  private static HttpResponse<String> post(String path, String token, String json) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)), token);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request, String token) throws Exception {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + ledger.apiPort() + path);
  }
}
