package io.pullproof.cli.decide;

import com.fasterxml.jackson.databind.JsonNode;
import io.pullproof.decision.ObjectRef;
import io.pullproof.decision.PullPolicy;
import io.pullproof.decision.PullSecret;
import io.pullproof.decision.StartRequest;
import io.pullproof.reference.ImageReference;
import io.pullproof.reference.InvalidReferenceException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * REQUEST.json: one container start. The image is normalised here (distribution reference
 * grammar, {@code nginx} → {@code docker.io/library/nginx:latest}), so the decision compares
 * normalised names with grants, node pulls, intents and the allowlist.
 */
final class RequestFile {
  private static final Set<String> FIELDS = Set.of("node", "image", "imageRef", "pullPolicy", "podNamespace",
      "secrets", "serviceAccount", "nodeCredentialHash", "now");

  private RequestFile() {}

  static StartRequest read(Path path) {
    JsonInput in = JsonInput.read(path);
    JsonNode root = in.root();
    in.allowOnly(root, "", FIELDS);
    ImageReference image = normalisedImage(in, root, "", "image");
    String pullPolicyName = in.text(root, "", "pullPolicy", false);
    PullPolicy pullPolicy = PullPolicy.fromKubernetesName(pullPolicyName);
    if (pullPolicy == null) {
      throw in.bad("pullPolicy", root.get("pullPolicy"), "is not one of "
          + Arrays.stream(PullPolicy.values()).map(PullPolicy::kubernetesName).collect(Collectors.joining(", ")));
    }
    List<PullSecret> secrets = in.list(root, "", "secrets", (secret, at) -> StateFile.secret(in, secret, at));
    if (secrets.size() > StartRequest.MAX_SECRETS) {
      throw in.bad("secrets", "more than " + StartRequest.MAX_SECRETS + " pull secrets");
    }
    JsonNode serviceAccountNode = in.optionalObject(root, "", "serviceAccount");
    ObjectRef serviceAccount = serviceAccountNode == null ? null : StateFile.serviceAccount(in, serviceAccountNode, "serviceAccount");
    String nodeCredentialHash = in.optionalText(root, "", "nodeCredentialHash");
    return new StartRequest(
        in.text(root, "", "node", false),
        image.toString(),
        image.name(),
        in.text(root, "", "imageRef", true),
        pullPolicy,
        in.text(root, "", "podNamespace", false),
        secrets,
        serviceAccount,
        nodeCredentialHash,
        in.instant(root, "", "now"));
  }

  /** The image reference in {@code field}, normalised; a bad one is named with its field. */
  static ImageReference normalisedImage(JsonInput in, JsonNode node, String at, String field) {
    String image = in.text(node, at, field, false);
    try {
      return ImageReference.parse(image);
    } catch (InvalidReferenceException e) {
      throw in.bad(JsonInput.child(at, field), e.getMessage());
    }
  }
}
