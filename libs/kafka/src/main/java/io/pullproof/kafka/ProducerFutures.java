package io.pullproof.kafka;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Bridges {@code Producer.send}'s callback to a {@link CompletableFuture}. */
final class ProducerFutures {

  private ProducerFutures() {}

  /**
   * Sends {@code record}; failures, including those {@code send} throws synchronously, complete the
   * future exceptionally.
   */
  static <K, V> CompletableFuture<RecordMetadata> send(
      Producer<K, V> producer, ProducerRecord<K, V> record) {
    CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              future.complete(metadata);
            } else {
              future.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
    }
    return future;
  }
}
