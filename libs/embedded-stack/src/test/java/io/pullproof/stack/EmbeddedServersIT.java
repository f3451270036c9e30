package io.pullproof.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each embedded server starts for real, keeps its data across a restart on the same directory, and stops by PID. */
class EmbeddedServersIT {

  @Test
  void kafkaKeepsTopicsAcrossARestartAndLeavesNoProcess(@TempDir Path dir) throws Exception {
    long pid;
    int port;
    int controllerPort;
    try (KafkaBroker broker = KafkaBroker.start(dir)) {
      pid = broker.pid();
      port = broker.port();
      controllerPort = broker.controllerPort();
      try (Admin admin = admin(broker)) {
        admin.createTopics(List.of(new NewTopic("kept-topic", 3, (short) 1))).all().get();
      }
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));

    try (KafkaBroker again = KafkaBroker.start(dir, port, controllerPort); Admin admin = admin(again)) {
      Set<String> topics = admin.listTopics().names().get();
      assertThat(topics).contains("kept-topic");
    }
  }

  @Test
  void postgresServesQueriesAndKeepsDataAcrossARestart(@TempDir Path dir) throws Exception {
    int port;
    try (PostgresServer postgres = PostgresServer.start(dir)) {
      port = postgres.port();
      assertThat(postgres.pid()).isPositive();
      try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres"))) {
        c.createStatement().execute("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
      }
    }
    try (PostgresServer again = PostgresServer.start(dir, port);
         Connection c = DriverManager.getConnection(again.jdbcUrl("postgres"));
         ResultSet rs = c.createStatement().executeQuery("SELECT v FROM kept")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
  }

  @Test
  void schemaRegistryAnswersTheConfluentApiAndKeepsSchemasAcrossARestart(@TempDir Path dir) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String schema = "{\"schema\": \"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Kept\\\",\\\"fields\\\":[]}\"}";
    int port;
    String id;
    try (SchemaRegistryServer registry = SchemaRegistryServer.start(dir)) {
      port = registry.port();
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + "/subjects/kept-value/versions"))
          .header("Content-Type", "application/vnd.schemaregistry.v1+json")
          .POST(HttpRequest.BodyPublishers.ofString(schema)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).isEqualTo(200);
      id = created.body().replaceAll("[^0-9]", "");
    }
    try (SchemaRegistryServer again = SchemaRegistryServer.start(dir, port)) {
      HttpResponse<String> byId = http.send(HttpRequest.newBuilder(URI.create(again.ccompatUrl() + "/schemas/ids/" + id)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(byId.statusCode()).isEqualTo(200);
      assertThat(byId.body()).contains("Kept");
    }
  }

  private static Admin admin(KafkaBroker broker) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }
}
