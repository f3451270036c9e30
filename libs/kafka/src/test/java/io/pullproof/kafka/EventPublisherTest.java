package io.pullproof.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
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

  // ---- handing off: the caller never waits inside KafkaProducer.send

  /** A producer whose send blocks like KafkaProducer's does while no partition leader is known. */
  private static final class BlockingProducer extends MockProducer<String, String> {
    final CountDownLatch leaderKnown = new CountDownLatch(1);

    BlockingProducer() {
      super(true, null, new StringSerializer(), new StringSerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<String, String> record, Callback callback) {
      try {
        leaderKnown.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.send(record, callback);
    }
  }

  @Test
  void aHandingOffPublisherReturnsAtOnceWhileSendBlocksAndKeepsTheOrder() throws Exception {
    BlockingProducer blocking = new BlockingProducer();
    EventPublisher<String, String> handingOff = EventPublisher.handingOff(blocking, 100);

    CompletableFuture<RecordMetadata> first = handingOff.publish("t", "k", "1").toCompletableFuture();
    CompletableFuture<RecordMetadata> second = handingOff.publish("t", "k", "2").toCompletableFuture();
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();

    blocking.leaderKnown.countDown();
    assertThat(second.get(5, TimeUnit.SECONDS).topic()).isEqualTo("t");
    assertThat(first).isCompleted();
    assertThat(blocking.history()).extracting(ProducerRecord::value).containsExactly("1", "2");
    handingOff.close();
  }

  @Test
  void aFullHandOffQueueFailsAtOnceInsteadOfWaiting() {
    BlockingProducer blocking = new BlockingProducer();
    EventPublisher<String, String> handingOff = EventPublisher.handingOff(blocking, 1);
    handingOff.publish("t", "k", "in the sender");
    // The sender thread may not have taken the first one yet: publish until one is refused.
    CompletableFuture<RecordMetadata> refused = null;
    for (int i = 0; i < 3 && refused == null; i++) {
      CompletableFuture<RecordMetadata> attempt = handingOff.publish("t", "k", "more " + i).toCompletableFuture();
      if (attempt.isCompletedExceptionally()) {
        refused = attempt;
      }
    }
    assertThat(refused).isNotNull();
    assertThatThrownBy(refused::get).hasMessageContaining("too many events waiting for Kafka");
    blocking.leaderKnown.countDown();
    handingOff.close();
  }

  @Test
  void closingAHandingOffPublisherSendsWhatWasQueuedFirst() {
    BlockingProducer blocking = new BlockingProducer();
    EventPublisher<String, String> handingOff = EventPublisher.handingOff(blocking, 100);
    handingOff.publish("t", "k", "a");
    handingOff.publish("t", "k", "b");
    blocking.leaderKnown.countDown();

    handingOff.close();

    assertThat(blocking.history()).extracting(ProducerRecord::value).containsExactly("a", "b");
    assertThat(blocking.closed()).isTrue();
  }
}
