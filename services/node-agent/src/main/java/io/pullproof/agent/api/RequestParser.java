package io.pullproof.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullproof.agent.enforce.PullReport;
import io.pullproof.agent.enforce.RegistryVerifier;
import io.pullproof.agent.enforce.StartContext;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.DockerConfig;
import io.pullproof.credentials.SecretCoordinates;
import io.pullproof.credentials.ServiceAccountIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.PodRef;
import io.pullproof.events.PullPolicy;
import io.pullproof.reference.ImageReference;
import io.pullproof.reference.InvalidReferenceException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the local API's JSON bodies into validated requests. Every problem becomes an
 * {@link ApiError} naming the field by its JSON path ({@code pullSecrets[1].data}); unknown fields
 * are refused so a hook's typo cannot silently drop a credential. Secret material is decoded here
 * and never appears in an error message.
 */
final class RequestParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_SOURCES = 64;
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
  static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
  static final String DOCKERCFG = "kubernetes.io/dockercfg";

  private RequestParser() {}

  static StartContext startRequest(byte[] body) {
    JsonNode root = root(body);
    allowOnly(root, "", Set.of("pod", "container", "image", "imageRef", "pullPolicy", "pullSecrets", "serviceAccount",
        "nodeCredentials"));
    PodRef pod = pod(required(root, "pod"), "pod");
    String image = text(root, "image", "image");
    List<CredentialSource> credentials = credentials(root, pod.getNamespace());
    return new StartContext(pod, text(root, "container", "container"), image, reference(image),
        digest(root, "imageRef", false), pullPolicy(root), credentials, serviceAccount(root));
  }

  static PullReport pullReport(byte[] body) {
    JsonNode root = root(body);
    allowOnly(root, "", Set.of("pod", "image", "imageRef", "credential", "pullSecrets", "serviceAccount",
        "nodeCredentials"));
    PodRef pod = root.hasNonNull("pod") ? pod(root.get("pod"), "pod") : null;
    String image = text(root, "image", "image");
    JsonNode credential = required(root, "credential");
    allowOnly(credential, "credential.", Set.of("kind", "secretUid", "registryKey"));
    CredentialKind kind = switch (text(credential, "kind", "credential.kind")) {
      case "SECRET" -> CredentialKind.SECRET;
      case "NODE_CREDENTIAL" -> CredentialKind.NODE_CREDENTIAL;
      case "SERVICE_ACCOUNT" -> CredentialKind.SERVICE_ACCOUNT;
      case "ANONYMOUS" -> CredentialKind.ANONYMOUS;
      default -> throw ApiError.invalid("credential.kind", "must be SECRET, NODE_CREDENTIAL, SERVICE_ACCOUNT or ANONYMOUS");
    };
    String secretUid = kind == CredentialKind.SECRET ? text(credential, "secretUid", "credential.secretUid") : null;
    String registryKey = optionalText(credential, "registryKey", "credential.registryKey");
    return new PullReport(pod, image, reference(image), digest(root, "imageRef", true),
        new PullReport.Succeeded(kind, secretUid, registryKey),
        credentials(root, pod == null ? null : pod.getNamespace()), serviceAccount(root));
  }

  private static JsonNode root(byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null || !root.isObject()) {
        throw new ApiError(ApiError.Reason.MALFORMED_BODY, "body", "body: must be a JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new ApiError(ApiError.Reason.MALFORMED_BODY, "body", "body: not valid JSON (line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    } catch (java.io.IOException e) {
      throw new ApiError(ApiError.Reason.MALFORMED_BODY, "body", "body: cannot be read");
    }
  }

  private static void allowOnly(JsonNode node, String prefix, Set<String> fields) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        // A hostile name ("", a newline) is JSON-quoted so the field path stays one readable line.
        throw ApiError.invalid(prefix + (PLAIN_NAME.matcher(name).matches() ? name : quote(name)), "unknown field");
      }
    }
  }

  private static String quote(String name) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(name)) + "\"";
  }

  private static JsonNode required(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw ApiError.invalid(field, "is required");
    }
    if (!node.isObject()) {
      throw ApiError.invalid(field, "must be an object");
    }
    return node;
  }

  private static String text(JsonNode parent, String field, String path) {
    String value = optionalText(parent, field, path);
    if (value == null) {
      throw ApiError.invalid(path, "is required");
    }
    return value;
  }

  private static String optionalText(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual() || node.asText().isEmpty()) {
      throw ApiError.invalid(path, "must be a non-empty string");
    }
    return node.asText();
  }

  private static PodRef pod(JsonNode node, String path) {
    if (!node.isObject()) {
      throw ApiError.invalid(path, "must be an object");
    }
    allowOnly(node, path + ".", Set.of("namespace", "name", "uid"));
    return new PodRef(text(node, "namespace", path + ".namespace"), text(node, "name", path + ".name"),
        text(node, "uid", path + ".uid"));
  }

  private static ImageReference reference(String image) {
    try {
      return ImageReference.parse(image);
    } catch (InvalidReferenceException e) {
      throw ApiError.invalid("image", e.getMessage());
    }
  }

  private static String digest(JsonNode root, String field, boolean required) {
    String value = required ? text(root, field, field) : optionalText(root, field, field);
    if (value != null && !RegistryVerifier.isDigest(value)) {
      throw ApiError.invalid(field, "must be a digest such as sha256:<64 hex> (the manifest digest the runtime holds)");
    }
    return value;
  }

  private static PullPolicy pullPolicy(JsonNode root) {
    return switch (text(root, "pullPolicy", "pullPolicy")) {
      case "Always" -> PullPolicy.ALWAYS;
      case "IfNotPresent" -> PullPolicy.IF_NOT_PRESENT;
      case "Never" -> PullPolicy.NEVER;
      default -> throw ApiError.invalid("pullPolicy", "must be Always, IfNotPresent or Never");
    };
  }

  private static ServiceAccountIdentity serviceAccount(JsonNode root) {
    JsonNode node = root.get("serviceAccount");
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw ApiError.invalid("serviceAccount", "must be an object");
    }
    allowOnly(node, "serviceAccount.", Set.of("namespace", "name", "uid"));
    return new ServiceAccountIdentity(text(node, "namespace", "serviceAccount.namespace"),
        text(node, "name", "serviceAccount.name"), text(node, "uid", "serviceAccount.uid"));
  }

  /** Pull secrets first (their order kept), then node credentials the hook passed. */
  private static List<CredentialSource> credentials(JsonNode root, String podNamespace) {
    List<CredentialSource> sources = new ArrayList<>();
    for (JsonNode secret : array(root, "pullSecrets")) {
      String path = "pullSecrets[" + sources.size() + "]";
      allowOnly(secret, path + ".", Set.of("namespace", "name", "uid", "type", "data"));
      String namespace = optionalText(secret, "namespace", path + ".namespace");
      if (namespace == null && podNamespace == null) {
        throw ApiError.invalid(path + ".namespace", "is required when there is no pod");
      }
      SecretCoordinates at = new SecretCoordinates(namespace == null ? podNamespace : namespace,
          text(secret, "name", path + ".name"), text(secret, "uid", path + ".uid"));
      String type = text(secret, "type", path + ".type");
      if (!type.equals(DOCKER_CONFIG_JSON) && !type.equals(DOCKERCFG)) {
        throw ApiError.invalid(path + ".type", "must be " + DOCKER_CONFIG_JSON + " or " + DOCKERCFG);
      }
      sources.add(new CredentialSource.PullSecret(at, dockerConfig(secret, path, type.equals(DOCKERCFG))));
    }
    int secrets = sources.size();
    for (JsonNode node : array(root, "nodeCredentials")) {
      String path = "nodeCredentials[" + (sources.size() - secrets) + "]";
      allowOnly(node, path + ".", Set.of("location", "data"));
      sources.add(new CredentialSource.NodeCredentials(text(node, "location", path + ".location"),
          dockerConfig(node, path, false)));
    }
    return sources;
  }

  private static List<JsonNode> array(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw ApiError.invalid(field, "must be an array");
    }
    if (node.size() > MAX_SOURCES) {
      throw ApiError.invalid(field, "at most " + MAX_SOURCES + " entries");
    }
    List<JsonNode> items = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isObject()) {
        throw ApiError.invalid(field + "[" + i + "]", "must be an object");
      }
      items.add(node.get(i));
    }
    return items;
  }

  private static DockerConfig dockerConfig(JsonNode node, String path, boolean legacy) {
    String data = text(node, "data", path + ".data");
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid(path + ".data", "must be base64 (as in a Secret's data)");
    }
    try {
      return legacy ? DockerConfig.parseDockercfg(bytes) : DockerConfig.parseDockerConfigJson(bytes);
    } catch (IllegalArgumentException e) {
      // DockerConfigException names the entry key and field, never the secret.
      throw ApiError.invalid(path + ".data", e.getMessage());
    }
  }
}
