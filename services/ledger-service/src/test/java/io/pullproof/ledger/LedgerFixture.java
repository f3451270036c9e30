package io.pullproof.ledger;

import io.pullproof.jdbc.DatabaseConfig;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.ledger.api.BearerTokens;
import io.pullproof.testkit.TestInfrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One isolated ledger installation for an IT: its own topic prefix and schema on the shared real
 * Kafka, schema registry and PostgreSQL of the test kit; API tokens for each role.
 */
public final class LedgerFixture implements AutoCloseable {
  public static final String READER_TOKEN = "reader-token-1";
  public static final String AUDITOR_TOKEN = "auditor-token-1";
  public static final String ADMIN_TOKEN = "admin-token-1";

  private final TopicNames topics;
  private final DatabaseConfig database;
  private final KafkaClientConfig kafka;
  private final Map<String, String> settings = new HashMap<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private KafkaProducer<String, SpecificRecord> producer;
  private KafkaProducer<byte[], byte[]> rawProducer;

  public LedgerFixture(String purpose) throws Exception {
    TestInfrastructure.startKafkaAndRegistry();
    topics = new TopicNames(TestInfrastructure.newTopicPrefix());
    database = TestInfrastructure.newDatabase(purpose);
    kafka = new KafkaClientConfig(TestInfrastructure.kafka().bootstrapServers(),
        TestInfrastructure.schemaRegistry().url(), "ledger-it");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(admin).ensure(TopicLayout.singleBroker().specs(topics).values());
    }
    settings.put(LedgerConfig.KAFKA_BOOTSTRAP.name(), kafka.bootstrapServers());
    settings.put(LedgerConfig.SCHEMA_REGISTRY_URL.name(), kafka.schemaRegistryUrl());
    settings.put(LedgerConfig.TOPIC_PREFIX.name(), topics.prefix());
    settings.put(LedgerConfig.DB_URL.name(), database.jdbcUrl());
    settings.put(LedgerConfig.DB_SCHEMA.name(), database.schema());
    settings.put(LedgerConfig.HTTP_HOST.name(), "127.0.0.1");
    settings.put(LedgerConfig.HTTP_PORT.name(), "0");
    settings.put(LedgerConfig.HEALTH_PORT.name(), "0");
    settings.put(LedgerConfig.PROVISION_TOPICS.name(), "false");
    // A killed member must leave the group quickly so the restarted one gets its partitions.
    settings.put(LedgerConfig.KAFKA_PROPERTIES.name(), "session.timeout.ms=6000;heartbeat.interval.ms=1000");
    settings.put(LedgerConfig.TOKENS.name(), String.join(";",
        "rita reader " + BearerTokens.hash(READER_TOKEN),
        "aude auditor " + BearerTokens.hash(AUDITOR_TOKEN),
        "adam admin " + BearerTokens.hash(ADMIN_TOKEN)));
  }

  public LedgerConfig config() {
    return LedgerConfig.from(ConfigSource.of(settings));
  }

  public LedgerMain.Running startLedger() {
    LedgerMain.Running running = LedgerMain.start(config());
    toClose.add(running);
    return running;
  }

  public void send(String topic, SpecificRecord event) throws Exception {
    if (producer == null) {
      producer = new KafkaProducer<>(kafka.producerProperties());
      toClose.add(producer);
    }
    producer.send(new ProducerRecord<>(topic, 0, null, event)).get();
  }

  /** Sends without waiting for each acknowledgement; flushes at the end. */
  public void sendAll(String topic, List<? extends SpecificRecord> events) {
    if (producer == null) {
      producer = new KafkaProducer<>(kafka.producerProperties());
      toClose.add(producer);
    }
    for (SpecificRecord event : events) {
      producer.send(new ProducerRecord<>(topic, String.valueOf(event.get(0)), event));
    }
    producer.flush();
  }

  public void sendRaw(String topic, byte[] value) throws Exception {
    if (rawProducer == null) {
      rawProducer = new KafkaProducer<>(kafka.deadLetterProducerProperties());
      toClose.add(rawProducer);
    }
    rawProducer.send(new ProducerRecord<>(topic, 0, null, value)).get();
  }

  public Connection connect() throws SQLException {
    Connection connection = DriverManager.getConnection(database.jdbcUrl());
    connection.setSchema(database.schema());
    return connection;
  }

  public long count(String sqlFrom) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + sqlFrom)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public List<String> strings(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  public void execute(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  /** {@link #count} for use in {@link #await} conditions. */
  public long countQuietly(String sqlFrom) {
    try {
      return count(sqlFrom);
    } catch (SQLException e) {
      return -1;
    }
  }

  public TopicNames topics() {
    return topics;
  }

  public KafkaClientConfig kafka() {
    return kafka;
  }

  public DatabaseConfig database() {
    return database;
  }

  /** Settings as environment variables, e.g. for a child JVM; tests may change them before starting. */
  public Map<String, String> settings() {
    return settings;
  }

  /** Sum of the stored next offsets: how many records the ledger has committed past. */
  public long storedOffsetsSum() {
    try {
      return Long.parseLong(strings("SELECT coalesce(sum(next_offset), 0) FROM consumed_offsets").get(0));
    } catch (SQLException e) {
      return -1;
    }
  }

  @Override
  public void close() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }
}
