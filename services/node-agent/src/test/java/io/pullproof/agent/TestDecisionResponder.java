package io.pullproof.agent;

import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.events.Verdict;
import io.pullproof.events.VerdictReason;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A stand-in for the decision service on the REAL broker: reads start requests and answers those
 * whose container name says so ({@code verdict-allow}, {@code verdict-repull}, {@code
 * verdict-dryrun}) on the request's reply slice. Other requests get no answer, which is what a
 * decision service that is down looks like to the agent.
 */
final class TestDecisionResponder implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<Object> deserializer;
  private final KafkaProducer<String, SpecificRecord> producer;
  private final TopicNames topics;
  private final Thread thread;
  private volatile boolean running = true;

  TestDecisionResponder(KafkaClientConfig kafka, TopicNames topics) {
    this.topics = topics;
    this.consumer = new KafkaConsumer<>(kafka.consumerProperties("test-responder"));
    this.deserializer = kafka.avroValueDeserializer();
    this.producer = new KafkaProducer<>(kafka.producerProperties());
    List<TopicPartition> partitions = consumer.partitionsFor(topics.startRequests()).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread = new Thread(this::run, "test-decision-responder");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        ContainerStartRequested request = (ContainerStartRequested) deserializer.deserialize(record.topic(), record.value());
        answer(request);
      }
    }
    consumer.close();
  }

  private void answer(ContainerStartRequested request) {
    String container = request.getContainer();
    if (!container.startsWith("verdict-")) {
      return;
    }
    boolean allow = container.startsWith("verdict-allow");
    StartVerdictIssued verdict = StartVerdictIssued.newBuilder()
        .setEventId(UUID.randomUUID().toString()).setRequestId(request.getEventId()).setOccurredAt(Instant.now())
        .setNode(request.getNode()).setPod(request.getPod()).setContainer(container).setName(request.getName())
        .setImageRef(request.getImageRef())
        .setVerdict(allow ? Verdict.ALLOW : Verdict.REPULL)
        .setReason(allow ? VerdictReason.SECRET_HASH_MATCH : VerdictReason.NO_MATCHING_CREDENTIAL)
        .setGrantId(allow ? "grant-1" : null).setDryRun(container.startsWith("verdict-dryrun"))
        .setPolicy("NeverVerifyPreloadedImages").setDecidedBy("test-responder").build();
    String key = request.getNode().getCluster() + "/" + request.getNode().getNode();
    producer.send(new ProducerRecord<>(topics.verdicts(), request.getReplySlice(), key, verdict));
    producer.flush();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5_000);
    producer.close();
  }
}
