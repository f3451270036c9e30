package io.pullproof.sim.node;

import io.pullproof.agent.enforce.Enforcer;
import io.pullproof.agent.enforce.PullReport;
import io.pullproof.agent.enforce.PullReporter;
import io.pullproof.agent.enforce.RegistryVerifier;
import io.pullproof.agent.enforce.StartContext;
import io.pullproof.agent.enforce.StartDecision;
import io.pullproof.agent.publish.AgentEvents;
import io.pullproof.agent.publish.AgentPublisher;
import io.pullproof.agent.publish.CredentialIdentities;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.Keyring;
import io.pullproof.credentials.KeyringMatch;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.StartOutcome;
import io.pullproof.sim.fleet.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * One simulated node: the agent's own {@link Enforcer} (verdict client, ALLOW cache, registry
 * verification) and {@link PullReporter}, plus what the container runtime would do around them:
 * an image cache, and pulling an absent image with the pod's credentials when the agent says PULL
 * (the pull is one manifest request with the same keyring order, done by the agent's
 * {@link RegistryVerifier}; layers are not transferred).
 */
public final class SimulatedNode {
  private final NodeId id;
  private final int replySlice;
  private final Enforcer enforcer;
  private final PullReporter pulls;
  private final RegistryVerifier verifier;
  private final AgentEvents events;
  private final AgentPublisher publisher;
  private final CredentialIdentities identities;
  private final List<CredentialSource> nodeCredentials;
  /** repository → digest of the images on this node. */
  private final Map<String, String> images = new ConcurrentHashMap<>();
  private final BiConsumer<String, NodeId> onCached;

  SimulatedNode(NodeId id, int replySlice, Enforcer enforcer, PullReporter pulls, RegistryVerifier verifier,
      AgentEvents events, AgentPublisher publisher, CredentialIdentities identities, List<CredentialSource> nodeCredentials,
      BiConsumer<String, NodeId> onCached) {
    this.onCached = onCached;
    this.id = id;
    this.replySlice = replySlice;
    this.enforcer = enforcer;
    this.pulls = pulls;
    this.verifier = verifier;
    this.events = events;
    this.publisher = publisher;
    this.identities = identities;
    this.nodeCredentials = List.copyOf(nodeCredentials);
  }

  /**
   * What happened to one start.
   *
   * @param decision the agent's decision (for a PULL: before the runtime pulled)
   * @param started whether the container runs
   * @param registryRoundTrips registry round trips for this start (the runtime's pull or the agent's verification)
   * @param latencyNanos the whole start, verdict wait, verification and pull included
   * @param pullNanos how long the runtime's pull took, or -1 when it did not pull
   */
  public record Result(StartDecision decision, boolean started, int registryRoundTrips, long latencyNanos, long pullNanos) {}

  public NodeId id() {
    return id;
  }

  public int replySlice() {
    return replySlice;
  }

  /** The repositories cached here. */
  public Set<String> repositories() {
    return images.keySet();
  }

  public boolean has(String repository) {
    return images.containsKey(repository);
  }

  /** Asks the agent; on PULL pulls with the pod's credentials and reports the pull as the runtime hook does. */
  public Result start(StartContext start, String repository, String digest) {
    long began = System.nanoTime();
    StartDecision decision = enforcer.start(start);
    if (decision.action() != StartDecision.Action.PULL) {
      boolean asked = decision.source() == DecisionSource.REGISTRY_VERIFICATION
          || decision.source() == DecisionSource.REGISTRY_FALLBACK;
      return new Result(decision, decision.action() == StartDecision.Action.START, asked ? 1 : 0,
          System.nanoTime() - began, -1);
    }
    long pullBegan = System.nanoTime();
    RegistryVerifier.Verification pull = verifier.verify(start.reference(), digest, matches(start));
    long pullNanos = System.nanoTime() - pullBegan;
    if (pull.granted()) {
      cache(repository, digest);
      pulls.report(report(start, digest, pull.credential()));
    }
    return new Result(decision, pull.granted(), 1, System.nanoTime() - began, pullNanos);
  }

  /**
   * The fleet's history before the measured window: the image was pulled here with {@code proof}
   * (a match of the pod's credentials, or null for anonymous). Reported through the agent's real
   * pull reporter; the registry is not asked again.
   */
  public void seed(StartContext start, String repository, String digest, CredentialKind proof) {
    KeyringMatch used = null;
    for (KeyringMatch match : matches(start)) {
      boolean secret = match.source() instanceof CredentialSource.PullSecret;
      if ((proof == CredentialKind.SECRET && secret) || (proof == CredentialKind.NODE_CREDENTIAL && !secret)) {
        used = match;
        break;
      }
    }
    cache(repository, digest);
    pulls.report(report(start, digest, used));
  }

  /**
   * A start nobody asked about (an injected enforcement bypass): the container runs and only its
   * outcome is published, with no request id and decision source NONE.
   */
  public void bypass(StartContext start, String repository, String digest) {
    List<KeyringMatch> matches = matches(start);
    AgentEvents.StartRequestFacts facts = new AgentEvents.StartRequestFacts(start.pod(), start.container(), start.image(),
        start.reference().name(), digest, start.pullPolicy(), identities.podSecrets(matches),
        CredentialIdentities.serviceAccountRef(start.serviceAccount()), identities.nodeCredentialHash(matches), false);
    cache(repository, digest);
    publisher.startObserved(events.startObserved(null, facts, StartOutcome.STARTED, DecisionSource.NONE, null, null, null,
        "started without asking for a verdict (injected bypass)"));
  }

  private void cache(String repository, String digest) {
    if (images.put(repository, digest) == null) {
      onCached.accept(repository, id);
    }
  }

  private List<KeyringMatch> matches(StartContext start) {
    List<CredentialSource> sources = new ArrayList<>(start.podCredentials());
    sources.addAll(nodeCredentials);
    return Keyring.of(sources).lookup(start.reference());
  }

  private static PullReport report(StartContext start, String digest, KeyringMatch used) {
    PullReport.Succeeded succeeded;
    if (used == null) {
      succeeded = new PullReport.Succeeded(CredentialKind.ANONYMOUS, null, null);
    } else if (used.source() instanceof CredentialSource.PullSecret secret) {
      succeeded = new PullReport.Succeeded(CredentialKind.SECRET, secret.secret().uid(), used.entry().key());
    } else {
      succeeded = new PullReport.Succeeded(CredentialKind.NODE_CREDENTIAL, null, used.entry().key());
    }
    return new PullReport(start.pod(), start.image(), start.reference(), digest, succeeded, start.podCredentials(),
        start.serviceAccount());
  }
}
