package io.pullproof.cli.decide;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullproof.decision.Grant;
import io.pullproof.decision.GrantUpdate;
import io.pullproof.decision.ObjectRef;
import io.pullproof.decision.Verdict;

/** A verdict as printed by {@code pullproof decide}: grants in the shape STATE.json uses. */
final class VerdictJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private VerdictJson() {}

  static ObjectNode verdict(Verdict verdict, boolean withUpdate) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("verdict", verdict.outcome().name());
    json.put("reason", verdict.reason().name());
    json.set("grant", verdict.grant() == null ? json.nullNode() : grant(verdict.grant()));
    if (withUpdate) {
      GrantUpdate update = verdict.update();
      if (update == null) {
        json.putNull("update");
      } else {
        ObjectNode updateJson = json.putObject("update");
        updateJson.put("kind", update.kind().name());
        updateJson.set("grant", grant(update.grant()));
      }
    }
    return json;
  }

  static ObjectNode grant(Grant grant) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("imageRef", grant.imageRef());
    json.put("name", grant.name());
    json.put("kind", grant.kind().jsonName());
    switch (grant.kind()) {
      case SECRET -> subject(json.putObject("secret"), grant.subject()).put("credentialHash", grant.credentialHash());
      case SERVICE_ACCOUNT -> subject(json.putObject("serviceAccount"), grant.subject());
      case NODE_CREDENTIAL -> json.put("nodeCredentialHash", grant.credentialHash());
      case ANONYMOUS -> { }
    }
    json.put("verifiedAt", grant.verifiedAt().toString());
    if (grant.cluster() != null) {
      json.put("cluster", grant.cluster());
    }
    return json;
  }

  private static ObjectNode subject(ObjectNode json, ObjectRef ref) {
    return json.put("namespace", ref.namespace()).put("name", ref.name()).put("uid", ref.uid());
  }
}
