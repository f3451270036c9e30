package io.pullproof.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.NodeRef;
import io.pullproof.kafka.BatchResult;
import io.pullproof.kafka.ConsumerLoop;
import io.pullproof.kafka.DeadLetterPublisher;
import io.pullproof.kafka.DeadLetterReason;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consumer loop against the real broker and registry: good Avro events around a record of
 * garbage bytes are all handled, the garbage lands in the dead-letter topic with its reason and
 * original bytes, and a second loop in the same group starts after the committed offsets.
 */
class ConsumerLoopIT {
  private static KafkaClientConfig config;

  @BeforeAll
  static void servers() {
    TestInfrastructure.startKafkaAndRegistry();
    config = new KafkaClientConfig(TestInfrastructure.kafka().bootstrapServers(), TestInfrastructure.schemaRegistry().url(), "loop-it");
  }

  @Test
  void goodEventsAreHandledAndAPoisonRecordIsDeadLetteredWithItsReason() throws Exception {
    TopicNames topics = new TopicNames(TestInfrastructure.newTopicPrefix());
    try (KafkaProducer<String, ImagePulled> avro = new KafkaProducer<>(config.producerProperties());
         KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(config.deadLetterProducerProperties())) {
      avro.send(new ProducerRecord<>(topics.pulls(), "k", pulled("e-1"))).get();
      raw.send(new ProducerRecord<>(topics.pulls(), "k".getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8))).get();
      avro.send(new ProducerRecord<>(topics.pulls(), "k", pulled("e-2"))).get();
    }

    List<String> handled = new CopyOnWriteArrayList<>();
    try (KafkaProducer<byte[], byte[]> deadLetters = new KafkaProducer<>(config.deadLetterProducerProperties())) {
      ConsumerLoop<ImagePulled> loop = loop(topics, "group-a", handled, deadLetters);
      loop.start();
      awaitSize(handled, 2);
      loop.close();
      assertThat(handled).containsExactly("e-1", "e-2");

      ConsumerRecord<byte[], byte[]> dead = readOne(topics.deadLetters());
      assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
      assertThat(new String(dead.headers().lastHeader(DeadLetterPublisher.HEADER_REASON).value(), StandardCharsets.UTF_8))
          .isIn(DeadLetterReason.UNDECODABLE.name(), DeadLetterReason.UNKNOWN_SCHEMA.name());
      assertThat(new String(dead.headers().lastHeader(DeadLetterPublisher.HEADER_OFFSET).value(), StandardCharsets.UTF_8)).isEqualTo("1");

      // Offsets were committed only after handling: a new loop of the same group sees nothing old.
      try (KafkaProducer<String, ImagePulled> avro = new KafkaProducer<>(config.producerProperties())) {
        avro.send(new ProducerRecord<>(topics.pulls(), "k", pulled("e-3"))).get();
      }
      List<String> second = new CopyOnWriteArrayList<>();
      ConsumerLoop<ImagePulled> again = loop(topics, "group-a", second, deadLetters);
      again.start();
      awaitSize(second, 1);
      again.close();
      assertThat(second).containsExactly("e-3");
    }
  }

  private static ConsumerLoop<ImagePulled> loop(TopicNames topics, String group, List<String> handled,
      KafkaProducer<byte[], byte[]> deadLetters) {
    return ConsumerLoop.<ImagePulled>builder(group)
        .consumer(new KafkaConsumer<>(config.consumerProperties(group)))
        .topics(topics.pulls())
        .deserializer(config.avroValueDeserializer())
        .handler(batch -> {
          batch.records().forEach(r -> handled.add(r.value().getEventId()));
          return CompletableFuture.completedFuture(BatchResult.allHandled());
        })
        .deadLetters(deadLetters, topics.deadLetters())
        .build();
  }

  private static ImagePulled pulled(String id) {
    return ImagePulled.newBuilder()
        .setEventId(id).setOccurredAt(Instant.parse("2026-11-22T00:00:00Z"))
        .setNode(new NodeRef("c1", "n1")).setPod(null)
        .setImage("nginx").setName("docker.io/library/nginx").setImageRef("sha256:" + "c".repeat(64))
        .setCredential(CredentialIdentity.newBuilder().setKind(CredentialKind.ANONYMOUS).build())
        .build();
  }

  private static void awaitSize(List<String> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(list).hasSizeGreaterThanOrEqualTo(size);
  }

  private static ConsumerRecord<byte[], byte[]> readOne(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config.consumerProperties("reader-" + System.nanoTime()))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
      while (got.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(got::add);
      }
      assertThat(got).as("records on %s", topic).isNotEmpty();
      return got.get(0);
    }
  }
}
