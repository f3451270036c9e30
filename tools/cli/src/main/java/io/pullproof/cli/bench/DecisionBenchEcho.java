package io.pullproof.cli.bench;

import io.pullproof.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The raw baseline: consumes one topic as a consumer group and copies every record's bytes to the
 * other topic, with the decision service's client settings (same consumer properties,
 * max.poll.records and fetch.max.wait.ms, same producer properties with linger.ms 0), and nothing else: no decoding, no
 * state, no waiting for acknowledgements before the next poll, asynchronous commits.
 */
final class DecisionBenchEcho implements AutoCloseable {
  /** Printed by {@link #main} once the echo's partitions are assigned: the bench's readiness signal. */
  static final String READY_LINE = "bench echo: partitions assigned";

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final String in;
  private final String out;
  private final Thread thread;
  private volatile boolean closing;

  DecisionBenchEcho(KafkaClientConfig kafka, String in, String out, int maxPollRecords, int fetchMaxWaitMs) {
    Map<String, Object> consumerProperties = new HashMap<>(kafka.consumerProperties("bench-echo"));
    consumerProperties.put("max.poll.records", maxPollRecords);
    consumerProperties.put("fetch.max.wait.ms", fetchMaxWaitMs);
    consumer = new KafkaConsumer<>(consumerProperties);
    Map<String, Object> producerProperties = new HashMap<>(kafka.deadLetterProducerProperties());
    producerProperties.put("linger.ms", "0");
    producer = new KafkaProducer<>(producerProperties);
    this.in = in;
    this.out = out;
    thread = new Thread(this::run, "bench-echo");
  }

  void start() {
    thread.start();
  }

  private void run() {
    try {
      consumer.subscribe(List.of(in), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          // nothing to settle: commits are asynchronous and the bench does not rebalance
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          if (!partitions.isEmpty()) {
            System.out.println(READY_LINE + " " + partitions.size());
          }
        }
      });
      while (!closing) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          producer.send(new ProducerRecord<>(out, record.key(), record.value()));
        }
        if (!records.isEmpty()) {
          consumer.commitAsync();
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
      producer.close();
    }
  }

  /**
   * The echo as its own JVM, as the service runs in its own: {@code BOOTSTRAP REGISTRY_URL IN OUT
   * MAX_POLL_RECORDS FETCH_MAX_WAIT_MS}; runs until SIGTERM.
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: DecisionBenchEcho BOOTSTRAP REGISTRY_URL IN OUT MAX_POLL_RECORDS FETCH_MAX_WAIT_MS");
      System.exit(2);
    }
    DecisionBenchEcho echo = new DecisionBenchEcho(new KafkaClientConfig(args[0], args[1], "bench"), args[2], args[3],
        Integer.parseInt(args[4]), Integer.parseInt(args[5]));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        echo.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stopped.countDown();
    }, "bench-echo-shutdown"));
    echo.start();
    stopped.await();
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    consumer.wakeup();
    thread.join(15_000);
  }
}
