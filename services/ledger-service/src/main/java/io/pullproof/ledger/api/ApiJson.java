package io.pullproof.ledger.api;

import io.pullproof.ledger.model.BypassRecord;
import io.pullproof.ledger.model.FleetStats;
import io.pullproof.ledger.model.GrantRecord;
import io.pullproof.ledger.model.Page;
import io.pullproof.ledger.model.RevocationRecord;
import io.pullproof.ledger.model.StartRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/** Response bodies as the OpenAPI document ({@code /openapi.yaml}) describes them. */
final class ApiJson {
  private ApiJson() {}

  static <T> JsonObject page(Page<T> page, Function<T, JsonObject> item) {
    JsonArray items = new JsonArray();
    page.items().forEach(i -> items.add(item.apply(i)));
    return new JsonObject().put("items", items)
        .put("nextCursor", page.nextCursor() == null ? null : page.nextCursor().encode());
  }

  static JsonObject grant(GrantRecord g) {
    JsonObject credential = new JsonObject().put("kind", g.kind()).put("hash", g.credentialHash());
    if (g.secretUid() != null) {
      credential.put("secret", new JsonObject().put("namespace", g.secretNamespace()).put("name", g.secretName())
          .put("uid", g.secretUid()));
    }
    if (g.serviceAccountUid() != null) {
      credential.put("serviceAccount", new JsonObject().put("namespace", g.serviceAccountNamespace())
          .put("name", g.serviceAccountName()).put("uid", g.serviceAccountUid()));
    }
    return new JsonObject()
        .put("grantId", g.grantId())
        .put("imageRef", g.imageRef())
        .put("name", g.name())
        .put("credential", credential)
        .put("firstProvenOn", new JsonObject().put("cluster", g.cluster()).put("node", g.node()))
        .put("firstVerifiedAt", time(g.firstVerifiedAt()))
        .put("lastVerifiedAt", time(g.lastVerifiedAt()))
        .put("lastEventId", g.lastEventId())
        .put("revoked", g.revoked())
        .put("revokedAt", time(g.revokedAt()))
        .put("revocationId", g.revocationId());
  }

  static JsonObject start(StartRecord s) {
    JsonObject json = new JsonObject()
        .put("requestId", s.requestId())
        .put("requestedAt", time(s.occurredAt()))
        .put("cluster", s.cluster())
        .put("node", s.node())
        .put("pod", new JsonObject().put("namespace", s.podNamespace()).put("name", s.podName()).put("uid", s.podUid()))
        .put("container", s.container())
        .put("image", s.image())
        .put("name", s.name())
        .put("imageRef", s.imageRef())
        .put("pullPolicy", s.pullPolicy())
        .put("secretHashes", new JsonArray(s.secretHashes()))
        .put("serviceAccountUid", s.serviceAccountUid());
    StartRecord.Verdict v = s.verdict();
    json.put("verdict", v == null ? null : new JsonObject().put("verdictId", v.verdictId()).put("decidedAt", time(v.occurredAt()))
        .put("verdict", v.verdict()).put("reason", v.reason()).put("grantId", v.grantId()).put("dryRun", v.dryRun())
        .put("policy", v.policy()).put("decidedBy", v.decidedBy()));
    StartRecord.Outcome o = s.outcome();
    json.put("outcome", o == null ? null : new JsonObject().put("outcomeId", o.outcomeId()).put("observedAt", time(o.occurredAt()))
        .put("outcome", o.outcome()).put("decisionSource", o.decisionSource()).put("credentialHash", o.credentialHash())
        .put("registryStatus", o.registryStatus()).put("detail", o.detail()));
    return json;
  }

  static JsonObject bypass(BypassRecord b) {
    return new JsonObject()
        .put("outcomeId", b.outcomeId())
        .put("observedAt", time(b.occurredAt()))
        .put("cluster", b.cluster())
        .put("node", b.node())
        .put("pod", new JsonObject().put("namespace", b.podNamespace()).put("name", b.podName()))
        .put("container", b.container())
        .put("name", b.name())
        .put("imageRef", b.imageRef())
        .put("outcome", b.outcome())
        .put("decisionSource", b.decisionSource())
        .put("credentialHash", b.credentialHash())
        .put("registryStatus", b.registryStatus())
        .put("detail", b.detail());
  }

  static JsonObject revocation(RevocationRecord r) {
    return new JsonObject()
        .put("revocationId", r.revocationId())
        .put("occurredAt", time(r.occurredAt()))
        .put("scope", r.scope().name())
        .put("value", r.value())
        .put("cluster", r.cluster())
        .put("reason", r.reason())
        .put("actor", r.actor());
  }

  static JsonObject stats(FleetStats s) {
    return new JsonObject()
        .put("grants", new JsonObject().put("total", s.grants()).put("revoked", s.revokedGrants())
            .put("byKind", counts(s.grantsByKind())))
        .put("pullEvents", s.pullEvents())
        .put("nodePulls", s.nodePulls())
        .put("clusters", s.clusters())
        .put("nodes", s.nodes())
        .put("startRequests", s.startRequests())
        .put("verdicts", counts(s.verdicts()))
        .put("outcomes", counts(s.outcomes()))
        .put("revocations", s.revocations())
        .put("deadLetters", s.deadLetters());
  }

  private static JsonObject counts(Map<String, Long> counts) {
    JsonObject json = new JsonObject();
    counts.forEach(json::put);
    return json;
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
