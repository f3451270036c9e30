package io.pullproof.decision.events;

import io.pullproof.decision.PullPolicy;
import io.pullproof.decision.PullSecret;
import io.pullproof.decision.StartRequest;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.SecretRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Turns a {@code ContainerStartRequested} into the decision function's {@link StartRequest}. */
public final class RequestMapper {
  private RequestMapper() {}

  /**
   * The request as the policy sees it, decided at {@code now}.
   *
   * @throws IllegalArgumentException naming the field when the request cannot be decided
   */
  public static StartRequest toStartRequest(ContainerStartRequested request, Instant now) {
    List<PullSecret> secrets = new ArrayList<>(request.getSecrets().size());
    for (int i = 0; i < request.getSecrets().size(); i++) {
      CredentialIdentity credential = request.getSecrets().get(i);
      if (credential.getKind() != CredentialKind.SECRET) {
        continue;
      }
      SecretRef secret = credential.getSecret();
      if (secret == null) {
        throw new IllegalArgumentException("secrets[" + i + "].secret is missing for a SECRET credential");
      }
      secrets.add(PullSecret.of(secret.getNamespace(), secret.getName(), secret.getUid(), credential.getHash()));
    }
    return new StartRequest(
        LogEventMapper.nodeKey(request.getNode()),
        request.getImage(),
        request.getName(),
        request.getImageRef(),
        pullPolicy(request.getPullPolicy()),
        request.getPod().getNamespace(),
        secrets,
        request.getServiceAccount() == null ? null : LogEventMapper.objectRef(request.getServiceAccount()),
        request.getNodeCredentialHash(),
        now);
  }

  private static PullPolicy pullPolicy(io.pullproof.events.PullPolicy policy) {
    return switch (policy) {
      case ALWAYS -> PullPolicy.ALWAYS;
      case IF_NOT_PRESENT -> PullPolicy.IF_NOT_PRESENT;
      case NEVER -> PullPolicy.NEVER;
    };
  }
}
