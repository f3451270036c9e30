package io.pullproof.agent.enforce;

import io.pullproof.agent.AgentMetrics;
import io.pullproof.agent.publish.AgentEvents;
import io.pullproof.agent.publish.AgentEvents.StartRequestFacts;
import io.pullproof.agent.publish.AgentPublisher;
import io.pullproof.agent.publish.CredentialIdentities;
import io.pullproof.agent.state.NodeState;
import io.pullproof.agent.verdict.AllowCache;
import io.pullproof.agent.verdict.VerdictClient;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.Keyring;
import io.pullproof.credentials.KeyringMatch;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.PullPolicy;
import io.pullproof.events.StartOutcome;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.events.Verdict;
import io.pullproof.oci.ManifestCheck;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Decides and enforces one container start (DESIGN.md §1, §3): ALLOW starts; REPULL verifies with
 * the registry using the pod's own credentials (under {@code Never}: ErrImageNeverPull, worded as
 * "not present"); dryRun starts and reports DRY_RUN; no verdict in time verifies with the registry,
 * never ALLOW. Every enforced outcome is published.
 */
public final class Enforcer {
  private static final Logger LOG = LoggerFactory.getLogger(Enforcer.class);

  private final AgentEvents events;
  private final CredentialIdentities identities;
  private final AgentPublisher publisher;
  private final VerdictClient verdicts;
  private final AllowCache cache;
  private final RegistryVerifier verifier;
  private final NodeState state;
  private final AgentMetrics metrics;
  private final List<CredentialSource> nodeCredentials;
  private final int replySlice;
  private final Clock clock;

  public Enforcer(AgentEvents events, CredentialIdentities identities, AgentPublisher publisher, VerdictClient verdicts,
      AllowCache cache, RegistryVerifier verifier, NodeState state, AgentMetrics metrics,
      List<CredentialSource> nodeCredentials, int replySlice, Clock clock) {
    this.events = events;
    this.identities = identities;
    this.publisher = publisher;
    this.verdicts = verdicts;
    this.cache = cache;
    this.verifier = verifier;
    this.state = state;
    this.metrics = metrics;
    this.nodeCredentials = List.copyOf(nodeCredentials);
    this.replySlice = replySlice;
    this.clock = clock;
  }

  /** Blocks up to the verdict timeout plus a registry verification: call on a worker thread. */
  public StartDecision start(StartContext start) {
    MDC.put("pod", start.pod().getNamespace() + "/" + start.pod().getName());
    try {
      return decide(start);
    } finally {
      MDC.remove("pod");
    }
  }

  private StartDecision decide(StartContext start) {
    String name = start.reference().name();
    List<KeyringMatch> matches = Keyring.of(withNodeCredentials(start.podCredentials())).lookup(start.reference());
    if (start.imageRef() == null || start.pullPolicy() == PullPolicy.ALWAYS) {
      if (start.imageRef() == null && start.pullPolicy() == PullPolicy.NEVER) {
        // Nothing to decide: the kubelet itself refuses; recorded so the audit sees the attempt.
        StartRequestFacts facts = facts(start, matches);
        return finish(null, facts, StartOutcome.BLOCKED_ERR_IMAGE_NEVER_PULL, DecisionSource.NONE, null, null, null,
            KubeletMessages.ERR_IMAGE_NEVER_PULL, KubeletMessages.neverPull(start.image()));
      }
      // The runtime pulls with the pod's credentials: that pull is the verification. Remember the
      // intent first, so a crash mid-pull cannot make the image look preloaded.
      state.recordIntent(name, clock.instant());
      return StartDecision.pull(start.imageRef() == null ? "image not present: pull it, then report the pull"
          : "pull policy Always: pull it, then report the pull");
    }
    StartRequestFacts facts = facts(start, matches);
    AllowCache.Key key = cacheKey(facts);
    Optional<StartVerdictIssued> cached = cache.get(key);
    if (cached.isPresent()) {
      metrics.cacheHit();
      return finish(cached.get().getRequestId(), facts, StartOutcome.STARTED, DecisionSource.CACHED_VERDICT,
          cached.get(), null, null, null, "cached ALLOW (" + cached.get().getReason() + ")");
    }
    String requestId = AgentEvents.newId();
    long asked = System.nanoTime();
    VerdictClient.Answer answer = verdicts.ask(requestId,
        () -> publisher.startRequested(events.startRequested(requestId, facts, replySlice)));
    metrics.verdictWait(answer.answered() ? "verdict" : answer.failure().startsWith("timeout") ? "timeout" : "error",
        java.time.Duration.ofNanos(System.nanoTime() - asked));
    if (!answer.answered()) {
      LOG.warn("no verdict for request {} ({}): verifying {} with the registry", requestId, answer.failure(), name);
      return verify(requestId, start, facts, matches, null, DecisionSource.REGISTRY_FALLBACK);
    }
    StartVerdictIssued verdict = answer.verdict();
    if (verdict.getVerdict() == Verdict.ALLOW) {
      cache.put(key, verdict);
      return finish(requestId, facts, StartOutcome.STARTED, DecisionSource.VERDICT, verdict, null, null, null,
          "ALLOW (" + verdict.getReason() + ")");
    }
    if (verdict.getDryRun()) {
      return finish(requestId, facts, StartOutcome.STARTED, DecisionSource.DRY_RUN, verdict, null, null, null,
          "dry run: would have repulled (" + verdict.getReason() + ")");
    }
    if (start.pullPolicy() == PullPolicy.NEVER) {
      return finish(requestId, facts, StartOutcome.BLOCKED_ERR_IMAGE_NEVER_PULL, DecisionSource.VERDICT, verdict, null,
          null, KubeletMessages.ERR_IMAGE_NEVER_PULL, KubeletMessages.neverPull(start.image()));
    }
    return verify(requestId, start, facts, matches, verdict, DecisionSource.REGISTRY_VERIFICATION);
  }

  private StartDecision verify(String requestId, StartContext start, StartRequestFacts facts, List<KeyringMatch> matches,
      StartVerdictIssued verdict, DecisionSource source) {
    RegistryVerifier.Verification verification = verifier.verify(start.reference(), start.imageRef(), matches);
    ManifestCheck check = verification.check();
    Integer status = check.status() == 0 ? null : check.status();
    if (verification.granted()) {
      CredentialIdentity credential = verification.credential() == null ? CredentialIdentities.anonymous()
          : identities.of(verification.credential());
      String imageRef = start.imageRef();
      ImagePulled proof = events.imagePulled(start.pod(), start.image(), facts.name(), imageRef, credential, true);
      publisher.pulled(proof);
      return finish(requestId, facts, StartOutcome.STARTED, source, verdict, credential, status, null,
          "verified with the registry");
    }
    if (verification.registryUnavailable()) {
      return finish(requestId, facts, StartOutcome.BLOCKED_REGISTRY_UNREACHABLE, source, verdict, null, status,
          KubeletMessages.ERR_IMAGE_PULL,
          KubeletMessages.pullFailed(start.image(), "registry unreachable: " + check.detail()));
    }
    if (start.pullPolicy() == PullPolicy.NEVER) {
      return finish(requestId, facts, StartOutcome.BLOCKED_ERR_IMAGE_NEVER_PULL, source, verdict, null, status,
          KubeletMessages.ERR_IMAGE_NEVER_PULL, KubeletMessages.neverPull(start.image()));
    }
    return finish(requestId, facts, StartOutcome.BLOCKED_ERR_IMAGE_PULL, source, verdict, null, status,
        KubeletMessages.ERR_IMAGE_PULL, KubeletMessages.pullFailed(start.image(), describe(check)));
  }

  private StartDecision finish(String requestId, StartRequestFacts facts, StartOutcome outcome, DecisionSource source,
      StartVerdictIssued verdict, CredentialIdentity credential, Integer registryStatus, String kubeletReason,
      String message) {
    publisher.startObserved(events.startObserved(requestId, facts, outcome, source, verdict, credential, registryStatus,
        message));
    metrics.start(outcome, source);
    LOG.info("start of {} in {}/{} ({}): {} via {}", facts.image(), facts.pod().getNamespace(), facts.pod().getName(),
        facts.container(), outcome, source);
    StartDecision.Action action = outcome == StartOutcome.STARTED ? StartDecision.Action.START : StartDecision.Action.BLOCK;
    return new StartDecision(action, outcome, source, kubeletReason, message, requestId, verdict, registryStatus);
  }

  private StartRequestFacts facts(StartContext start, List<KeyringMatch> matches) {
    return new StartRequestFacts(start.pod(), start.container(), start.image(), start.reference().name(),
        start.imageRef(), start.pullPolicy(), identities.podSecrets(matches),
        CredentialIdentities.serviceAccountRef(start.serviceAccount()), identities.nodeCredentialHash(matches),
        state.pendingPull(start.reference().name()));
  }

  private static AllowCache.Key cacheKey(StartRequestFacts facts) {
    List<String> credentials = new ArrayList<>();
    for (CredentialIdentity identity : facts.secrets()) {
      credentials.add(identity.getKind() + "|" + identity.getHash() + "|"
          + (identity.getSecret() == null ? "" : identity.getSecret().getUid()) + "|" + identity.getRegistryKey());
    }
    return new AllowCache.Key(facts.name(), facts.imageRef(), facts.pod().getNamespace(), credentials,
        facts.serviceAccount() == null ? null : facts.serviceAccount().getUid(), facts.nodeCredentialHash());
  }

  private List<CredentialSource> withNodeCredentials(List<CredentialSource> podCredentials) {
    if (nodeCredentials.isEmpty()) {
      return podCredentials;
    }
    List<CredentialSource> all = new ArrayList<>(podCredentials);
    all.addAll(nodeCredentials);
    return all;
  }

  /** Like containerd's errors: what the registry said, never the credentials. */
  private static String describe(ManifestCheck check) {
    return switch (check.result()) {
      case UNAUTHORIZED -> "unauthorized: authentication required (" + check.detail() + ")";
      case DENIED -> "denied: requested access to the resource is denied (" + check.detail() + ")";
      case NOT_FOUND -> "not found: manifest unknown";
      default -> "unexpected registry answer: " + check.detail();
    };
  }
}
