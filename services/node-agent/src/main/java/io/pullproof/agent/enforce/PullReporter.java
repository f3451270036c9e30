package io.pullproof.agent.enforce;

import io.pullproof.agent.AgentMetrics;
import io.pullproof.agent.publish.AgentEvents;
import io.pullproof.agent.publish.AgentPublisher;
import io.pullproof.agent.publish.CredentialIdentities;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.Keyring;
import io.pullproof.credentials.KeyringMatch;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.ImagePulled;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a reported pull into an {@code ImagePulled} event: finds the credential among those the
 * kubelet keyring selects for the image (a credential the kubelet would not have presented is
 * refused), hashes it, records the pull durably and publishes it.
 */
public final class PullReporter {
  private final AgentEvents events;
  private final CredentialIdentities identities;
  private final AgentPublisher publisher;
  private final List<CredentialSource> nodeCredentials;
  private final AgentMetrics metrics;

  public PullReporter(AgentEvents events, CredentialIdentities identities, AgentPublisher publisher,
      List<CredentialSource> nodeCredentials, AgentMetrics metrics) {
    this.events = events;
    this.identities = identities;
    this.publisher = publisher;
    this.nodeCredentials = List.copyOf(nodeCredentials);
    this.metrics = metrics;
  }

  /** Records and publishes; throws {@link UnmatchedCredentialException} naming the field. */
  public ImagePulled report(PullReport report) {
    CredentialIdentity credential = identify(report);
    ImagePulled event = events.imagePulled(report.pod(), report.image(), report.reference().name(), report.imageRef(),
        credential, false);
    publisher.pulled(event);
    metrics.pullReported();
    return event;
  }

  private CredentialIdentity identify(PullReport report) {
    PullReport.Succeeded succeeded = report.succeeded();
    switch (succeeded.kind()) {
      case ANONYMOUS:
        return CredentialIdentities.anonymous();
      case SERVICE_ACCOUNT:
        if (report.serviceAccount() == null) {
          throw new UnmatchedCredentialException("serviceAccount", "credential.kind SERVICE_ACCOUNT needs serviceAccount");
        }
        return CredentialIdentities.serviceAccount(report.serviceAccount());
      default:
        break;
    }
    List<CredentialSource> sources = new ArrayList<>(report.podCredentials());
    sources.addAll(nodeCredentials);
    boolean secret = succeeded.kind() == io.pullproof.events.CredentialKind.SECRET;
    for (KeyringMatch match : Keyring.of(sources).lookup(report.reference())) {
      boolean kindMatches = secret
          ? match.source() instanceof CredentialSource.PullSecret s && s.secret().uid().equals(succeeded.secretUid())
          : match.source() instanceof CredentialSource.NodeCredentials;
      if (kindMatches && (succeeded.registryKey() == null || Objects.equals(match.entry().key(), succeeded.registryKey()))) {
        return identities.of(match);
      }
    }
    String field = secret ? "credential.secretUid" : "credential.registryKey";
    throw new UnmatchedCredentialException(field, (secret ? "no pull secret with uid " + succeeded.secretUid()
        : "no node credential") + (succeeded.registryKey() == null ? "" : " has entry " + succeeded.registryKey())
        + " matching image " + report.reference().name() + " under the kubelet keyring rules");
  }
}
