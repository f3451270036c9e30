package io.pullproof.audit.replay;

import io.pullproof.audit.AuditQuery;
import io.pullproof.audit.read.LogEntry;
import io.pullproof.audit.report.AuditReport;
import io.pullproof.audit.report.AuditScope;
import io.pullproof.audit.report.Bypass;
import io.pullproof.audit.report.Divergence;
import io.pullproof.audit.report.Fallback;
import io.pullproof.audit.report.PropagationLag;
import io.pullproof.audit.report.StaleAllow;
import io.pullproof.audit.report.StartEntry;
import io.pullproof.audit.report.StartRef;
import io.pullproof.audit.report.Times;
import io.pullproof.audit.report.VerdictFields;
import io.pullproof.decision.Grant;
import io.pullproof.decision.InMemoryDecisionState;
import io.pullproof.decision.Reason;
import io.pullproof.decision.Revocation;
import io.pullproof.decision.StartRequest;
import io.pullproof.decision.Verdict;
import io.pullproof.decision.events.LogEventMapper;
import io.pullproof.decision.events.RequestMapper;
import io.pullproof.decision.events.VerdictEvents;
import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.StartOutcome;
import io.pullproof.events.StartVerdictIssued;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * Replays a sorted log through the decision code of {@code libs/decision-policy} — the same
 * {@link io.pullproof.decision.VerdictPolicy}, grant index and event mapping the decision service
 * runs — and classifies what it finds (docs/audit.md):
 *
 * <ul>
 *   <li>Pulls and revocations are applied as the service's log feed applies them: a pull records
 *       its node pull and its grant, a revocation is applied once per event id.
 *   <li>A request is decided once, at its <em>decision point</em>: the verdict the decision service
 *       published for it (the one whose event id {@link VerdictEvents#eventId} derives from the
 *       request id), else its earliest verdict; {@code now} is that verdict's {@code occurredAt},
 *       which is the service's decision clock. The grant update a decision derives (rotation, new
 *       secret coordinates) is applied there, once, as the service does. A request without any
 *       verdict is decided at its own time, for the report only.
 *   <li>Every recorded verdict of a request is compared with that one recomputation (outcome,
 *       reason and grant id). A wrong ALLOW whose recomputation is {@code REVOKED} or
 *       {@code GRANT_EXPIRED} is a stale ALLOW when no other verdict of the request matches (the
 *       service decided on stale state); any other mismatch is a divergence.
 *   <li>Observed starts are checked against the verdicts recorded for their request (bypasses) and
 *       cached ALLOWs are re-decided at the moment they were used (stale cached ALLOWs).
 *   <li>The replay sees each event at its publication time; the service and the agents see it a
 *       little later. A mismatch explained by that alone — a service REPULL before the pull that
 *       makes the recomputation ALLOW arrived, an ALLOW before the revocation arrived, an ALLOW
 *       on another grant than the one whose verification had just been published — within the
 *       propagation bound ({@link AuditQuery#propagation()}) is listed in {@code withinPropagation},
 *       not counted as a finding.
 * </ul>
 *
 * Single-threaded; one replayer per replay.
 */
public final class Replayer {
  private final AuditQuery query;
  private final String topicPrefix;
  private final InMemoryDecisionState state = new InMemoryDecisionState();
  private final RequestView view = new RequestView(state);
  private final Set<String> revocationIds = new HashSet<>();
  private final Map<String, Start> starts = new HashMap<>();
  private final List<ContainerStartObserved> unaskedStarts = new ArrayList<>();
  private final List<StaleAllow> staleCached = new ArrayList<>();
  private final List<PropagationLag> lags = new ArrayList<>();
  /** Revocations applied so far with their publication time, for the propagation bound. */
  private final List<TimedRevocation> revocations = new ArrayList<>();

  private record TimedRevocation(Instant at, Revocation revocation) {}

  /** When each grant was first recorded (its verifiedAt moves with every later pull of it). */
  private final Map<Grant, Instant> firstRecorded = new HashMap<>();
  private final Map<String, Long> notes = new TreeMap<>();
  /** Grant ids by grant: a SHA-256 per decision would cost more than the decision. */
  private final Map<Grant, String> grantIds = new HashMap<>();
  private Map<String, String> decisionVerdicts = Map.of();

  public Replayer(AuditQuery query, String topicPrefix) {
    this.query = query;
    this.topicPrefix = topicPrefix;
  }

  /** What the replay keeps per start request. */
  private static final class Start {
    final ContainerStartRequested request;
    final List<StartVerdictIssued> verdicts = new ArrayList<>(1);
    final List<ContainerStartObserved> outcomes = new ArrayList<>(1);
    VerdictFields recomputed;
    Verdict recomputedVerdict;
    Grant relied;

    Start(ContainerStartRequested request) {
      this.request = request;
    }
  }

  /**
   * Replays {@code entries} (sorted here) and builds the report.
   *
   * @param eventsRead events read from the topics, for the report's {@code events}
   */
  public AuditReport replay(List<LogEntry> entries, long eventsRead) {
    entries.sort(null);
    decisionVerdicts = decisionVerdicts(entries);
    for (LogEntry entry : entries) {
      SpecificRecord event = entry.event();
      if (event instanceof ImagePulled pulled) {
        pull(pulled);
      } else if (event instanceof CredentialRevoked revoked) {
        if (revocationIds.add(revoked.getEventId())) {
          Revocation revocation = LogEventMapper.revocation(revoked);
          state.revoke(revocation);
          revocations.add(new TimedRevocation(revoked.getOccurredAt(), revocation));
        }
      } else if (event instanceof ContainerStartRequested request) {
        if (starts.putIfAbsent(request.getEventId(), new Start(request)) != null) {
          note("duplicateRequests");
        }
      } else if (event instanceof StartVerdictIssued verdict) {
        verdict(verdict);
      } else if (event instanceof ContainerStartObserved observed) {
        observed(observed);
      }
    }
    return report(eventsRead);
  }

  /** requestId → event id of the verdict at which the request is decided. */
  private static Map<String, String> decisionVerdicts(List<LogEntry> entries) {
    Map<String, String> chosen = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (LogEntry entry : entries) {
      if (entry.event() instanceof StartVerdictIssued verdict) {
        counts.merge(verdict.getRequestId(), 1, Integer::sum);
      }
    }
    Set<String> serviceIssued = new HashSet<>();
    for (LogEntry entry : entries) {
      if (entry.event() instanceof StartVerdictIssued verdict) {
        String requestId = verdict.getRequestId();
        if (counts.get(requestId) == 1) {
          // The only verdict is the decision point whoever issued it: no need to derive the id.
          chosen.put(requestId, verdict.getEventId());
          continue;
        }
        boolean derived = verdict.getEventId().equals(VerdictEvents.eventId(requestId));
        if (!chosen.containsKey(requestId) || derived && serviceIssued.add(requestId)) {
          chosen.put(requestId, verdict.getEventId());
          if (derived) {
            serviceIssued.add(requestId);
          }
        }
      }
    }
    return chosen;
  }

  private void pull(ImagePulled pulled) {
    Grant grant;
    try {
      grant = LogEventMapper.grant(pulled);
    } catch (IllegalArgumentException e) {
      note("pullsSkipped");
      return;
    }
    state.recordNodePull(LogEventMapper.nodeKey(pulled.getNode()), grant.name());
    state.recordGrant(grant);
    firstRecorded.putIfAbsent(timeless(grant), grant.verifiedAt());
  }

  /** The grant without its verification time: what stays the same across its pulls. */
  private static Grant timeless(Grant grant) {
    return new Grant(grant.imageRef(), grant.name(), grant.kind(), grant.subject(), grant.credentialHash(), Instant.EPOCH,
        grant.cluster());
  }

  private void verdict(StartVerdictIssued verdict) {
    Start start = starts.get(verdict.getRequestId());
    if (start == null) {
      note("verdictsWithoutRequest");
      return;
    }
    start.verdicts.add(verdict);
    if (start.recomputed == null && verdict.getEventId().equals(decisionVerdicts.get(verdict.getRequestId()))) {
      decide(start, verdict.getOccurredAt(), true);
    }
  }

  private void observed(ContainerStartObserved observed) {
    String requestId = observed.getRequestId();
    if (requestId == null) {
      unaskedStarts.add(observed);
      return;
    }
    Start start = starts.get(requestId);
    if (start == null) {
      note("outcomesWithoutRequest");
      return;
    }
    start.outcomes.add(observed);
    if (observed.getDecisionSource() == DecisionSource.CACHED_VERDICT && observed.getOutcome() == StartOutcome.STARTED
        && reported(observed.getOccurredAt().toEpochMilli(), start.request)) {
      // The agent reused an ALLOW: would the decision code still give it now?
      Decision now = decision(start.request, observed.getOccurredAt(), false);
      if (now != null && staleReason(now.verdict.reason())) {
        VerdictFields recorded = new VerdictFields(String.valueOf(observed.getVerdict()), String.valueOf(observed.getReason()), null);
        Long lag = revocationLag(now.verdict, observed.getOccurredAt());
        if (lag != null) {
          lags.add(new PropagationLag(Times.format(observed.getOccurredAt()), "ALLOW_BEFORE_REVOCATION_ARRIVED", requestId,
              observed.getEventId(), ref(observed), recorded, fields(now.verdict), lag));
        } else {
          staleCached.add(new StaleAllow(Times.format(observed.getOccurredAt()), DecisionSource.CACHED_VERDICT.name(),
              requestId, observed.getEventId(), ref(observed), recorded, fields(now.verdict)));
        }
      }
    }
  }

  private record Decision(Verdict verdict) {}

  private void decide(Start start, Instant now, boolean applyUpdate) {
    Decision decision = decision(start.request, now, applyUpdate);
    if (decision == null) {
      start.recomputed = new VerdictFields(null, "invalid request: the decision service dead-letters it", null);
      return;
    }
    start.recomputed = fields(decision.verdict);
    start.recomputedVerdict = decision.verdict;
    start.relied = decision.verdict.grant();
  }

  private Decision decision(ContainerStartRequested request, Instant now, boolean applyUpdate) {
    StartRequest startRequest;
    try {
      startRequest = RequestMapper.toStartRequest(request, now);
    } catch (IllegalArgumentException | NullPointerException e) {
      return null;
    }
    Verdict verdict = query.policy().forCluster(request.getNode().getCluster())
        .decide(view.with(request.getIntentPending()), startRequest);
    if (applyUpdate && verdict.update() != null) {
      // As the decision service does: the pod's secret lives in the requesting node's cluster.
      Grant derived = verdict.update().grant().inCluster(LogEventMapper.clusterOf(request.getNode()));
      state.recordGrant(derived);
      firstRecorded.putIfAbsent(timeless(derived), now);
    }
    return new Decision(verdict);
  }

  /**
   * Milliseconds from the publication of the latest revocation (at or before {@code at}) that
   * withdrew the grant of a REVOKED recomputation, when that is within the propagation bound;
   * otherwise {@code null}.
   */
  private Long revocationLag(Verdict recomputed, Instant at) {
    if (recomputed.reason() != Reason.REVOKED || recomputed.grant() == null) {
      return null;
    }
    for (int i = revocations.size() - 1; i >= 0; i--) {
      TimedRevocation r = revocations.get(i);
      if (!r.at().isAfter(at) && r.revocation().covers(recomputed.grant())) {
        return withinPropagation(r.at(), at);
      }
    }
    return null;
  }

  /** {@code at - since} in milliseconds when it is within the propagation bound, else {@code null}. */
  private Long withinPropagation(Instant since, Instant at) {
    java.time.Duration lag = java.time.Duration.between(since, at);
    return !lag.isNegative() && lag.compareTo(query.propagation()) < 0 ? lag.toMillis() : null;
  }

  private static boolean staleReason(Reason reason) {
    return reason == Reason.REVOKED || reason == Reason.GRANT_EXPIRED;
  }

  private VerdictFields fields(Verdict verdict) {
    String grantId = verdict.grant() == null ? null
        : grantIds.computeIfAbsent(verdict.grant(), g -> VerdictEvents.grantId(verdict));
    return new VerdictFields(VerdictEvents.verdict(verdict).name(), VerdictEvents.reason(verdict).name(), grantId);
  }

  private static VerdictFields fields(StartVerdictIssued verdict) {
    return new VerdictFields(verdict.getVerdict().name(), verdict.getReason().name(), verdict.getGrantId());
  }

  private boolean reported(long millis, ContainerStartRequested request) {
    return query.inWindow(millis)
        && query.matches(request.getNode().getCluster(), request.getPod().getNamespace(), request.getName());
  }

  private boolean reported(ContainerStartObserved observed) {
    return query.inWindow(observed.getOccurredAt().toEpochMilli())
        && query.matches(observed.getNode().getCluster(), observed.getPod().getNamespace(), observed.getName());
  }

  private AuditReport report(long eventsRead) {
    List<Divergence> divergences = new ArrayList<>();
    List<Bypass> bypasses = new ArrayList<>();
    List<StaleAllow> stale = new ArrayList<>(staleCached);
    List<Fallback> fallbacks = new ArrayList<>();
    List<StartEntry> entries = new ArrayList<>();
    long replayed = 0;
    List<Start> ordered = new ArrayList<>(starts.values());
    ordered.sort(Comparator.comparing((Start s) -> s.request.getOccurredAt()).thenComparing(s -> s.request.getEventId()));
    for (Start start : ordered) {
      ContainerStartRequested request = start.request;
      boolean requestReported = reported(request.getOccurredAt().toEpochMilli(), request);
      if (start.recomputed == null) {
        decide(start, request.getOccurredAt(), false);
      }
      if (requestReported) {
        replayed++;
        compareVerdicts(start, divergences, stale);
        if (start.verdicts.isEmpty()) {
          note("requestsWithoutVerdict");
        }
      }
      StartVerdictIssued recorded = recordedVerdict(start);
      for (ContainerStartObserved observed : start.outcomes) {
        if (!reported(observed)) {
          continue;
        }
        String why = contrary(observed, start);
        if (why != null) {
          bypasses.add(bypass(observed, why));
        }
        if (observed.getDecisionSource() == DecisionSource.REGISTRY_FALLBACK) {
          fallbacks.add(new Fallback(Times.format(observed.getOccurredAt()), observed.getEventId(), observed.getRequestId(),
              ref(observed), observed.getOutcome().name(), observed.getRegistryStatus()));
        }
        entries.add(new StartEntry(Times.format(observed.getOccurredAt()), request.getEventId(), observed.getEventId(),
            ref(observed), credential(observed, start), recorded == null ? null : fields(recorded),
            observed.getOutcome().name(), observed.getDecisionSource().name(), why == null ? null : "bypass: " + why));
      }
      if (requestReported && start.outcomes.isEmpty()) {
        entries.add(new StartEntry(Times.format(request.getOccurredAt()), request.getEventId(), null, ref(request),
            credential(null, start), recorded == null ? null : fields(recorded), null, null, null));
      }
    }
    for (ContainerStartObserved observed : unaskedStarts) {
      if (!reported(observed)) {
        continue;
      }
      String why = observed.getOutcome() != StartOutcome.STARTED ? null
          : observed.getDecisionSource() == DecisionSource.NONE ? "started without asking for a verdict"
          : "started claiming " + observed.getDecisionSource() + " without a start request";
      if (why != null) {
        bypasses.add(bypass(observed, why));
      }
      entries.add(new StartEntry(Times.format(observed.getOccurredAt()), null, observed.getEventId(), ref(observed),
          credential(observed, null), null, observed.getOutcome().name(), observed.getDecisionSource().name(),
          why == null ? null : "bypass: " + why));
    }
    divergences.sort(Comparator.comparing(Divergence::at).thenComparing(Divergence::verdictEventId));
    bypasses.sort(Comparator.comparing(Bypass::at).thenComparing(Bypass::outcomeEventId));
    stale.sort(Comparator.comparing(StaleAllow::at).thenComparing(StaleAllow::eventId));
    fallbacks.sort(Comparator.comparing(Fallback::at).thenComparing(Fallback::outcomeEventId));
    Comparator<StartEntry> byTime = Comparator.comparing(StartEntry::at)
        .thenComparing(e -> e.outcomeEventId() == null ? "" : e.outcomeEventId())
        .thenComparing(e -> e.requestId() == null ? "" : e.requestId());
    entries.sort(byTime);
    Map<String, List<StartEntry>> byImage = new TreeMap<>();
    Map<String, List<StartEntry>> byTenant = new TreeMap<>();
    for (StartEntry entry : entries) {
      byImage.computeIfAbsent(entry.start().image(), k -> new ArrayList<>()).add(entry);
      byTenant.computeIfAbsent(entry.start().namespace(), k -> new ArrayList<>()).add(entry);
    }
    AuditScope scope = new AuditScope(Times.format(query.from()), Times.format(query.to()), query.cluster(), query.namespace(),
        query.image(), topicPrefix, query.policyName());
    lags.sort(Comparator.comparing(PropagationLag::at).thenComparing(PropagationLag::eventId));
    return new AuditReport(scope, eventsRead, replayed, divergences, bypasses, stale, fallbacks, lags, byImage, byTenant,
        new TreeMap<>(notes));
  }

  private void compareVerdicts(Start start, List<Divergence> divergences, List<StaleAllow> stale) {
    boolean anyMatches = false;
    for (StartVerdictIssued verdict : start.verdicts) {
      anyMatches |= fields(verdict).sameAs(start.recomputed);
    }
    for (StartVerdictIssued verdict : start.verdicts) {
      VerdictFields recorded = fields(verdict);
      if (recorded.sameAs(start.recomputed)) {
        continue;
      }
      StartRef ref = ref(start.request);
      boolean staleAllow = "ALLOW".equals(recorded.verdict()) && start.recomputed.verdict() != null
          && staleReason(Reason.valueOf(start.recomputed.reason())) && !anyMatches;
      boolean byService = verdict.getEventId().equals(VerdictEvents.eventId(verdict.getRequestId()));
      Long lag = null;
      String kind = null;
      if (staleAllow && start.recomputedVerdict != null) {
        lag = revocationLag(start.recomputedVerdict, verdict.getOccurredAt());
        kind = "ALLOW_BEFORE_REVOCATION_ARRIVED";
      } else if (byService && "REPULL".equals(recorded.verdict()) && "ALLOW".equals(start.recomputed.verdict())
          && start.relied != null) {
        // The service had not yet applied the pull the replay orders before its decision.
        lag = withinPropagation(firstRecorded.getOrDefault(timeless(start.relied), start.relied.verifiedAt()),
            verdict.getOccurredAt());
        kind = "REPULL_BEFORE_PULL_ARRIVED";
      } else if (byService && "ALLOW".equals(recorded.verdict()) && "ALLOW".equals(start.recomputed.verdict())
          && start.relied != null) {
        // Both ALLOW, on different grants: the replay's grant was verified (first, or again, which
        // decides between grants of one rank) so shortly before that the service had not seen it.
        lag = withinPropagation(start.relied.verifiedAt(), verdict.getOccurredAt());
        kind = "ALLOW_ON_OTHER_GRANT_BEFORE_PULL_ARRIVED";
      }
      if (lag != null) {
        lags.add(new PropagationLag(Times.format(verdict.getOccurredAt()), kind, verdict.getRequestId(),
            verdict.getEventId(), ref, recorded, start.recomputed, lag));
      } else if (staleAllow) {
        stale.add(new StaleAllow(Times.format(verdict.getOccurredAt()), DecisionSource.VERDICT.name(),
            verdict.getRequestId(), verdict.getEventId(), ref, recorded, start.recomputed));
      } else {
        divergences.add(new Divergence(Times.format(verdict.getOccurredAt()), verdict.getRequestId(), verdict.getEventId(),
            ref, recorded, start.recomputed, byService));
      }
    }
  }

  /** The verdict the request was decided at: the service's (else the earliest), or {@code null}. */
  private StartVerdictIssued recordedVerdict(Start start) {
    String chosen = decisionVerdicts.get(start.request.getEventId());
    for (StartVerdictIssued verdict : start.verdicts) {
      if (verdict.getEventId().equals(chosen)) {
        return verdict;
      }
    }
    return null;
  }

  /**
   * Why a start that names its request ran contrary to the verdicts recorded for it, or
   * {@code null} when it did not (only {@code STARTED} outcomes can be contrary).
   */
  private static String contrary(ContainerStartObserved observed, Start start) {
    if (observed.getOutcome() != StartOutcome.STARTED) {
      return null;
    }
    boolean allowed = false;
    boolean dryRun = false;
    for (StartVerdictIssued verdict : start.verdicts) {
      allowed |= verdict.getVerdict() == io.pullproof.events.Verdict.ALLOW;
      dryRun |= verdict.getDryRun();
    }
    Integer status = observed.getRegistryStatus();
    boolean verified = status != null && status >= 200 && status < 300;
    return switch (observed.getDecisionSource()) {
      case VERDICT, CACHED_VERDICT -> allowed ? null
          : start.verdicts.isEmpty() ? "started on " + observed.getDecisionSource() + " but no verdict was issued"
          : "started on " + observed.getDecisionSource() + " but every verdict for the request is REPULL";
      case DRY_RUN -> dryRun ? null : "started as DRY_RUN but no verdict for the request is a dry-run verdict";
      case REGISTRY_VERIFICATION, REGISTRY_FALLBACK -> verified ? null
          : "started after " + observed.getDecisionSource() + " without a successful registry verification (status "
              + status + ")";
      case NONE -> "started without enforcing any decision";
    };
  }

  private static Bypass bypass(ContainerStartObserved observed, String why) {
    return new Bypass(Times.format(observed.getOccurredAt()), observed.getEventId(), observed.getRequestId(), ref(observed),
        observed.getDecisionSource().name(), why);
  }

  private static StartRef ref(ContainerStartRequested r) {
    return new StartRef(r.getNode().getCluster(), r.getNode().getNode(), r.getPod().getNamespace(), r.getPod().getName(),
        r.getContainer(), r.getName(), r.getImageRef());
  }

  private static StartRef ref(ContainerStartObserved o) {
    return new StartRef(o.getNode().getCluster(), o.getNode().getNode(), o.getPod().getNamespace(), o.getPod().getName(),
        o.getContainer(), o.getName(), o.getImageRef());
  }

  /** The credential that let the start run, most specific first (see {@link StartEntry#credential}). */
  private static String credential(ContainerStartObserved observed, Start start) {
    if (observed != null && observed.getCredential() != null) {
      return describe(observed.getCredential());
    }
    if (start != null && start.relied != null && start.recomputed != null && "ALLOW".equals(start.recomputed.verdict())) {
      return describe(start.relied);
    }
    if (start == null) {
      return "none";
    }
    ContainerStartRequested request = start.request;
    if (!request.getSecrets().isEmpty()) {
      return "offered " + describe(request.getSecrets().get(0));
    }
    if (request.getServiceAccount() != null) {
      return "offered serviceAccount " + request.getServiceAccount().getNamespace() + "/"
          + request.getServiceAccount().getName();
    }
    return request.getNodeCredentialHash() != null ? "offered nodeCredential " + request.getNodeCredentialHash() : "none";
  }

  private static String describe(Grant grant) {
    return switch (grant.kind()) {
      case SECRET -> "secret " + grant.subject().namespace() + "/" + grant.subject().name() + " " + grant.credentialHash();
      case SERVICE_ACCOUNT -> "serviceAccount " + grant.subject().namespace() + "/" + grant.subject().name();
      case NODE_CREDENTIAL -> "nodeCredential " + grant.credentialHash();
      case ANONYMOUS -> "anonymous";
    };
  }

  private static String describe(CredentialIdentity credential) {
    return switch (credential.getKind()) {
      case SECRET -> "secret " + (credential.getSecret() == null ? "?"
          : credential.getSecret().getNamespace() + "/" + credential.getSecret().getName()) + " " + credential.getHash();
      case SERVICE_ACCOUNT -> "serviceAccount " + (credential.getServiceAccount() == null ? "?"
          : credential.getServiceAccount().getNamespace() + "/" + credential.getServiceAccount().getName());
      case NODE_CREDENTIAL -> "nodeCredential " + credential.getHash();
      case ANONYMOUS -> "anonymous";
    };
  }

  private void note(String what) {
    notes.merge(what, 1L, Long::sum);
  }
}
