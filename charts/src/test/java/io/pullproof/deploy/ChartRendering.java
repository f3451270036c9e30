package io.pullproof.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The chart rendered by Helm itself (helm-java embeds Helm 3 as a native library: INFRA.md), the
 * way {@code helm template -f VALUES} renders it, then split into objects.
 */
final class ChartRendering {
  /** The oldest Kubernetes the chart claims (Chart.yaml kubeVersion) is what we render for. */
  static final String KUBE_VERSION = "1.27.0";
  static final String RELEASE = "pullproof";
  static final String NAMESPACE = "pullproof";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ChartRendering() {}

  static Path chart() {
    return Repository.file("charts/pullproof");
  }

  /** The values sets every check runs on: the defaults (no file) and each example. */
  static List<Optional<Path>> valueSets() {
    List<Optional<Path>> sets = new ArrayList<>();
    sets.add(Optional.empty());
    try (Stream<Path> files = Files.list(chart().resolve("examples"))) {
      files.filter(f -> f.toString().endsWith(".yaml")).sorted().map(Optional::of).forEach(sets::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sets;
  }

  /** Values files at the edges of the schema's rules (src/test/resources/good-values). */
  static List<Path> edgeValues() {
    try (Stream<Path> files = Files.list(Repository.file("charts/src/test/resources/good-values"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String label(Optional<Path> values) {
    return values.map(p -> p.getFileName().toString()).orElse("defaults");
  }

  /**
   * {@code helm lint --strict}, with a values file when given. helm-java's lint takes no values
   * file, so the chart is copied with that file merged into its values.yaml the way Helm merges
   * values (maps merge key by key, anything else replaces).
   */
  static LintResult lint(Optional<Path> values) {
    if (values.isEmpty()) {
      return new Helm(chart()).lint().strict().call();
    }
    try {
      Path copy = Files.createTempDirectory("pullproof-chart-");
      copyTree(chart(), copy);
      JsonNode merged = merge(YAML.readTree(chart().resolve("values.yaml").toFile()), YAML.readTree(values.get().toFile()));
      YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
      return new Helm(copy).lint().strict().call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode merge(JsonNode base, JsonNode override) {
    if (!(base instanceof ObjectNode target) || !override.isObject()) {
      return override.deepCopy();
    }
    ObjectNode result = target.deepCopy();
    override.fields().forEachRemaining(e -> result.set(e.getKey(),
        result.has(e.getKey()) ? merge(result.get(e.getKey()), e.getValue()) : e.getValue().deepCopy()));
    return result;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  /** Renders with the values files in order (later ones win) and {@code --set key=value} pairs. */
  static List<Manifest> render(List<Path> valuesFiles, String... sets) {
    return parse(renderText(valuesFiles, sets));
  }

  /** The YAML text {@code helm template} prints. */
  static String renderText(List<Path> valuesFiles, String... sets) {
    TemplateCommand template = new Helm(chart()).template()
        .withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
    valuesFiles.forEach(template::withValuesFile);
    for (int i = 0; i < sets.length; i += 2) {
      template.set(sets[i], sets[i + 1]);
    }
    return template.call();
  }

  static List<Manifest> render(Optional<Path> values, String... sets) {
    return render(values.map(List::of).orElse(List.of()), sets);
  }

  static List<Manifest> parse(String yaml) {
    List<Manifest> manifests = new ArrayList<>();
    try {
      ObjectReader reader = YAML.readerFor(JsonNode.class);
      try (var documents = reader.<JsonNode>readValues(YAML.getFactory().createParser(yaml))) {
        while (documents.hasNext()) {
          JsonNode doc = documents.next();
          if (doc != null && doc.isObject() && doc.has("kind")) {
            manifests.add(new Manifest(doc));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("rendered chart is not YAML", e);
    }
    return manifests;
  }
}
