package io.pullproof.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A container's settings as the kubelet assembles them (envFrom ConfigMaps first, then env), and
 * the files they name, looked up in the container's volume mounts. Values the cluster supplies at
 * run time (Secrets that exist outside the chart, the downward API) get stand-ins, so the whole
 * environment can be handed to the service's own config parser.
 */
final class PodSettings {
  /** Where a setting's value comes from. */
  enum Source { LITERAL, CONFIG_MAP, SECRET, FIELD }

  /** One environment variable; {@code value} is the text, the Secret "name/key" or the field path. */
  record Entry(String name, Source source, String value) {}

  private final Manifest workload;
  private final JsonNode container;
  private final List<Manifest> rendered;
  private final Map<String, Entry> env = new LinkedHashMap<>();

  private PodSettings(Manifest workload, JsonNode container, List<Manifest> rendered) {
    this.workload = workload;
    this.container = container;
    this.rendered = rendered;
    container.path("envFrom").forEach(from -> {
      String name = from.path("configMapRef").path("name").asText();
      if (name.isEmpty()) {
        throw new AssertionError(workload.id() + ": envFrom other than a rendered ConfigMap: " + from);
      }
      configMap(name).orElseThrow(() -> new AssertionError(workload.id() + " reads ConfigMap " + name + ", which is not rendered"))
          .at("/data").fields().forEachRemaining(e -> put(new Entry(e.getKey(), Source.CONFIG_MAP, e.getValue().asText())));
    });
    container.path("env").forEach(var -> {
      String name = var.path("name").asText();
      JsonNode from = var.path("valueFrom");
      if (var.has("value")) {
        put(new Entry(name, Source.LITERAL, var.path("value").asText()));
      } else if (from.has("secretKeyRef")) {
        put(new Entry(name, Source.SECRET, from.at("/secretKeyRef/name").asText() + "/" + from.at("/secretKeyRef/key").asText()));
      } else if (from.has("fieldRef")) {
        put(new Entry(name, Source.FIELD, from.at("/fieldRef/fieldPath").asText()));
      } else {
        throw new AssertionError(workload.id() + ": env " + name + " has an unsupported source: " + var);
      }
    });
  }

  static PodSettings of(Manifest workload, JsonNode container, List<Manifest> rendered) {
    return new PodSettings(workload, container, rendered);
  }

  Map<String, Entry> env() {
    return env;
  }

  /**
   * The environment for the service's parser: Secrets and downward-API fields replaced by
   * stand-ins, and every file a setting names written to {@code scratch} from the volume that is
   * mounted there (a rendered ConfigMap's real content; a stand-in for Secrets and host files).
   */
  Map<String, String> forParsing(Path scratch) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Entry entry : env.values()) {
      String value = switch (entry.source()) {
        case LITERAL, CONFIG_MAP -> entry.value();
        case SECRET -> secretStandIn(entry.name());
        case FIELD -> fieldStandIn(entry.value());
      };
      if (value.startsWith("/") && isFileSetting(entry.name())) {
        value = materialize(entry.name(), value, scratch).toString();
      }
      out.put(entry.name(), value);
    }
    return out;
  }

  private static boolean isFileSetting(String name) {
    return name.endsWith("_FILE") || name.endsWith("_CERT") || name.endsWith("_KEY") || name.endsWith("_DOCKER_CONFIG");
  }

  private Path materialize(String setting, String path, Path scratch) {
    JsonNode mount = mountOf(path).orElseThrow(() -> new AssertionError(
        workload.id() + " container " + container.path("name").asText() + ": " + setting + "=" + path + " is in no mounted volume"));
    String mountPath = mount.path("mountPath").asText();
    String relative = path.equals(mountPath) ? "" : path.substring(mountPath.length() + 1);
    JsonNode volume = volume(mount.path("name").asText());
    String content = contentOf(volume, relative, setting);
    try {
      Path file = scratch.resolve(setting);
      Files.writeString(file, content, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String contentOf(JsonNode volume, String relative, String setting) {
    if (volume.has("configMap")) {
      String key = itemKey(volume.path("configMap"), relative);
      Optional<Manifest> map = configMap(volume.at("/configMap/name").asText());
      if (map.isPresent()) {
        JsonNode data = map.get().at("/data/" + key);
        if (data.isMissingNode()) {
          throw new AssertionError(workload.id() + ": " + setting + " names key " + key + " that ConfigMap "
              + map.get().name() + " does not have");
        }
        return data.asText();
      }
    } else if (volume.has("secret")) {
      itemKey(volume.path("secret"), relative);
      Optional<Manifest> secret = rendered.stream()
          .filter(m -> m.kind().equals("Secret") && m.name().equals(volume.at("/secret/secretName").asText())).findFirst();
      if (secret.isPresent()) {
        return secret.get().at("/stringData/" + itemKey(volume.path("secret"), relative)).asText();
      }
    } else if (!volume.has("hostPath")) {
      throw new AssertionError(workload.id() + ": " + setting + " is on volume " + volume + ", which holds no such file");
    }
    return fileStandIn(setting);
  }

  /** The key an item-mapped volume file comes from (or the file name when the volume maps none). */
  private String itemKey(JsonNode source, String relative) {
    if (!source.has("items")) {
      return relative;
    }
    for (JsonNode item : source.path("items")) {
      if (item.path("path").asText().equals(relative)) {
        return item.path("key").asText();
      }
    }
    throw new AssertionError(workload.id() + ": no item of " + source + " is mounted at " + relative);
  }

  private Optional<JsonNode> mountOf(String path) {
    JsonNode best = null;
    for (JsonNode mount : container.path("volumeMounts")) {
      String mountPath = mount.path("mountPath").asText();
      if ((path.equals(mountPath) || path.startsWith(mountPath + "/"))
          && (best == null || mountPath.length() > best.path("mountPath").asText().length())) {
        best = mount;
      }
    }
    return Optional.ofNullable(best);
  }

  private JsonNode volume(String name) {
    for (JsonNode volume : workload.podSpec().path("volumes")) {
      if (volume.path("name").asText().equals(name)) {
        return volume;
      }
    }
    throw new AssertionError(workload.id() + ": volume " + name + " is mounted but not declared");
  }

  private Optional<Manifest> configMap(String name) {
    return rendered.stream().filter(m -> m.kind().equals("ConfigMap") && m.name().equals(name)).findFirst();
  }

  private static String secretStandIn(String setting) {
    return setting.equals("PULLPROOF_KAFKA_PROPERTIES") ? "security.protocol=SASL_SSL" : "stand-in-secret";
  }

  private static String fieldStandIn(String fieldPath) {
    return switch (fieldPath) {
      case "spec.nodeName" -> "node-1";
      case "status.podIP" -> "10.0.0.7";
      case "metadata.name" -> "pod-1";
      default -> throw new AssertionError("no stand-in for downward API field " + fieldPath);
    };
  }

  /** Content of a file that comes from outside the chart (an existing Secret, the node). */
  private static String fileStandIn(String setting) {
    return switch (setting) {
      case "PULLPROOF_FLEET_KEY_FILE" -> Base64.getEncoder().encodeToString(new byte[32]);
      case "PULLPROOF_LEDGER_TOKENS_FILE" -> "ops admin " + "a".repeat(64) + "\n";
      case "PULLPROOF_AGENT_NODE_DOCKER_CONFIG" -> "{\"auths\":{}}";
      default -> "stand-in";
    };
  }

  private void put(Entry entry) {
    env.put(entry.name(), entry);
  }
}
