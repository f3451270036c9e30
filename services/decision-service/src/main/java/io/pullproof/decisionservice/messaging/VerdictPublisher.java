package io.pullproof.decisionservice.messaging;

import io.pullproof.events.StartVerdictIssued;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes verdicts where the asking agent reads: the partition the request named
 * ({@code replySlice}), keyed by {@code cluster/node}. {@link io.pullproof.kafka.EventPublisher}
 * lets the partitioner choose, which would scatter an agent's verdicts over every slice.
 */
public final class VerdictPublisher implements AutoCloseable {
  private final Producer<String, StartVerdictIssued> producer;
  private final String topic;
  private final int slices;

  /** @param slices partitions of the verdicts topic; a reply slice outside 0..slices-1 is invalid */
  public VerdictPublisher(Producer<String, StartVerdictIssued> producer, String topic, int slices) {
    this.producer = producer;
    this.topic = topic;
    this.slices = slices;
  }

  public int slices() {
    return slices;
  }

  /** Sends one verdict; completes when the broker acknowledged it. */
  public CompletableFuture<RecordMetadata> publish(int slice, String nodeKey, StartVerdictIssued verdict) {
    CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic, slice, nodeKey, verdict), (metadata, error) -> {
        if (error == null) {
          acked.complete(metadata);
        } else {
          acked.completeExceptionally(error);
        }
      });
    } catch (RuntimeException e) {
      acked.completeExceptionally(e);
    }
    return acked;
  }

  @Override
  public void close() {
    producer.close();
  }
}
