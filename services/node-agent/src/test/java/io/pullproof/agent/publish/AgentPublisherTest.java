package io.pullproof.agent.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullproof.agent.AgentMetrics;
import io.pullproof.agent.state.NodeStateStore;
import io.pullproof.events.ImagePulled;
import io.pullproof.kafka.EventPublisher;
import io.pullproof.kafka.TopicNames;
import io.pullproof.testkit.Events;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox of pulls: kept until Kafka acknowledged them, resent while the agent runs. */
class AgentPublisherTest {
  @TempDir
  Path dir;

  private final MockProducer<String, SpecificRecord> producer =
      new MockProducer<>(false, null, new StringSerializer(), (topic, value) -> new byte[0]);
  private NodeStateStore state;
  private AgentPublisher publisher;

  @BeforeEach
  void open() {
    state = NodeStateStore.open(dir);
    publisher = new AgentPublisher(new EventPublisher<>(producer), TopicNames.withDefaultPrefix(), state,
        new AgentMetrics(new SimpleMeterRegistry()));
  }

  @AfterEach
  void close() {
    publisher.close();
    state.close();
  }

  @Test
  void aPullWhoseSendFailedStaysInTheOutboxAndLeavesItWhenTheResendIsAcknowledged() {
    ImagePulled pull = Events.imagePulled().build();
    publisher.pulled(pull);
    producer.errorNext(new TimeoutException("no leader"));
    assertThat(state.unpublished()).containsExactly(pull);

    assertThat(publisher.republishOutbox()).isEqualTo(1);
    producer.completeNext();

    assertThat(producer.history()).hasSize(2);
    assertThat(state.unpublished()).isEmpty();
  }

  @Test
  void aPullStillOnItsWayIsNotSentTwice() {
    ImagePulled pull = Events.imagePulled().build();
    publisher.pulled(pull);

    assertThat(publisher.republishOutbox()).as("the first send has not been answered").isZero();
    assertThat(producer.history()).hasSize(1);
    producer.completeNext();
    assertThat(state.unpublished()).isEmpty();
  }

  @Test
  void theRetryIntervalResendsWithoutARestart() throws Exception {
    ImagePulled pull = Events.imagePulled().build();
    publisher.pulled(pull);
    producer.errorNext(new TimeoutException("no leader"));

    publisher.retryOutboxEvery(Duration.ofMillis(50));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (producer.history().size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(producer.history()).as("sent again by the retry").hasSize(2);
    producer.completeNext();
    assertThat(state.unpublished()).isEmpty();
  }
}
