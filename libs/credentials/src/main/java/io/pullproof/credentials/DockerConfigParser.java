package io.pullproof.credentials;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pullproof.credentials.DockerConfig.Format;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads docker configs the way the kubelet's {@code credentialprovider} package does: Go's
 * encoding/json matches field names case-insensitively and ignores unknown fields, a JSON null is
 * an absent value, and a non-empty {@code auth} (base64 of {@code user:password}) replaces username
 * and password. Error messages never quote input values, because any of them may be a secret.
 */
final class DockerConfigParser {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private static final String AUTHS = "auths";

  private DockerConfigParser() {}

  /** {@code expected} null: decide by the presence of a top-level {@code auths} field. */
  static DockerConfig parse(byte[] json, Format expected) {
    JsonNode root = readTree(json);
    if (root.isNull()) {
      // Go unmarshals a JSON null into an empty map without complaint.
      return new DockerConfig(expected == null ? Format.DOCKER_CONFIG_JSON : expected, List.of());
    }
    if (!root.isObject()) {
      throw new DockerConfigException("docker config must be a JSON object, found " + kind(root));
    }
    JsonNode auths = field(root, AUTHS);
    Format format = expected != null ? expected
        : auths != null ? Format.DOCKER_CONFIG_JSON : Format.DOCKERCFG;
    if (format == Format.DOCKERCFG) {
      return new DockerConfig(format, entries(root, ""));
    }
    if (auths == null || auths.isNull()) {
      return new DockerConfig(format, List.of());
    }
    if (!auths.isObject()) {
      throw new DockerConfigException("docker config field \"auths\" must be an object, found " + kind(auths));
    }
    return new DockerConfig(format, entries(auths, "auths."));
  }

  private static JsonNode readTree(byte[] json) {
    if (json == null || json.length == 0) {
      throw new DockerConfigException("docker config is empty");
    }
    try {
      JsonNode root = MAPPER.readTree(json);
      if (root == null || root.isMissingNode()) {
        throw new DockerConfigException("docker config is empty");
      }
      return root;
    } catch (JsonProcessingException e) {
      // Jackson's own message may echo a token of the input, which could be a password.
      JsonLocation at = e.getLocation();
      throw new DockerConfigException("docker config is not valid JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new DockerConfigException("docker config cannot be read: " + e.getClass().getSimpleName());
    }
  }

  private static List<DockerConfigEntry> entries(JsonNode map, String prefix) {
    List<DockerConfigEntry> entries = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : map.properties()) {
      entries.add(entry(field.getKey(), field.getValue(), prefix));
    }
    return entries;
  }

  private static DockerConfigEntry entry(String key, JsonNode value, String prefix) {
    String where = "docker config entry " + prefix + quote(key);
    if (value.isNull()) {
      return new DockerConfigEntry(key, "", "", "", "", "");
    }
    if (!value.isObject()) {
      throw new DockerConfigException(where + " must be an object, found " + kind(value));
    }
    String username = "";
    String password = "";
    String email = "";
    String auth = "";
    String identityToken = "";
    String registryToken = "";
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String name = field.getKey().toLowerCase(Locale.ROOT);
      switch (name) {
        case "username" -> username = text(where, name, field.getValue(), username);
        case "password" -> password = text(where, name, field.getValue(), password);
        case "email" -> email = text(where, name, field.getValue(), email);
        case "auth" -> auth = text(where, name, field.getValue(), auth);
        case "identitytoken" -> identityToken = text(where, name, field.getValue(), identityToken);
        case "registrytoken" -> registryToken = text(where, name, field.getValue(), registryToken);
        default -> { } // unknown fields are ignored, as Go's encoding/json does
      }
    }
    if (!auth.isEmpty()) {
      String[] userAndPassword = decodeAuth(where, auth);
      username = userAndPassword[0];
      password = userAndPassword[1];
    }
    return new DockerConfigEntry(key, username, password, email, identityToken, registryToken);
  }

  /** A string field; null keeps the previous value (Go leaves the field unset). */
  private static String text(String where, String name, JsonNode value, String previous) {
    if (value.isNull()) {
      return previous;
    }
    if (!value.isTextual()) {
      throw new DockerConfigException(where + ": field \"" + name + "\" must be a string, found " + kind(value));
    }
    return value.textValue();
  }

  /**
   * The kubelet's {@code decodeDockerConfigFieldAuth}: padded standard base64 when the trimmed value
   * ends with '=', unpadded otherwise (Go ignores CR and LF in both), split at the first ':'.
   */
  private static String[] decodeAuth(String where, String auth) {
    String encoded = auth.replace("\r", "").replace("\n", "");
    boolean padded = auth.strip().endsWith("=");
    byte[] decoded;
    try {
      if (!padded && encoded.indexOf('=') >= 0 || padded && encoded.length() % 4 != 0) {
        throw new IllegalArgumentException("padding");
      }
      decoded = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new DockerConfigException(where + ": field \"auth\" is not valid base64");
    }
    String userAndPassword = new String(decoded, StandardCharsets.UTF_8);
    int colon = userAndPassword.indexOf(':');
    if (colon < 0) {
      throw new DockerConfigException(where
          + ": field \"auth\" must be base64(username:password) but its decoded value has no ':'");
    }
    return new String[] {userAndPassword.substring(0, colon), userAndPassword.substring(colon + 1)};
  }

  /** Go matches struct fields case-insensitively; the last matching field wins, as in Go. */
  private static JsonNode field(JsonNode object, String name) {
    JsonNode found = null;
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (field.getKey().equalsIgnoreCase(name)) {
        found = field.getValue();
      }
    }
    return found;
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /** Entry keys are registry addresses, not secrets; quoted with JSON escapes to stay one line. */
  private static String quote(String key) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(key)) + "\"";
  }
}
