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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

  /** A reported pull: its event, and whether Kafka acknowledged it before the caller stopped waiting. */
  public record Reported(ImagePulled event, boolean published) {}

  /** Records and publishes; throws {@link UnmatchedCredentialException} naming the field. */
  public ImagePulled report(PullReport report) {
    return reportAndWait(report, Duration.ZERO).event();
  }

  /**
   * {@link #report}, then waits up to {@code wait} for Kafka's acknowledgement. The outbox already
   * survives a crash; waiting makes the answer mean "in the log" as well, so even a node that loses
   * its state directory right after the answer loses no pull (unless Kafka was down: then the
   * answer says so and the pull waits in the outbox).
   */
  public Reported reportAndWait(PullReport report, Duration wait) {
    CredentialIdentity credential = identify(report);
    ImagePulled event = events.imagePulled(report.pod(), report.image(), report.reference().name(), report.imageRef(),
        credential, false);
    CompletableFuture<Void> acknowledged = publisher.pulled(event).toCompletableFuture();
    metrics.pullReported();
    if (wait.isZero()) {
      return new Reported(event, acknowledged.isDone());
    }
    try {
      acknowledged.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return new Reported(event, true);
    } catch (TimeoutException notYet) {
      return new Reported(event, false);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the acknowledgement stage never fails", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reported(event, false);
    }
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
