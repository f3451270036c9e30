package io.pullproof.audit.ledger;

import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.NodeRef;
import io.pullproof.events.PodRef;
import io.pullproof.events.RevocationScope;
import io.pullproof.events.SecretRef;
import io.pullproof.events.ServiceAccountRef;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;

/**
 * The ledger's copy of every pull and revocation (its {@code pull_events} and {@code revocations}
 * tables keep them after Kafka's retention dropped them), read back as the events they were
 * stored from, for {@code audit replay --ledger-db}. The replay merges them with the log by event
 * id, so a pull present in both counts once. Read-only, one connection, in one repeatable-read
 * transaction so both tables are read at the same moment; all SQL of the audit is here.
 */
public final class LedgerHistory {
  /** A pull row with the coordinates of the grant it proved (pull_events keeps only the uids). */
  static final String PULLS = """
      SELECT p.event_id, p.occurred_at, p.cluster, p.node, p.pod_namespace, p.pod_name, p.pod_uid,
             p.image, p.name, p.image_ref, p.credential_kind, p.credential_hash, p.verification,
             g.secret_namespace, g.secret_name, g.secret_uid,
             g.service_account_namespace, g.service_account_name, g.service_account_uid
      FROM pull_events p JOIN grants g ON g.grant_id = p.grant_id
      WHERE p.occurred_at <= ?
      ORDER BY p.occurred_at, p.event_id
      """;

  static final String REVOCATIONS = """
      SELECT revocation_id, occurred_at, scope, value, cluster, reason, actor
      FROM revocations
      WHERE occurred_at <= ?
      ORDER BY occurred_at, revocation_id
      """;

  private LedgerHistory() {}

  /** Where the ledger's tables are; the password comes from the environment, never a flag. */
  public record Source(String jdbcUrl, String user, String password, String schema) {}

  /** Pulls and revocations that happened up to {@code until}, in time order. */
  public static List<SpecificRecord> read(Source source, Instant until) {
    Properties props = new Properties();
    if (source.user() != null) {
      props.setProperty("user", source.user());
    }
    if (source.password() != null) {
      props.setProperty("password", source.password());
    }
    props.setProperty("ApplicationName", "pullproof-audit");
    props.setProperty("readOnly", "true");
    try (Connection db = DriverManager.getConnection(source.jdbcUrl(), props)) {
      db.setAutoCommit(false);
      db.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      db.setSchema(source.schema());
      List<SpecificRecord> events = new ArrayList<>();
      Timestamp limit = Timestamp.from(until);
      try (PreparedStatement pulls = db.prepareStatement(PULLS)) {
        pulls.setFetchSize(10_000);
        pulls.setTimestamp(1, limit);
        try (ResultSet rows = pulls.executeQuery()) {
          while (rows.next()) {
            events.add(pull(rows));
          }
        }
      }
      try (PreparedStatement revocations = db.prepareStatement(REVOCATIONS)) {
        revocations.setTimestamp(1, limit);
        try (ResultSet rows = revocations.executeQuery()) {
          while (rows.next()) {
            events.add(revocation(rows));
          }
        }
      }
      db.rollback();
      return events;
    } catch (SQLException e) {
      throw new IllegalArgumentException("--ledger-db " + source.jdbcUrl() + " (schema " + source.schema()
          + "): cannot read the ledger's pulls and revocations: " + e.getMessage(), e);
    }
  }

  private static ImagePulled pull(ResultSet row) throws SQLException {
    CredentialKind kind = CredentialKind.valueOf(row.getString("credential_kind"));
    CredentialIdentity.Builder credential = CredentialIdentity.newBuilder().setKind(kind)
        .setHash(row.getString("credential_hash"));
    if (kind == CredentialKind.SECRET) {
      credential.setSecret(new SecretRef(row.getString("secret_namespace"), row.getString("secret_name"),
          row.getString("secret_uid")));
    } else if (kind == CredentialKind.SERVICE_ACCOUNT) {
      credential.setServiceAccount(new ServiceAccountRef(row.getString("service_account_namespace"),
          row.getString("service_account_name"), row.getString("service_account_uid")));
    }
    String podName = row.getString("pod_name");
    return ImagePulled.newBuilder()
        .setEventId(row.getString("event_id"))
        .setOccurredAt(row.getTimestamp("occurred_at").toInstant())
        .setNode(new NodeRef(row.getString("cluster"), row.getString("node")))
        .setPod(podName == null ? null : new PodRef(row.getString("pod_namespace"), podName, row.getString("pod_uid")))
        .setImage(row.getString("image"))
        .setName(row.getString("name"))
        .setImageRef(row.getString("image_ref"))
        .setCredential(credential.build())
        .setVerification(row.getBoolean("verification"))
        .build();
  }

  private static CredentialRevoked revocation(ResultSet row) throws SQLException {
    return CredentialRevoked.newBuilder()
        .setEventId(row.getString("revocation_id"))
        .setOccurredAt(row.getTimestamp("occurred_at").toInstant())
        .setScope(RevocationScope.valueOf(row.getString("scope")))
        .setValue(row.getString("value"))
        .setCluster(row.getString("cluster"))
        .setReason(row.getString("reason"))
        .setActor(row.getString("actor"))
        .build();
  }
}
