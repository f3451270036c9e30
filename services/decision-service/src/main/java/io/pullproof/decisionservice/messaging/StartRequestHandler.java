package io.pullproof.decisionservice.messaging;

import io.pullproof.decision.DecisionState;
import io.pullproof.decision.FleetPolicy;
import io.pullproof.decision.StartRequest;
import io.pullproof.decision.VerdictPolicy;
import io.pullproof.decision.events.LogEventMapper;
import io.pullproof.decision.events.RequestMapper;
import io.pullproof.decision.events.VerdictEvents;
import io.pullproof.decisionservice.DecisionMetrics;
import io.pullproof.decisionservice.state.FleetState;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.kafka.BatchHandler;
import io.pullproof.kafka.BatchResult;
import io.pullproof.kafka.ClassifiedException;
import io.pullproof.kafka.ConsumedBatch;
import io.pullproof.kafka.ConsumedRecord;
import io.pullproof.kafka.DeadLetterReason;
import io.pullproof.kafka.FailureClass;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers each start request of a batch with exactly one verdict, on the reply slice the agent
 * named, correlated by {@code requestId}. All requests of a batch are decided under one
 * acquisition of the state lock (no I/O inside); the verdicts are then sent, and the batch's
 * offsets are committed only when the broker acknowledged every verdict, so a crash re-decides
 * rather than leaves a request unanswered. The consumer loop does not wait for those
 * acknowledgements before handing over the next batch ({@link BatchResult#sent}).
 *
 * <p>The verdict's event id is derived from the request id: a request decided twice (a crash
 * between publishing and committing) yields verdicts the agent and the ledger recognise as one.
 */
public final class StartRequestHandler implements BatchHandler<ContainerStartRequested> {
  private final FleetState state;
  private final FleetPolicy policy;
  private final VerdictPublisher publisher;
  private final boolean dryRun;
  private final String instanceId;
  private final Clock clock;
  private final DecisionMetrics metrics;

  public StartRequestHandler(FleetState state, FleetPolicy policy, VerdictPublisher publisher, boolean dryRun,
      String instanceId, Clock clock, DecisionMetrics metrics) {
    this.state = state;
    this.policy = policy;
    this.publisher = publisher;
    this.dryRun = dryRun;
    this.instanceId = instanceId;
    this.clock = clock;
    this.metrics = metrics;
  }

  private record Answer(int slice, String nodeKey, StartVerdictIssued verdict) {}

  @Override
  public CompletionStage<BatchResult> handle(ConsumedBatch<ContainerStartRequested> batch) {
    long start = System.nanoTime();
    Instant now = clock.instant();
    List<BatchResult.Rejection> rejected = new ArrayList<>();
    List<Answer> answers;
    try {
      answers = state.read(reader -> decideAll(reader, batch.records(), now, rejected));
    } catch (ClassifiedException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<?>[] acks = new CompletableFuture<?>[answers.size()];
    for (int i = 0; i < acks.length; i++) {
      Answer answer = answers.get(i);
      acks[i] = publisher.publish(answer.slice(), answer.nodeKey(), answer.verdict());
    }
    rejected.forEach(r -> metrics.rejected());
    CompletableFuture<Void> acknowledged = CompletableFuture.allOf(acks)
        .thenRun(() -> metrics.batch(batch.records().size(), System.nanoTime() - start));
    // Handled as soon as the verdicts are sent: the loop fetches the next requests meanwhile and
    // commits this batch only once every verdict is acknowledged.
    return CompletableFuture.completedFuture(BatchResult.sent(rejected, acknowledged));
  }

  private List<Answer> decideAll(FleetState.Reader reader, List<ConsumedRecord<ContainerStartRequested>> records,
      Instant now, List<BatchResult.Rejection> rejected) {
    List<Answer> answers = new ArrayList<>(records.size());
    for (ConsumedRecord<ContainerStartRequested> record : records) {
      ContainerStartRequested request = record.value();
      int slice = request.getReplySlice();
      if (slice < 0 || slice >= publisher.slices()) {
        rejected.add(new BatchResult.Rejection(record, DeadLetterReason.INVALID_FIELD,
            "replySlice=" + slice + ": must be 0.." + (publisher.slices() - 1) + " (partitions of the verdicts topic)"));
        continue;
      }
      StartRequest startRequest;
      try {
        startRequest = RequestMapper.toStartRequest(request, now);
      } catch (IllegalArgumentException | NullPointerException e) {
        rejected.add(new BatchResult.Rejection(record, DeadLetterReason.INVALID_FIELD, String.valueOf(e.getMessage())));
        continue;
      }
      DecisionState decisionState = reader.forRequest(record.partition(), request.getIntentPending());
      if (decisionState == null) {
        // The assignment hook loads a partition before its first record; answering without its
        // grants would turn every grant into a wrong REPULL, so retry the batch instead.
        throw new ClassifiedException(FailureClass.TRANSIENT,
            "start-requests partition " + record.partition() + " is not loaded");
      }
      VerdictPolicy clusterPolicy = policy.forCluster(request.getNode().getCluster());
      io.pullproof.decision.Verdict verdict = clusterPolicy.decide(decisionState, startRequest);
      if (verdict.update() != null) {
        // The pod's secret lives in the requesting node's cluster (for a namespace revocation).
        // The verdict event carries the update too (recordedGrant): the ledger stores it, so other
        // instances and this one after a restart load it with the snapshot.
        reader.recordDerivedGrant(record.partition(),
            verdict.update().grant().inCluster(LogEventMapper.clusterOf(request.getNode())));
      }
      metrics.verdict(verdict.reason());
      answers.add(new Answer(slice, startRequest.node(), verdictEvent(request, verdict, clusterPolicy, now)));
    }
    return answers;
  }

  /**
   * The verdict event, built with the all-fields constructor: the Avro builder validates and
   * copies every field again, which showed in the decision thread's profile.
   */
  private StartVerdictIssued verdictEvent(ContainerStartRequested request, io.pullproof.decision.Verdict verdict,
      VerdictPolicy clusterPolicy, Instant now) {
    return new StartVerdictIssued(
        VerdictEvents.eventId(request.getEventId()),
        request.getEventId(),
        now,
        request.getNode(),
        request.getPod(),
        request.getContainer(),
        request.getName(),
        request.getImageRef(),
        VerdictEvents.verdict(verdict),
        VerdictEvents.reason(verdict),
        VerdictEvents.grantId(verdict),
        dryRun,
        clusterPolicy.policy().forNamespace(request.getPod().getNamespace()).verificationPolicy().configName(),
        instanceId,
        VerdictEvents.recordedGrant(verdict));
  }
}
