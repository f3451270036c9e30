package io.pullproof.decisionservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.jdbc.Database;
import io.pullproof.jdbc.DatabaseConfig;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.testkit.TestInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * One IT's world on the shared real servers: its own topics (prefix), its own ledger schema
 * (migrated; the test writes fixture rows where the ledger service would), a producer playing the
 * node agents, and an inbox reading every verdict partition as the agents would.
 */
final class DecisionTestBed implements AutoCloseable {
  final TopicNames topics;
  final KafkaClientConfig kafka;
  final DatabaseConfig ledgerDatabase;
  final Database ledger;
  private final KafkaProducer<String, SpecificRecord> producer;
  private final KafkaConsumer<byte[], byte[]> inboxConsumer;
  private final Deserializer<StartVerdictIssued> inboxDeserializer;
  private final Thread inboxThread;
  private volatile boolean closing;
  /** requestId → every verdict received for it. */
  final Map<String, List<Received>> verdicts = new ConcurrentHashMap<>();
  private final List<AutoCloseable> services = new CopyOnWriteArrayList<>();

  record Received(int partition, String key, StartVerdictIssued verdict) {}

  DecisionTestBed(String purpose) throws Exception {
    TestInfrastructure.startKafkaAndRegistry();
    topics = new TopicNames(TestInfrastructure.newTopicPrefix());
    kafka = new KafkaClientConfig(TestInfrastructure.kafka().bootstrapServers(), TestInfrastructure.schemaRegistry().url(), "it");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfrastructure.kafka().bootstrapServers()))) {
      new TopicProvisioner(admin).ensure(TopicLayout.singleBroker().specs(topics).values());
    }
    ledgerDatabase = TestInfrastructure.newDatabase(purpose);
    ledger = Database.open(ledgerDatabase, "fixture-" + purpose, "classpath:db/ledger");
    Map<String, Object> producerProperties = new HashMap<>(kafka.producerProperties());
    producerProperties.put("linger.ms", "0");
    producer = new KafkaProducer<>(producerProperties);
    inboxConsumer = new KafkaConsumer<>(kafka.consumerProperties("it-inbox"));
    inboxDeserializer = kafka.avroValueDeserializer();
    List<TopicPartition> slices = new ArrayList<>();
    inboxConsumer.partitionsFor(topics.verdicts()).forEach(p -> slices.add(new TopicPartition(p.topic(), p.partition())));
    inboxConsumer.assign(slices);
    inboxConsumer.seekToBeginning(slices);
    inboxThread = new Thread(this::readVerdicts, "it-verdict-inbox");
    inboxThread.start();
  }

  /** Settings of one decision instance of this test bed. */
  Map<String, String> settings(String instanceId) {
    Map<String, String> values = new HashMap<>();
    values.put(DecisionConfig.KAFKA_BOOTSTRAP.name(), TestInfrastructure.kafka().bootstrapServers());
    values.put(DecisionConfig.SCHEMA_REGISTRY_URL.name(), TestInfrastructure.schemaRegistry().url());
    values.put(DecisionConfig.TOPIC_PREFIX.name(), topics.prefix());
    values.put(DecisionConfig.DB_URL.name(), ledgerDatabase.jdbcUrl());
    values.put(DecisionConfig.LEDGER_SCHEMA.name(), ledgerDatabase.schema());
    values.put(DecisionConfig.INSTANCE_ID.name(), instanceId);
    values.put(DecisionConfig.HTTP_HOST.name(), "127.0.0.1");
    values.put(DecisionConfig.HEALTH_PORT.name(), "0");
    values.put(DecisionConfig.LOAD_TIMEOUT.name(), "20s");
    return values;
  }

  DecisionMain.Running start(Map<String, String> settings) {
    DecisionMain.Running running = DecisionMain.start(DecisionConfig.from(ConfigSource.of(settings)));
    services.add(running);
    return running;
  }

  DecisionMain.Running start(String instanceId) {
    return start(settings(instanceId));
  }

  /** Publishes like an agent: pulls and start requests keyed by image reference, revocations by value. */
  void publish(SpecificRecord event) throws Exception {
    String topic;
    String key;
    if (event instanceof ContainerStartRequested request) {
      topic = topics.startRequests();
      key = request.getImageRef() != null ? request.getImageRef() : request.getName();
    } else if (event instanceof io.pullproof.events.ImagePulled pulled) {
      topic = topics.pulls();
      key = pulled.getImageRef();
    } else if (event instanceof io.pullproof.events.CredentialRevoked revoked) {
      topic = topics.revocations();
      key = revoked.getValue();
    } else {
      throw new IllegalArgumentException("not an agent event: " + event.getClass());
    }
    producer.send(new ProducerRecord<>(topic, key, event)).get(10, TimeUnit.SECONDS);
  }

  /** Publishes a start request and waits for its (first) verdict. */
  Received ask(ContainerStartRequested request) throws Exception {
    publish(request);
    return awaitVerdict(request.getEventId(), Duration.ofSeconds(30));
  }

  Received awaitVerdict(String requestId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<Received> received = verdicts.get(requestId);
      if (received != null && !received.isEmpty()) {
        return received.get(0);
      }
      Thread.sleep(5);
    }
    assertThat(verdicts).as("a verdict for request " + requestId + " within " + timeout).containsKey(requestId);
    return null;
  }

  @Override
  public void close() throws Exception { // NOPMD: InterruptedException from join is fine in tests
    for (AutoCloseable service : services) {
      service.close();
    }
    closing = true;
    inboxConsumer.wakeup();
    inboxThread.join(10_000);
    producer.close();
    ledger.close();
  }

  void stop(DecisionMain.Running running) {
    services.remove(running);
    running.close();
  }

  private void readVerdicts() {
    try {
      while (!closing) {
        for (ConsumerRecord<byte[], byte[]> record : inboxConsumer.poll(Duration.ofMillis(100))) {
          StartVerdictIssued verdict = inboxDeserializer.deserialize(record.topic(), record.headers(), record.value());
          String key = record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
          verdicts.computeIfAbsent(verdict.getRequestId(), id -> new CopyOnWriteArrayList<>())
              .add(new Received(record.partition(), key, verdict));
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      inboxConsumer.close();
      inboxDeserializer.close();
    }
  }
}
