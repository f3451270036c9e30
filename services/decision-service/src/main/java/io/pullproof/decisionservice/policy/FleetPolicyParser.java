package io.pullproof.decisionservice.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullproof.decision.Allowlist;
import io.pullproof.decision.ClusterPolicy;
import io.pullproof.decision.FleetPolicy;
import io.pullproof.decision.InvalidPolicyException;
import io.pullproof.decision.Policy;
import io.pullproof.decision.VerificationPolicy;
import io.pullproof.kit.config.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the fleet policy file (JSON). Every problem fails start-up with the key of the setting,
 * the file, the JSON path of the bad entry and what is wrong, e.g. {@code
 * PULLPROOF_DECISION_POLICY_FILE policy.json: clusters.prod.namespaces.ci.allowlist[1] "x/": ...}.
 *
 * <pre>{@code
 * {"default":  {"verificationPolicy": "NeverVerifyPreloadedImages"},
 *  "clusters": {"prod": {"verificationPolicy": "AlwaysVerify", "maxGrantAgeSeconds": 86400,
 *                        "namespaces": {"kube-system": {"verificationPolicy": "NeverVerifyAllowlistedImages",
 *                                                       "allowlist": ["registry.k8s.io/*"]}}}},
 *  "registries": {"registry.io": {"maxGrantAgeSeconds": 3600}}}
 * }</pre>
 *
 * A namespace entry inherits what it does not set from its cluster ({@link Policy#overriddenBy}).
 * A registry's {@code maxGrantAgeSeconds} applies to its images in every cluster and namespace;
 * where a cluster or namespace sets an age too, the shorter one applies.
 */
public final class FleetPolicyParser {
  private static final Set<String> TOP_FIELDS = Set.of("default", "clusters", "registries");
  private static final Set<String> REGISTRY_FIELDS = Set.of("maxGrantAgeSeconds");
  private static final Set<String> POLICY_FIELDS = Set.of("verificationPolicy", "allowlist", "maxGrantAgeSeconds");
  private static final Set<String> CLUSTER_FIELDS = Set.of("verificationPolicy", "allowlist", "maxGrantAgeSeconds", "namespaces");

  private final String origin;

  private FleetPolicyParser(String origin) {
    this.origin = origin;
  }

  /** Parses {@code file}; {@code key} is the setting that named it, for error messages. */
  public static FleetPolicy parse(Path file, String key) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new InvalidConfigException(key + "='" + file + "': cannot read: " + e.getMessage());
    }
    return parse(text, key + " " + file);
  }

  /** Parses a policy document; {@code origin} prefixes every error message. */
  public static FleetPolicy parse(String json, String origin) {
    return new FleetPolicyParser(origin).document(json);
  }

  private FleetPolicy document(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw fail("", "not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw fail("", "expected a JSON object with \"default\" and/or \"clusters\"");
    }
    onlyFields(root, "", TOP_FIELDS);
    Policy defaults = root.has("default") ? policy(root.get("default"), "default", Policy.DEFAULT, POLICY_FIELDS)
        : Policy.DEFAULT;
    Map<String, Duration> registries = registries(root.path("registries"));
    Map<String, ClusterPolicy> clusters = new LinkedHashMap<>();
    JsonNode clusterNodes = root.path("clusters");
    if (!clusterNodes.isMissingNode()) {
      if (!clusterNodes.isObject()) {
        throw fail("clusters", "expected an object of cluster name → policy");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = clusterNodes.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        clusters.put(entry.getKey(), cluster(entry.getValue(), "clusters." + entry.getKey()).withRegistryMaxGrantAges(registries));
      }
    }
    return new FleetPolicy(ClusterPolicy.of(defaults).withRegistryMaxGrantAges(registries), clusters);
  }

  /** {@code "registries": {"<domain>": {"maxGrantAgeSeconds": N}}}, validated as the policy will be. */
  private Map<String, Duration> registries(JsonNode node) {
    Map<String, Duration> ages = new LinkedHashMap<>();
    if (node.isMissingNode()) {
      return ages;
    }
    if (!node.isObject()) {
      throw fail("registries", "expected an object of registry domain → {\"maxGrantAgeSeconds\": N}");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String path = "registries." + entry.getKey();
      if (!entry.getValue().isObject()) {
        throw fail(path, "expected an object with maxGrantAgeSeconds");
      }
      onlyFields(entry.getValue(), path, REGISTRY_FIELDS);
      if (!entry.getValue().has("maxGrantAgeSeconds")) {
        throw fail(path, "missing maxGrantAgeSeconds");
      }
      ages.put(entry.getKey(), seconds(entry.getValue().get("maxGrantAgeSeconds"), path + ".maxGrantAgeSeconds"));
    }
    try {
      ClusterPolicy.of(Policy.DEFAULT).withRegistryMaxGrantAges(ages);
    } catch (InvalidPolicyException e) {
      throw fail(e.field(), "\"" + e.value() + "\": " + e.problem());
    }
    return ages;
  }

  private ClusterPolicy cluster(JsonNode node, String path) {
    Policy cluster = policy(node, path, null, CLUSTER_FIELDS);
    Map<String, Policy> namespaces = new LinkedHashMap<>();
    JsonNode namespaceNodes = node.path("namespaces");
    if (!namespaceNodes.isMissingNode()) {
      if (!namespaceNodes.isObject()) {
        throw fail(path + ".namespaces", "expected an object of namespace → policy override");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = namespaceNodes.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        namespaces.put(entry.getKey(), policy(entry.getValue(), path + ".namespaces." + entry.getKey(), cluster, POLICY_FIELDS));
      }
    }
    return new ClusterPolicy(cluster, namespaces);
  }

  /**
   * A policy object at {@code path}; with a {@code parent}, unset fields inherit from it, without
   * one they take the kubelet defaults.
   */
  private Policy policy(JsonNode node, String path, Policy parent, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw fail(path, "expected an object with verificationPolicy, allowlist, maxGrantAgeSeconds");
    }
    onlyFields(node, path, allowed);
    try {
      VerificationPolicy verification = node.has("verificationPolicy")
          ? VerificationPolicy.fromConfigName(text(node.get("verificationPolicy"), path + ".verificationPolicy"))
          : null;
      Allowlist allowlist = node.has("allowlist") ? Allowlist.of(strings(node.get("allowlist"), path + ".allowlist")) : null;
      Duration maxAge = node.has("maxGrantAgeSeconds") ? seconds(node.get("maxGrantAgeSeconds"), path + ".maxGrantAgeSeconds")
          : null;
      Policy base = parent == null ? Policy.DEFAULT : parent;
      return base.overriddenBy(verification, allowlist, maxAge);
    } catch (InvalidPolicyException e) {
      throw fail(path + "." + e.field(), (e.value() == null ? "null" : "\"" + e.value() + "\"") + ": " + e.problem());
    }
  }

  private void onlyFields(JsonNode node, String path, Set<String> allowed) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw fail(join(path, name), "unknown field; expected one of " + allowed.stream().sorted().toList());
      }
    }
  }

  private String text(JsonNode node, String path) {
    if (!node.isTextual()) {
      throw fail(path, "expected a string, got " + node);
    }
    return node.asText();
  }

  private List<String> strings(JsonNode node, String path) {
    if (!node.isArray()) {
      throw fail(path, "expected an array of strings, got " + node);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      out.add(text(node.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  private Duration seconds(JsonNode node, String path) {
    if (!node.canConvertToExactIntegral() || !node.canConvertToLong() || node.asLong() <= 0) {
      throw fail(path, "expected a positive whole number of seconds, got " + node);
    }
    return Duration.ofSeconds(node.asLong());
  }

  private InvalidConfigException fail(String path, String problem) {
    return new InvalidConfigException(origin + ": " + (path.isEmpty() ? "" : path + " ") + problem);
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
