package io.pullproof.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Validates rendered objects against the Kubernetes (and Prometheus Operator) schemas compiled
 * into the npm packages kubernetes-models 5.1.0 and @kubernetes-models/prometheus-operator 6.0.0
 * (INFRA.md), which the build installs into {@code pullproof.k8s.validate.dir}; no network here.
 */
final class KubernetesSchemas {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KubernetesSchemas() {}

  /** One line per object that fails its schema (or has none), empty when all pass. */
  static List<String> problems(List<Manifest> manifests) {
    Path dir = Path.of(System.getProperty("pullproof.k8s.validate.dir", "target/k8s-validate"));
    if (!Files.isDirectory(dir.resolve("node_modules/kubernetes-models"))) {
      throw new IllegalStateException("Kubernetes schemas not installed in " + dir
          + " (the build's generate-test-resources phase runs src/test/node/install.sh)");
    }
    try {
      Path input = Files.createTempFile("rendered-", ".json");
      try {
        JSON.writeValue(input.toFile(), manifests.stream().map(Manifest::body).toList());
        Process node = new ProcessBuilder("node", "validate.mjs", input.toString()).directory(dir.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = node.getInputStream().readAllBytes();
        if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
          throw new IllegalStateException("node validate.mjs failed: " + new String(out, StandardCharsets.UTF_8));
        }
        List<String> problems = new ArrayList<>();
        JsonNode results = JSON.readTree(out);
        if (results.size() != manifests.size()) {
          throw new IllegalStateException("validated " + results.size() + " of " + manifests.size() + " objects");
        }
        for (JsonNode result : results) {
          if (!result.path("errors").isEmpty()) {
            problems.add(result.path("kind").asText() + "/" + result.path("name").asText() + ": " + result.path("errors"));
          }
        }
        return problems;
      } finally {
        Files.deleteIfExists(input);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
