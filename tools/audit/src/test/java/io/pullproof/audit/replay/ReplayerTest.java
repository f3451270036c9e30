package io.pullproof.audit.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.audit.AuditQuery;
import io.pullproof.audit.read.LogEntry;
import io.pullproof.audit.render.Format;
import io.pullproof.audit.report.AuditReport;
import io.pullproof.audit.report.PropagationLag;
import io.pullproof.decision.FleetPolicy;
import io.pullproof.decision.GrantId;
import io.pullproof.decision.events.LogEventMapper;
import io.pullproof.decision.events.VerdictEvents;
import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.RevocationScope;
import io.pullproof.events.StartOutcome;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.events.Verdict;
import io.pullproof.events.VerdictReason;
import io.pullproof.testkit.Events;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class ReplayerTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final String HASH = "hmac-sha256:k1:" + "ab".repeat(32);
  private static final AuditQuery WINDOW = new AuditQuery(T0, T0.plusSeconds(3600), Duration.ofMinutes(1), null, null,
      null, FleetPolicy.kubeletDefault(), "kubelet default");

  private final List<SpecificRecord> log = new ArrayList<>();
  private final ImagePulled pull = Events.imagePulled().at(T0.minusSeconds(60)).node("c1", "n1")
      .secret("team-a", "pull", "secret-uid-1", HASH).build();
  private final String grantId = GrantId.of(LogEventMapper.grant(pull));

  private ContainerStartRequested request(int second) {
    return Events.startRequested().at(T0.plusSeconds(second)).node("c1", "n1").pod("team-a", "app-" + second, "uid-" + second)
        .secret("team-a", "pull", "secret-uid-1", HASH).build();
  }

  /** The decision service's answer: derived event id, a few ms after the request. */
  private StartVerdictIssued serviceVerdict(ContainerStartRequested request, Verdict verdict, VerdictReason reason, String grant) {
    return Events.verdictIssued().answering(request).eventId(VerdictEvents.eventId(request.getEventId()))
        .at(request.getOccurredAt().plusMillis(2)).verdict(verdict, reason).grantId(grant).build();
  }

  private ContainerStartObserved started(ContainerStartRequested request, DecisionSource source) {
    return Events.startObserved().of(request).at(request.getOccurredAt().plusMillis(5))
        .outcome(StartOutcome.STARTED, source).build();
  }

  /** One allowed start, as the service and the agent record it. */
  private ContainerStartRequested allowedStart(int second) {
    ContainerStartRequested request = request(second);
    log.add(request);
    log.add(serviceVerdict(request, Verdict.ALLOW, VerdictReason.SECRET_HASH_MATCH, grantId));
    log.add(started(request, DecisionSource.VERDICT));
    return request;
  }

  private AuditReport replay() {
    return replay(log);
  }

  private static AuditReport replay(List<SpecificRecord> events) {
    return replayWith(events, WINDOW.propagation());
  }

  private static AuditReport replayWith(List<SpecificRecord> events, Duration propagation) {
    AuditQuery query = new AuditQuery(WINDOW.from(), WINDOW.to(), WINDOW.grace(), null, null, null, WINDOW.policy(),
        WINDOW.policyName(), propagation);
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      SpecificRecord event = events.get(i);
      int rank = event instanceof CredentialRevoked ? 0 : event instanceof ImagePulled ? 1
          : event instanceof ContainerStartRequested ? 2 : event instanceof StartVerdictIssued ? 3 : 4;
      entries.add(new LogEntry(occurredAt(event), rank, 0, i, event));
    }
    return new Replayer(query, "t.").replay(entries, entries.size());
  }

  private static long occurredAt(SpecificRecord event) {
    return ((Instant) event.get(event.getSchema().getField("occurredAt").pos())).toEpochMilli();
  }

  @Test
  void consistentLogHasNoFinding() {
    log.add(pull);
    allowedStart(1);
    allowedStart(2);

    AuditReport report = replay();

    assertThat(report.startsReplayed()).isEqualTo(2);
    assertThat(report.divergences()).isEmpty();
    assertThat(report.bypasses()).isEmpty();
    assertThat(report.revokedOrExpiredAllows()).isEmpty();
    assertThat(report.timelinesByImage().get("registry.example/team-a/app")).hasSize(2)
        .allSatisfy(e -> assertThat(e.credential()).isEqualTo("secret team-a/pull " + HASH));
  }

  @Test
  void timelinesAreInTimeOrderWhateverTheFraction() {
    log.add(pull);
    allowedStart(1);
    ContainerStartRequested early = request(1);
    early.setOccurredAt(T0.plusMillis(1004));
    log.add(early);

    AuditReport report = replay();

    assertThat(report.timelinesByImage().get("registry.example/team-a/app")).extracting(e -> e.at())
        .containsExactly("2026-11-22T10:00:01.004Z", "2026-11-22T10:00:01.005Z");
  }

  @Test
  void extraOppositeVerdictIsOneDivergenceAndTheServiceVerdictStillMatches() {
    log.add(pull);
    ContainerStartRequested request = allowedStart(1);
    StartVerdictIssued forged = Events.verdictIssued().answering(request).at(request.getOccurredAt().plusMillis(3))
        .verdict(Verdict.REPULL, VerdictReason.NO_MATCHING_CREDENTIAL).build();
    log.add(forged);

    AuditReport report = replay();

    assertThat(report.divergences()).singleElement().satisfies(d -> {
      assertThat(d.verdictEventId()).isEqualTo(forged.getEventId());
      assertThat(d.issuedByService()).isFalse();
      assertThat(d.recorded().verdict()).isEqualTo("REPULL");
      assertThat(d.recomputed().verdict()).isEqualTo("ALLOW");
      assertThat(d.recomputed().grantId()).isEqualTo(grantId);
    });
    assertThat(report.bypasses()).isEmpty();
    assertThat(report.revokedOrExpiredAllows()).isEmpty();
  }

  @Test
  void forgedAllowOnARevokedGrantIsADivergenceWhenTheServiceAnsweredRevoked() {
    log.add(pull);
    log.add(Events.credentialRevoked().at(T0).scope(RevocationScope.SECRET_UID, "secret-uid-1").build());
    ContainerStartRequested request = request(1);
    log.add(request);
    log.add(serviceVerdict(request, Verdict.REPULL, VerdictReason.REVOKED, grantId));
    log.add(Events.verdictIssued().answering(request).at(request.getOccurredAt().plusMillis(1))
        .verdict(Verdict.ALLOW, VerdictReason.SECRET_HASH_MATCH).grantId(grantId).build());

    AuditReport report = replay();

    assertThat(report.divergences()).hasSize(1);
    assertThat(report.revokedOrExpiredAllows()).isEmpty();
  }

  @Test
  void staleAllowAfterARevocationIsCaught() {
    log.add(pull);
    allowedStart(1);
    log.add(Events.credentialRevoked().at(T0.plusSeconds(10)).scope(RevocationScope.SECRET_UID, "secret-uid-1").build());
    ContainerStartRequested stale = allowedStart(20);

    AuditReport report = replay();

    assertThat(report.revokedOrExpiredAllows()).singleElement().satisfies(a -> {
      assertThat(a.requestId()).isEqualTo(stale.getEventId());
      assertThat(a.via()).isEqualTo("VERDICT");
      assertThat(a.recomputed().reason()).isEqualTo("REVOKED");
      assertThat(a.recomputed().grantId()).isEqualTo(grantId);
    });
    assertThat(report.divergences()).isEmpty();
  }

  @Test
  void cachedAllowUsedAfterTheRevocationIsCaught() {
    log.add(pull);
    ContainerStartRequested request = allowedStart(1);
    log.add(Events.credentialRevoked().at(T0.plusSeconds(10)).scope(RevocationScope.SECRET_UID, "secret-uid-1").build());
    ContainerStartObserved cached = Events.startObserved().of(request).at(T0.plusSeconds(11))
        .outcome(StartOutcome.STARTED, DecisionSource.CACHED_VERDICT).build();
    log.add(cached);

    AuditReport report = replay();

    assertThat(report.revokedOrExpiredAllows()).singleElement().satisfies(a -> {
      assertThat(a.via()).isEqualTo("CACHED_VERDICT");
      assertThat(a.eventId()).isEqualTo(cached.getEventId());
    });
    assertThat(report.bypasses()).isEmpty();
  }

  @Test
  void aCachedAllowInTheMomentsBeforeTheRevocationArrivedIsListedNotAFinding() {
    log.add(pull);
    ContainerStartRequested request = allowedStart(1);
    log.add(Events.credentialRevoked().at(T0.plusSeconds(10)).scope(RevocationScope.SECRET_UID, "secret-uid-1").build());
    ContainerStartObserved inFlight = Events.startObserved().of(request).at(T0.plusSeconds(10).plusMillis(150))
        .outcome(StartOutcome.STARTED, DecisionSource.CACHED_VERDICT).build();
    log.add(inFlight);

    AuditReport report = replay();

    assertThat(report.revokedOrExpiredAllows()).isEmpty();
    assertThat(onlyLag(report, "ALLOW_BEFORE_REVOCATION_ARRIVED", inFlight.getEventId(), 150).recomputed().reason())
        .isEqualTo("REVOKED");
    // With no propagation allowed, the same ALLOW is a finding.
    assertThat(replayWith(log, Duration.ZERO).revokedOrExpiredAllows()).singleElement()
        .satisfies(a -> assertThat(a.eventId()).isEqualTo(inFlight.getEventId()));
  }

  @Test
  void aServiceAllowOnAnotherGrantJustBeforeAVerificationArrivedIsListedNotADivergence() {
    // The service relied on a grant it already had, 40 ms after the replay's grant was verified.
    StartVerdictIssued allow = serviceVerdictRightAfterAFreshPull()
        .verdict(Verdict.ALLOW, VerdictReason.SECRET_HASH_MATCH).grantId("g-a-grant-the-service-had").build();
    log.add(allow);

    AuditReport report = replay();

    assertThat(report.divergences()).isEmpty();
    onlyLag(report, "ALLOW_ON_OTHER_GRANT_BEFORE_PULL_ARRIVED", allow.getEventId(), 40);
    // Past the bound, the same ALLOW is a divergence.
    assertThat(replayWith(log, Duration.ofMillis(10)).divergences()).singleElement()
        .satisfies(d -> assertThat(d.verdictEventId()).isEqualTo(allow.getEventId()));
  }

  /** The report's one propagation lag, of {@code kind}, for {@code eventId}, {@code lagMillis} long. */
  private static PropagationLag onlyLag(AuditReport report, String kind, String eventId, long lagMillis) {
    assertThat(report.withinPropagation()).hasSize(1);
    PropagationLag lag = report.withinPropagation().get(0);
    assertThat(lag.kind()).isEqualTo(kind);
    assertThat(lag.eventId()).isEqualTo(eventId);
    assertThat(lag.lagMillis()).isEqualTo(lagMillis);
    return lag;
  }

  /**
   * Logs the first pull of a credential on n2 and a start request with it at T0 + 30 s; returns
   * the service's verdict for that request 40 ms later, its outcome still to be set.
   */
  private Events.VerdictBuilder serviceVerdictRightAfterAFreshPull() {
    log.add(Events.imagePulled().at(T0.plusSeconds(30)).node("c1", "n2").secret("team-a", "pull", "secret-uid-1", HASH).build());
    ContainerStartRequested request = Events.startRequested().at(T0.plusSeconds(30)).node("c1", "n2")
        .pod("team-a", "app-30", "uid-30").secret("team-a", "pull", "secret-uid-1", HASH).build();
    log.add(request);
    return Events.verdictIssued().answering(request).eventId(VerdictEvents.eventId(request.getEventId()))
        .at(T0.plusSeconds(30).plusMillis(40));
  }

  @Test
  void aServiceRepullJustBeforeThePullArrivedIsListedButAnOldGrantMissedIsADivergence() {
    // 40 ms after the first pull with this credential: the service had not applied it yet.
    StartVerdictIssued earlyRepull = serviceVerdictRightAfterAFreshPull()
        .verdict(Verdict.REPULL, VerdictReason.NO_MATCHING_CREDENTIAL).build();
    log.add(earlyRepull);

    AuditReport report = replay();

    assertThat(report.divergences()).isEmpty();
    assertThat(report.withinPropagation()).singleElement().satisfies(lag -> {
      assertThat(lag.kind()).isEqualTo("REPULL_BEFORE_PULL_ARRIVED");
      assertThat(lag.eventId()).isEqualTo(earlyRepull.getEventId());
    });
    // Past the bound, the same REPULL is a divergence.
    assertThat(replayWith(log, Duration.ofMillis(10)).divergences()).singleElement()
        .satisfies(d -> assertThat(d.verdictEventId()).isEqualTo(earlyRepull.getEventId()));
    // And a grant first recorded long before (a re-pull only refreshed it) was no news to the service.
    List<SpecificRecord> withOldGrant = new ArrayList<>(log);
    withOldGrant.add(0, pull);
    assertThat(replayWith(withOldGrant, WINDOW.propagation()).divergences()).singleElement()
        .satisfies(d -> assertThat(d.verdictEventId()).isEqualTo(earlyRepull.getEventId()));
  }

  @Test
  void startsWithoutOrAgainstAVerdictAreBypassesAndRefusedStartsAreNot() {
    log.add(pull);
    log.add(Events.startObserved().at(T0.plusSeconds(1)).outcome(StartOutcome.STARTED, DecisionSource.NONE).build());
    // The agent's own record of a refused Never-pull start: no request, no verdict, not a start.
    log.add(Events.startObserved().at(T0.plusSeconds(2)).outcome(StartOutcome.BLOCKED_ERR_IMAGE_NEVER_PULL, DecisionSource.NONE)
        .build());
    ContainerStartRequested repulled = Events.startRequested().at(T0.plusSeconds(3)).node("c1", "n1")
        .pod("team-b", "thief", "uid-thief").build();
    log.add(repulled);
    log.add(serviceVerdict(repulled, Verdict.REPULL, VerdictReason.NO_MATCHING_CREDENTIAL, null));
    log.add(Events.startObserved().of(repulled).at(T0.plusSeconds(4)).outcome(StartOutcome.STARTED,
        DecisionSource.REGISTRY_VERIFICATION).registry(401, "unauthorized").build());
    ContainerStartRequested verified = Events.startRequested().at(T0.plusSeconds(5)).node("c1", "n1")
        .pod("team-b", "honest", "uid-honest").build();
    log.add(verified);
    log.add(serviceVerdict(verified, Verdict.REPULL, VerdictReason.NO_MATCHING_CREDENTIAL, null));
    log.add(Events.startObserved().of(verified).at(T0.plusSeconds(6)).outcome(StartOutcome.STARTED,
        DecisionSource.REGISTRY_VERIFICATION).registry(200, "ok").build());

    AuditReport report = replay();

    assertThat(report.bypasses()).extracting(b -> b.decisionSource())
        .containsExactly("NONE", "REGISTRY_VERIFICATION");
    assertThat(report.divergences()).isEmpty();
  }

  @Test
  void sameEventsInAnotherReadOrderGiveTheSameBytes() throws IOException {
    log.add(pull);
    for (int i = 1; i <= 20; i++) {
      allowedStart(i);
    }
    log.add(Events.startObserved().at(T0.plusSeconds(7)).outcome(StartOutcome.STARTED, DecisionSource.NONE).build());
    List<SpecificRecord> shuffled = new ArrayList<>(log);
    Collections.shuffle(shuffled, new Random(7));

    for (Format format : Format.values()) {
      assertThat(render(replay(shuffled), format)).as(format.name()).isEqualTo(render(replay(log), format));
    }
  }

  private static String render(AuditReport report, Format format) throws IOException {
    StringWriter out = new StringWriter();
    format.write(report, out);
    return out.toString();
  }
}
