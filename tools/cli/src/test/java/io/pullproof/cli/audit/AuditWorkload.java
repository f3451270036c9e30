package io.pullproof.cli.audit;

import io.pullproof.decision.GrantId;
import io.pullproof.decision.events.LogEventMapper;
import io.pullproof.decision.events.VerdictEvents;
import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.RevocationScope;
import io.pullproof.events.StartOutcome;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.events.Verdict;
import io.pullproof.events.VerdictReason;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.testkit.Events;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A small fleet's log, written as the agents and the decision service would write it (verdicts
 * carry the service's derived event id), with findings injected on purpose: the audit IT's
 * ground truth. Verdicts are spelled out per scenario from DESIGN.md §3, not computed with the
 * decision code, so the replay is checked against an independent expectation.
 *
 * <p>Scenarios per start, round robin over tenants (each tenant owns one private image pulled
 * with its secret on node {@code n-<tenant>} of cluster {@code c1}):
 * <ol>
 *   <li>the tenant's pod on the pulling node: ALLOW {@code SECRET_HASH_MATCH} on the tenant's grant, started;
 *   <li>another tenant's pod on that node (its own secret does not match): REPULL
 *       {@code NO_MATCHING_CREDENTIAL}, registry says 401, blocked;
 *   <li>the tenant's pod on a node of {@code c2} that never pulled the image: ALLOW {@code PRELOADED}, started.
 * </ol>
 */
final class AuditWorkload {
  /**
   * Recent, not a fixed date: the records carry their events' times as Kafka timestamps, and the
   * verdicts topic keeps 24 h (TopicLayout.VERDICT_RETENTION_MS), so a fixed T0 made the broker
   * delete verdicts mid-test once it was a day old (reads of one log shrank from 190 to 128 records).
   */
  static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(30));
  static final int TENANTS = 4;

  final List<SpecificRecord> events = new ArrayList<>();
  /** Event ids of the injected findings, for exact assertions. */
  final List<String> bypassOutcomeIds = new ArrayList<>();
  final List<String> tamperVerdictIds = new ArrayList<>();
  final List<String> staleAllowVerdictIds = new ArrayList<>();
  final List<ContainerStartRequested> allowedRequests = new ArrayList<>();
  final List<ContainerStartRequested> repulledRequests = new ArrayList<>();
  int starts;

  static String tenant(int t) {
    return "tenant-" + t;
  }

  static String image(int t) {
    return "registry.example/" + tenant(t) + "/app";
  }

  static String digest(int t) {
    return Events.digest(image(t) + ":1");
  }

  static String hash(int t) {
    return "hmac-sha256:k1:" + String.format("%064x", 1000 + t);
  }

  static String secretUid(int t) {
    return "secret-uid-" + t;
  }

  private static String grantId(ImagePulled pull) {
    return GrantId.of(LogEventMapper.grant(pull));
  }

  /** The pulls every start below relies on, one minute before {@link #T0}. */
  AuditWorkload pulls() {
    for (int t = 0; t < TENANTS; t++) {
      events.add(pull(t, T0.minusSeconds(60 - t)));
    }
    return this;
  }

  private static ImagePulled pull(int t, Instant at) {
    return Events.imagePulled().at(at).node("c1", "n-" + t).pod(tenant(t), "puller", "puller-" + t)
        .image(image(t) + ":1", image(t), digest(t)).secret(tenant(t), "pull", secretUid(t), hash(t)).build();
  }

  /** {@code count} legitimate starts from {@link #T0} on, one every 200 ms. */
  AuditWorkload starts(int count) {
    for (int i = 0; i < count; i++) {
      int t = i % TENANTS;
      Instant at = T0.plusMillis(200L * i);
      String pod = "pod-" + i;
      switch ((i / TENANTS) % 3) {
        case 0 -> {
          ContainerStartRequested request = request(t, t, "c1", "n-" + t, pod, at);
          answer(request, Verdict.ALLOW, VerdictReason.SECRET_HASH_MATCH, grantId(pull(t, at)));
          observe(request, StartOutcome.STARTED, DecisionSource.VERDICT, null);
          allowedRequests.add(request);
        }
        case 1 -> {
          int other = (t + 1) % TENANTS;
          ContainerStartRequested request = request(t, other, "c1", "n-" + t, pod, at);
          answer(request, Verdict.REPULL, VerdictReason.NO_MATCHING_CREDENTIAL, null);
          observe(request, StartOutcome.BLOCKED_ERR_IMAGE_PULL, DecisionSource.REGISTRY_VERIFICATION, 401);
          repulledRequests.add(request);
        }
        default -> {
          ContainerStartRequested request = request(t, t, "c2", "fresh-" + t, pod, at);
          answer(request, Verdict.ALLOW, VerdictReason.PRELOADED, null);
          observe(request, StartOutcome.STARTED, DecisionSource.VERDICT, null);
        }
      }
      starts++;
    }
    // The agent's own record of a refused Never-pull start (no request): not a bypass.
    events.add(Events.startObserved().at(T0.plusMillis(150)).node("c1", "n-0").pod(tenant(1), "never", "never-uid")
        .image(image(0) + ":1", image(0), null).outcome(StartOutcome.BLOCKED_ERR_IMAGE_NEVER_PULL, DecisionSource.NONE)
        .build());
    return this;
  }

  /** {@code count} starts with no verdict: a pod of the next tenant runs tenant 0's image without asking. */
  AuditWorkload bypasses(int count) {
    for (int i = 0; i < count; i++) {
      ContainerStartObserved bypass = Events.startObserved().at(T0.plusMillis(333L + 1000L * i)).node("c1", "n-0")
          .pod(tenant(1), "thief-" + i, "thief-uid-" + i).image(image(0) + ":1", image(0), digest(0))
          .outcome(StartOutcome.STARTED, DecisionSource.NONE).build();
      bypass.setVerdict(null);
      bypass.setReason(null);
      events.add(bypass);
      bypassOutcomeIds.add(bypass.getEventId());
    }
    return this;
  }

  /**
   * {@code count} extra verdicts with the opposite outcome for requests that already have one,
   * alternating a REPULL over an ALLOW and a forged ALLOW over a REPULL.
   */
  AuditWorkload tampers(int count) {
    for (int i = 0; i < count; i++) {
      boolean overAllow = i % 2 == 0;
      ContainerStartRequested request = (overAllow ? allowedRequests : repulledRequests).get(i / 2);
      StartVerdictIssued forged = Events.verdictIssued().answering(request).at(request.getOccurredAt().plusMillis(4))
          .verdict(overAllow ? Verdict.REPULL : Verdict.ALLOW,
              overAllow ? VerdictReason.NO_MATCHING_CREDENTIAL : VerdictReason.SECRET_HASH_MATCH)
          .grantId(overAllow ? null : grantId(pull(0, T0))).build();
      events.add(forged);
      tamperVerdictIds.add(forged.getEventId());
    }
    return this;
  }

  /**
   * Tenant 0's secret is revoked after the starts; a later start is still ALLOWed on the revoked
   * grant (a decision service that missed the revocation) and started.
   */
  AuditWorkload revocationThenStaleAllow(Instant revokedAt) {
    events.add(Events.credentialRevoked().at(revokedAt).scope(RevocationScope.SECRET_UID, secretUid(0)).build());
    ContainerStartRequested request = request(0, 0, "c1", "n-0", "late-pod", revokedAt.plusSeconds(5));
    StartVerdictIssued stale = answer(request, Verdict.ALLOW, VerdictReason.SECRET_HASH_MATCH, grantId(pull(0, T0)));
    observe(request, StartOutcome.STARTED, DecisionSource.VERDICT, null);
    staleAllowVerdictIds.add(stale.getEventId());
    starts++;
    return this;
  }

  private ContainerStartRequested request(int imageOf, int secretOf, String cluster, String node, String pod, Instant at) {
    ContainerStartRequested request = Events.startRequested().at(at).node(cluster, node).pod(tenant(secretOf), pod, pod + "-uid")
        .image(image(imageOf) + ":1", image(imageOf), digest(imageOf))
        .secret(tenant(secretOf), "pull", secretUid(secretOf), hash(secretOf)).build();
    events.add(request);
    return request;
  }

  private StartVerdictIssued answer(ContainerStartRequested request, Verdict verdict, VerdictReason reason, String grantId) {
    StartVerdictIssued issued = Events.verdictIssued().answering(request).eventId(VerdictEvents.eventId(request.getEventId()))
        .at(request.getOccurredAt().plusMillis(2)).verdict(verdict, reason).grantId(grantId).build();
    events.add(issued);
    return issued;
  }

  private void observe(ContainerStartRequested request, StartOutcome outcome, DecisionSource source, Integer status) {
    var builder = Events.startObserved().of(request).at(request.getOccurredAt().plusMillis(6)).outcome(outcome, source);
    if (status != null) {
      builder.registry(status, "registry answered " + status);
    }
    ContainerStartObserved observed = builder.build();
    if (source != DecisionSource.VERDICT) {
      observed.setVerdict(Verdict.REPULL);
      observed.setReason(VerdictReason.NO_MATCHING_CREDENTIAL);
    }
    events.add(observed);
  }

  /** Creates the topics under {@code topics} and publishes every event where the system writes it, stamped with its time. */
  void publish(KafkaClientConfig kafka, TopicNames topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(admin).ensure(TopicLayout.singleBroker().specs(topics).values());
    }
    List<ProducerRecord<String, SpecificRecord>> pending = new ArrayList<>(events.size());
    for (SpecificRecord event : events) {
      pending.add(record(topics, event));
    }
    // One request in flight per connection: the topics were created just now, and a partition's
    // first request can fail NOT_LEADER_OR_FOLLOWER while the next one is appended; the idempotent
    // producer then retries the first into OUT_OF_ORDER_SEQUENCE_NUMBER until its 2-minute delivery
    // timeout (KAFKA-15591; AuditReplayIT took 145-274 s instead of 33 s in CI because of it).
    Map<String, Object> properties = new java.util.HashMap<>(kafka.producerProperties());
    properties.put("max.in.flight.requests.per.connection", "1");
    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(properties)) {
      // Should a send still fail, re-send what failed (with one request in flight a failed batch
      // was not written), and fail loudly if a record still cannot be written, since the report
      // counts every event.
      for (int attempt = 1; !pending.isEmpty(); attempt++) {
        List<Future<RecordMetadata>> sends = new ArrayList<>(pending.size());
        for (ProducerRecord<String, SpecificRecord> record : pending) {
          sends.add(producer.send(record));
        }
        producer.flush();
        List<ProducerRecord<String, SpecificRecord>> failed = new ArrayList<>();
        Exception last = null;
        for (int i = 0; i < sends.size(); i++) {
          try {
            sends.get(i).get();
          } catch (java.util.concurrent.ExecutionException e) {
            failed.add(pending.get(i));
            last = e;
          }
        }
        if (!failed.isEmpty() && attempt == 3) {
          throw new IllegalStateException(failed.size() + " events could not be published", last);
        }
        pending = failed;
      }
    }
  }

  private static ProducerRecord<String, SpecificRecord> record(TopicNames topics, SpecificRecord event) {
    String topic;
    String key;
    long at;
    if (event instanceof ImagePulled e) {
      topic = topics.pulls();
      key = e.getImageRef();
      at = e.getOccurredAt().toEpochMilli();
    } else if (event instanceof ContainerStartRequested e) {
      topic = topics.startRequests();
      key = e.getImageRef();
      at = e.getOccurredAt().toEpochMilli();
    } else if (event instanceof StartVerdictIssued e) {
      topic = topics.verdicts();
      key = e.getNode().getCluster() + "/" + e.getNode().getNode();
      at = e.getOccurredAt().toEpochMilli();
    } else if (event instanceof ContainerStartObserved e) {
      topic = topics.startOutcomes();
      key = e.getNode().getCluster() + "/" + e.getNode().getNode();
      at = e.getOccurredAt().toEpochMilli();
    } else {
      var e = (io.pullproof.events.CredentialRevoked) event;
      topic = topics.revocations();
      key = e.getValue();
      at = e.getOccurredAt().toEpochMilli();
    }
    return new ProducerRecord<>(topic, null, at, key, event);
  }
}
