package io.pullproof.ledger.ingest;

import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.RevocationScope;
import io.pullproof.kafka.EventPublisher;
import io.pullproof.ledger.model.NewRevocation;
import io.pullproof.ledger.model.RevocationRecord;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.avro.specific.SpecificRecord;

/**
 * Revocations created through the API go to the revocations topic like any other, keyed by their
 * value; the ledger stores and applies them when it consumes them back, so the decision service and
 * the ledger see the same revocations in the same order.
 */
public final class RevocationPublisher {
  private final EventPublisher<String, SpecificRecord> publisher;
  private final String topic;
  private final Clock clock;

  public RevocationPublisher(EventPublisher<String, SpecificRecord> publisher, String topic, Clock clock) {
    this.publisher = publisher;
    this.topic = topic;
    this.clock = clock;
  }

  /** Completes once the broker acknowledged the event. */
  public CompletionStage<RevocationRecord> publish(NewRevocation request, String actor) {
    RevocationRecord record = new RevocationRecord(UUID.randomUUID().toString(), clock.instant(), request.scope(),
        request.value(), request.cluster(), request.reason(), actor);
    CredentialRevoked event = CredentialRevoked.newBuilder()
        .setEventId(record.revocationId())
        .setOccurredAt(record.occurredAt())
        .setScope(RevocationScope.valueOf(record.scope().name()))
        .setValue(record.value())
        .setCluster(record.cluster())
        .setReason(record.reason())
        .setActor(actor)
        .build();
    return publisher.publish(topic, record.value(), event).thenApply(metadata -> record);
  }
}
