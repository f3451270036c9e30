package io.pullproof.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EventPublisherTest {

  private final MockProducer<String, String> producer =
      new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
  private final EventPublisher<String, String> publisher = new EventPublisher<>(producer);

  @Test
  void publishCompletesWhenTheBrokerAcknowledgesAndCarriesTheHeaders() throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("event_id", "e-1");
    headers.put("node_id", "n-1");

    CompletableFuture<RecordMetadata> sent =
        publisher
            .publish("pullproof.verdicts", "sha256:ab", "ALLOW", headers)
            .toCompletableFuture();
    assertThat(sent).isNotDone();
    producer.completeNext();

    assertThat(sent.get().topic()).isEqualTo("pullproof.verdicts");
    ProducerRecord<String, String> record = producer.history().get(0);
    assertThat(record.key()).isEqualTo("sha256:ab");
    assertThat(new String(record.headers().lastHeader("node_id").value(), StandardCharsets.UTF_8))
        .isEqualTo("n-1");
  }

  @Test
  void aFailedSendFailsTheStage() {
    CompletableFuture<RecordMetadata> sent =
        publisher.publish("pullproof.verdicts", "k", "v").toCompletableFuture();
    producer.errorNext(new NetworkException("broker gone"));

    assertThatThrownBy(sent::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(NetworkException.class);
  }

  @Test
  void aSendThatThrowsFailsTheStageInsteadOfThrowing() {
    producer.sendException = new IllegalStateException("producer fenced");

    CompletableFuture<RecordMetadata> sent =
        publisher.publish("pullproof.verdicts", "k", "v").toCompletableFuture();

    assertThat(sent).isCompletedExceptionally();
  }

  @Test
  void closeFlushesAndClosesOnceAndLaterPublishesFail() {
    publisher.close();
    publisher.close();

    assertThat(producer.flushed()).isTrue();
    assertThat(producer.closed()).isTrue();
    assertThat(publisher.publish("t", "k", "v").toCompletableFuture()).isCompletedExceptionally();
  }
}
