package io.pullproof.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;

/** One rendered Kubernetes object. */
record Manifest(JsonNode body) {
  String kind() {
    return body.path("kind").asText();
  }

  String name() {
    return body.path("metadata").path("name").asText();
  }

  /** "Kind/name", for assertion messages. */
  String id() {
    return kind() + "/" + name();
  }

  /** The node at a JSON pointer such as {@code /spec/template/spec}; missing → MissingNode. */
  JsonNode at(String pointer) {
    JsonNode node = body.at(pointer);
    return node == null ? MissingNode.getInstance() : node;
  }

  /** The pod spec of a workload (Deployment, DaemonSet), or MissingNode. */
  JsonNode podSpec() {
    return at("/spec/template/spec");
  }

  boolean isWorkload() {
    return kind().equals("Deployment") || kind().equals("DaemonSet");
  }

  /** Init containers first, then containers. */
  List<JsonNode> containers() {
    List<JsonNode> all = new ArrayList<>();
    podSpec().path("initContainers").forEach(all::add);
    podSpec().path("containers").forEach(all::add);
    return all;
  }
}
