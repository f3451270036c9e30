package io.pullproof.cli.decide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pullproof.decision.Allowlist;
import io.pullproof.decision.ClusterPolicy;
import io.pullproof.decision.Grant;
import io.pullproof.decision.GrantKind;
import io.pullproof.decision.InMemoryDecisionState;
import io.pullproof.decision.InvalidPolicyException;
import io.pullproof.decision.ObjectRef;
import io.pullproof.decision.Policy;
import io.pullproof.decision.PullSecret;
import io.pullproof.decision.Revocation;
import io.pullproof.decision.VerificationPolicy;
import io.pullproof.reference.ImageReference;
import io.pullproof.reference.InvalidReferenceException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * STATE.json: the cluster policy and the decision state (grants, node pulls, pull intents,
 * revocations), validated field by field. Revocations are applied after all grants are recorded,
 * so each one covers every grant of the file verified before its {@code revokedAt} (all of them
 * without one).
 */
record StateFile(ClusterPolicy policy, InMemoryDecisionState state) {
  private static final Set<String> TOP = Set.of("policy", "grants", "nodePulls", "intents", "revocations");
  private static final Set<String> POLICY = Set.of("verificationPolicy", "allowlist", "maxGrantAgeSeconds", "namespaces", "registries");
  private static final Set<String> REGISTRY = Set.of("maxGrantAgeSeconds");
  private static final Set<String> NAMESPACE_POLICY = Set.of("verificationPolicy", "allowlist", "maxGrantAgeSeconds");
  private static final Set<String> GRANT = Set.of("imageRef", "name", "kind", "secret", "serviceAccount", "nodeCredentialHash", "verifiedAt", "cluster");
  private static final Set<String> SECRET = Set.of("namespace", "name", "uid", "credentialHash");
  private static final Set<String> SERVICE_ACCOUNT = Set.of("namespace", "name", "uid");
  private static final Set<String> NODE_PULL = Set.of("node", "imageRef", "name");
  private static final Set<String> INTENT = Set.of("node", "image");
  private static final Set<String> REVOCATION = Set.of("secretUid", "credentialHash", "serviceAccountUid", "namespace", "revokedAt", "cluster");

  static StateFile read(Path path) {
    JsonInput in = JsonInput.read(path);
    JsonNode root = in.root();
    in.allowOnly(root, "", TOP);
    ClusterPolicy policy = clusterPolicy(in, in.object(root, "", "policy"));
    List<Grant> grants = in.list(root, "", "grants", (grant, at) -> grant(in, grant, at));
    InMemoryDecisionState state = new InMemoryDecisionState();
    grants.forEach(state::recordGrant);
    in.list(root, "", "nodePulls", (pull, at) -> {
      requireObject(in, pull, at, NODE_PULL);
      in.text(pull, at, "imageRef", false);
      state.recordNodePull(in.text(pull, at, "node", false), repositoryName(in, pull, at, "name"));
      return pull;
    });
    in.list(root, "", "intents", (intent, at) -> {
      requireObject(in, intent, at, INTENT);
      state.recordPullIntent(in.text(intent, at, "node", false), RequestFile.normalisedImage(in, intent, at, "image").toString());
      return intent;
    });
    in.list(root, "", "revocations", (revocation, at) -> revocation(in, revocation, at))
        .forEach(state::revoke);
    return new StateFile(policy, state);
  }

  private static ClusterPolicy clusterPolicy(JsonInput in, JsonNode node) {
    String at = "policy";
    in.allowOnly(node, at, POLICY);
    Policy cluster = policy(in, node, at, Policy.DEFAULT, true);
    Map<String, Policy> namespaces = new HashMap<>();
    JsonNode overrides = in.optionalObject(node, at, "namespaces");
    if (overrides != null) {
      for (Map.Entry<String, JsonNode> override : (Iterable<Map.Entry<String, JsonNode>>) overrides::fields) {
        String overrideAt = at + ".namespaces." + override.getKey();
        requireObject(in, override.getValue(), overrideAt, NAMESPACE_POLICY);
        namespaces.put(override.getKey(), policy(in, override.getValue(), overrideAt, cluster, false));
      }
    }
    Map<String, Duration> registries = new HashMap<>();
    JsonNode registryNodes = in.optionalObject(node, at, "registries");
    if (registryNodes != null) {
      for (Map.Entry<String, JsonNode> registry : (Iterable<Map.Entry<String, JsonNode>>) registryNodes::fields) {
        String registryAt = at + ".registries." + registry.getKey();
        requireObject(in, registry.getValue(), registryAt, REGISTRY);
        Long seconds = in.optionalPositiveLong(registry.getValue(), registryAt, "maxGrantAgeSeconds");
        if (seconds == null) {
          throw in.bad(JsonInput.child(registryAt, "maxGrantAgeSeconds"), "missing");
        }
        registries.put(registry.getKey(), Duration.ofSeconds(seconds));
      }
    }
    try {
      return new ClusterPolicy(cluster, namespaces, registries);
    } catch (InvalidPolicyException e) {
      throw in.bad(at + ".registries", TextNode.valueOf(e.value()), "is rejected: " + e.problem());
    }
  }

  /** A policy whose unset fields inherit from {@code parent}; the cluster's must name its policy. */
  private static Policy policy(JsonInput in, JsonNode node, String at, Policy parent, boolean policyRequired) {
    try {
      String name = policyRequired ? in.text(node, at, "verificationPolicy", false) : in.optionalText(node, at, "verificationPolicy");
      VerificationPolicy verificationPolicy = name == null ? null : VerificationPolicy.fromConfigName(name);
      List<String> entries = in.optionalList(node, at, "allowlist", (entry, entryAt) -> {
        if (!entry.isTextual()) {
          throw in.bad(entryAt, entry, "is not a string");
        }
        return entry.asText();
      });
      Allowlist allowlist = entries == null ? null : Allowlist.of(entries);
      Long seconds = in.optionalPositiveLong(node, at, "maxGrantAgeSeconds");
      return parent.overriddenBy(verificationPolicy, allowlist, seconds == null ? null : Duration.ofSeconds(seconds));
    } catch (InvalidPolicyException e) {
      throw in.bad(JsonInput.child(at, e.field()), TextNode.valueOf(e.value()), "is rejected: " + e.problem());
    }
  }

  private static Grant grant(JsonInput in, JsonNode node, String at) {
    requireObject(in, node, at, GRANT);
    String imageRef = in.text(node, at, "imageRef", false);
    String name = repositoryName(in, node, at, "name");
    Instant verifiedAt = in.instant(node, at, "verifiedAt");
    String kindName = in.text(node, at, "kind", false);
    GrantKind kind = GrantKind.fromJsonName(kindName);
    if (kind == null) {
      throw in.bad(JsonInput.child(at, "kind"), node.get("kind"), "is not one of "
          + Arrays.stream(GrantKind.values()).map(GrantKind::jsonName).collect(Collectors.joining(", ")));
    }
    for (String field : List.of("secret", "serviceAccount", "nodeCredentialHash")) {
      boolean belongs = field.equals(switch (kind) {
        case SECRET -> "secret";
        case SERVICE_ACCOUNT -> "serviceAccount";
        case NODE_CREDENTIAL -> "nodeCredentialHash";
        case ANONYMOUS -> "";
      });
      if (!belongs && node.has(field)) {
        throw in.bad(JsonInput.child(at, field), "not allowed in a grant of kind " + kind.jsonName());
      }
    }
    String cluster = in.optionalText(node, at, "cluster");
    if (cluster != null && kind != GrantKind.SECRET && kind != GrantKind.SERVICE_ACCOUNT) {
      throw in.bad(JsonInput.child(at, "cluster"), "not allowed in a grant of kind " + kind.jsonName()
          + " (the cluster of a secret or service account)");
    }
    Grant grant = switch (kind) {
      case ANONYMOUS -> Grant.anonymous(imageRef, name, verifiedAt);
      case NODE_CREDENTIAL -> Grant.nodeCredential(imageRef, name, in.text(node, at, "nodeCredentialHash", false), verifiedAt);
      case SECRET -> Grant.secret(imageRef, name, secret(in, in.object(node, at, "secret"), JsonInput.child(at, "secret")), verifiedAt);
      case SERVICE_ACCOUNT -> Grant.serviceAccount(imageRef, name,
          serviceAccount(in, in.object(node, at, "serviceAccount"), JsonInput.child(at, "serviceAccount")), verifiedAt);
    };
    return grant.inCluster(cluster);
  }

  /** A pull secret's coordinates and hash; the hash may be empty (it then never matches). */
  static PullSecret secret(JsonInput in, JsonNode node, String at) {
    requireObject(in, node, at, SECRET);
    return PullSecret.of(in.text(node, at, "namespace", false), in.text(node, at, "name", false),
        in.text(node, at, "uid", false), in.text(node, at, "credentialHash", true));
  }

  static ObjectRef serviceAccount(JsonInput in, JsonNode node, String at) {
    requireObject(in, node, at, SERVICE_ACCOUNT);
    return new ObjectRef(in.text(node, at, "namespace", false), in.text(node, at, "name", false), in.text(node, at, "uid", false));
  }

  private static Revocation revocation(JsonInput in, JsonNode node, String at) {
    requireObject(in, node, at, REVOCATION);
    Revocation.Kind found = null;
    for (Revocation.Kind kind : Revocation.Kind.values()) {
      if (node.has(kind.jsonName())) {
        if (found != null) {
          throw in.bad(at, "names both " + found.jsonName() + " and " + kind.jsonName() + "; use one revocation for each");
        }
        found = kind;
      }
    }
    if (found == null) {
      throw in.bad(at, "missing one of secretUid, credentialHash, serviceAccountUid, namespace");
    }
    Instant revokedAt = node.has("revokedAt") ? in.instant(node, at, "revokedAt") : null;
    String cluster = in.optionalText(node, at, "cluster");
    if (cluster != null && found != Revocation.Kind.NAMESPACE) {
      throw in.bad(JsonInput.child(at, "cluster"), "only limits a namespace revocation (a " + found.jsonName()
          + " names one credential fleet-wide)");
    }
    return new Revocation(found, in.text(node, at, found.jsonName(), false), revokedAt, cluster);
  }

  /** A normalised repository name without tag or digest, as grants and node pulls record them. */
  private static String repositoryName(JsonInput in, JsonNode node, String at, String field) {
    String name = in.text(node, at, field, false);
    try {
      String normalised = ImageReference.parse(name).name();
      if (!normalised.equals(name)) {
        throw in.bad(JsonInput.child(at, field), node.get(field), "is not a normalised repository name without tag or digest; use \"" + normalised + "\"");
      }
      return name;
    } catch (InvalidReferenceException e) {
      throw in.bad(JsonInput.child(at, field), e.getMessage());
    }
  }

  static void requireObject(JsonInput in, JsonNode node, String at, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw in.bad(at, node + " is not an object");
    }
    in.allowOnly(node, at, allowed);
  }
}
