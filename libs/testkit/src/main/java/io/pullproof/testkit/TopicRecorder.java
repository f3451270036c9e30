package io.pullproof.testkit;

import io.pullproof.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads topics of the REAL broker from the beginning, decoded through the REAL schema registry:
 * {@link #await} finds the event a test expects, {@link #rawValues} lets it check what never reached the broker.
 */
public final class TopicRecorder implements AutoCloseable {
  private final List<Object> events = new CopyOnWriteArrayList<>();
  private final List<byte[]> raw = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  public TopicRecorder(KafkaClientConfig kafka, List<String> topics) {
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties("test-recorder"));
    Deserializer<Object> deserializer = kafka.avroValueDeserializer();
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread = new Thread(() -> {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          raw.add(record.value());
          events.add(deserializer.deserialize(record.topic(), record.value()));
        }
      }
      consumer.close();
    }, "test-topic-recorder");
    thread.setDaemon(true);
    thread.start();
  }

  public <T> T await(Class<T> type, Predicate<T> matches) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      for (Object event : events) {
        if (type.isInstance(event) && matches.test(type.cast(event))) {
          return type.cast(event);
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + type.getSimpleName() + " matching within 20 s; seen " + events);
  }

  /** Every record's raw bytes, e.g. to check that no secret ever reached the broker. */
  public List<byte[]> rawValues() {
    return List.copyOf(raw);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5_000);
  }
}
