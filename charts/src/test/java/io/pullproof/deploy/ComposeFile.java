package io.pullproof.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** docker-compose.yml at the repository root, read as plain YAML (no Docker engine here). */
final class ComposeFile {
  /** The compose services built from this repository and the service each one runs. */
  static final Map<String, ServiceSettings> PULLPROOF_SERVICES =
      Map.of("ledger", ServiceSettings.LEDGER, "decision", ServiceSettings.DECISION);

  private final JsonNode root;

  private ComposeFile(JsonNode root) {
    this.root = root;
  }

  static ComposeFile read() {
    try {
      return new ComposeFile(new ObjectMapper(new YAMLFactory()).readTree(Repository.file("docker-compose.yml").toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode services() {
    return root.path("services");
  }

  JsonNode service(String name) {
    JsonNode service = services().path(name);
    if (service.isMissingNode()) {
      throw new AssertionError("docker-compose.yml has no service " + name);
    }
    return service;
  }

  /** A service's environment as a map (compose allows a map or a list of KEY=VALUE). */
  Map<String, String> environment(String name) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode environment = service(name).path("environment");
    if (environment.isArray()) {
      environment.forEach(e -> {
        String text = e.asText();
        int eq = text.indexOf('=');
        env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
      });
    } else {
      environment.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    }
    return env;
  }

  /** Container ports a service publishes ("host:container" entries). */
  List<Integer> containerPorts(String name) {
    List<Integer> ports = new ArrayList<>();
    service(name).path("ports").forEach(p -> {
      String text = p.asText();
      ports.add(Integer.parseInt(text.substring(text.lastIndexOf(':') + 1).replace("/tcp", "")));
    });
    return ports;
  }

  /** The command as a list of arguments. */
  List<String> command(String name) {
    List<String> args = new ArrayList<>();
    service(name).path("command").forEach(a -> args.add(a.asText()));
    return args;
  }

  /** host:port → the compose service name and port. */
  static URI hostPort(String hostPort) {
    return URI.create("tcp://" + hostPort);
  }
}
