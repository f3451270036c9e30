package io.pullproof.audit.read;

import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the five event topics of an installation into memory, decoded, for one replay. Every
 * partition is read from the beginning (the grant state is rebuilt from the earliest retained
 * events) up to its end offset as of the start of the read; events whose {@code occurredAt} is
 * past the end are dropped. The end is not found by record timestamp: a record is stamped when it
 * is sent, and an event published late (a verdict re-sent after a crash, a forged one) must still
 * be read with the time it claims. Assigned partitions, no consumer group, nothing committed: an
 * audit never disturbs the services.
 */
public final class TopicReader {
  private static final Duration POLL = Duration.ofMillis(200);
  /** No record for this long while offsets remain: the broker is gone, say so rather than hang. */
  private static final long STALL_NANOS = Duration.ofSeconds(60).toNanos();

  /** Told how many records were read out of how many; called on the reading thread. */
  public interface Progress {
    void read(long records, long total);
  }

  /** What was read. */
  public record Log(List<LogEntry> entries, long records, long undecodable) {}

  private final KafkaClientConfig kafka;
  private final TopicNames topics;

  public TopicReader(KafkaClientConfig kafka, TopicNames topics) {
    this.kafka = kafka;
    this.topics = topics;
  }

  /** Events with {@code occurredAt} up to {@code end} inclusive, unsorted. */
  public Log read(Instant end, Progress progress) {
    Map<String, Object> props = new HashMap<>(kafka.consumerProperties("pullproof-audit"));
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      return read(consumer, new EventDecoder(kafka.schemaRegistryUrl()), end, progress);
    }
  }

  /** Reads with a given consumer (unsubscribed; not closed here). */
  public Log read(Consumer<byte[], byte[]> consumer, EventDecoder decoder, Instant end, Progress progress) {
    Map<TopicPartition, Integer> ranks = new HashMap<>();
    String[] names = {topics.revocations(), topics.pulls(), topics.startRequests(), topics.verdicts(), topics.startOutcomes()};
    for (int rank = 0; rank < names.length; rank++) {
      List<PartitionInfo> partitions = consumer.partitionsFor(names[rank]);
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalArgumentException("topic " + names[rank] + " does not exist (is the topic prefix '"
            + topics.prefix() + "' right?)");
      }
      for (PartitionInfo info : partitions) {
        ranks.put(new TopicPartition(info.topic(), info.partition()), rank);
      }
    }
    List<TopicPartition> all = new ArrayList<>(ranks.keySet());
    consumer.assign(all);
    consumer.seekToBeginning(all);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(all);
    Map<TopicPartition, Long> stop = new HashMap<>(consumer.endOffsets(all));
    long total = 0;
    for (TopicPartition tp : all) {
      total += Math.max(0, stop.get(tp) - begin.get(tp));
    }
    List<TopicPartition> open = new ArrayList<>();
    for (TopicPartition tp : all) {
      if (stop.get(tp) > begin.get(tp)) {
        open.add(tp);
      }
    }
    consumer.pause(all);
    consumer.resume(open);
    List<LogEntry> entries = new ArrayList<>((int) Math.min(total, Integer.MAX_VALUE - 8));
    long read = 0;
    long undecodable = 0;
    long endMillis = end.toEpochMilli();
    long lastProgress = System.nanoTime();
    while (!open.isEmpty()) {
      var records = consumer.poll(POLL);
      if (!records.isEmpty()) {
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > STALL_NANOS) {
        throw new IllegalStateException("no record from Kafka for 60 s with " + (total - read) + " records left to read in "
            + open + "; is the broker up?");
      }
      for (ConsumerRecord<byte[], byte[]> record : records) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        if (record.offset() >= stop.get(tp)) {
          continue;
        }
        read++;
        if (record.value() == null) {
          continue;
        }
        SpecificRecord event;
        try {
          event = decoder.decode(record.value());
        } catch (IllegalArgumentException e) {
          undecodable++;
          continue;
        }
        long millis = occurredAt(event);
        if (millis <= endMillis) {
          entries.add(new LogEntry(millis, ranks.get(tp), record.partition(), record.offset(), event));
        }
      }
      for (var it = open.iterator(); it.hasNext(); ) {
        TopicPartition tp = it.next();
        if (consumer.position(tp) >= stop.get(tp)) {
          consumer.pause(List.of(tp));
          it.remove();
        }
      }
      progress.read(read, total);
    }
    return new Log(entries, read, undecodable);
  }

  /** Every event carries {@code occurredAt}; the replay orders by it. */
  static long occurredAt(SpecificRecord event) {
    if (event instanceof ImagePulled e) {
      return e.getOccurredAt().toEpochMilli();
    }
    if (event instanceof ContainerStartRequested e) {
      return e.getOccurredAt().toEpochMilli();
    }
    if (event instanceof StartVerdictIssued e) {
      return e.getOccurredAt().toEpochMilli();
    }
    if (event instanceof ContainerStartObserved e) {
      return e.getOccurredAt().toEpochMilli();
    }
    if (event instanceof CredentialRevoked e) {
      return e.getOccurredAt().toEpochMilli();
    }
    throw new IllegalArgumentException("not a Pullproof event: " + event.getSchema().getFullName());
  }
}
