package io.pullproof.ledger.store;

import io.pullproof.ledger.model.GrantRecord;
import io.pullproof.ledger.model.RevocationRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows one consumed batch produces, collected before a single transaction writes them.
 * Append-only rows are kept in column order of {@link LedgerSql}'s column lists; grants and node
 * pulls are merged by key here, because one multi-row upsert may not touch a row twice (a node
 * pull keeps the batch's earliest time: the row is written once and never refreshed).
 */
public final class LedgerWrites {
  final List<Object[]> pullEvents = new ArrayList<>();
  final List<Object[]> startRequests = new ArrayList<>();
  final List<Object[]> startVerdicts = new ArrayList<>();
  final List<Object[]> startOutcomes = new ArrayList<>();
  final List<RevocationRecord> revocations = new ArrayList<>();
  final Map<String, GrantRecord> grants = new LinkedHashMap<>();
  final Map<NodePullKey, Instant> nodePulls = new LinkedHashMap<>();
  final List<DeadLetterRow> deadLetters = new ArrayList<>();

  record NodePullKey(String cluster, String node, String name, String imageRef) {}

  /** A record the ingest rejected, kept for audits next to its copy on the dead-letter topic. */
  public record DeadLetterRow(String topic, int partition, long offset, String reason, String detail) {}

  /** One row of {@code pull_events} in {@link LedgerSql#PULL_EVENT_COLUMNS} order, and its grant and node pull. */
  public void addPull(Object[] pullEventRow, GrantRecord grant, String cluster, String node) {
    pullEvents.add(pullEventRow);
    grants.merge(grant.grantId(), grant, LedgerWrites::mergeGrant);
    Instant at = grant.lastVerifiedAt();
    nodePulls.merge(new NodePullKey(cluster, node, grant.name(), grant.imageRef()), at, LedgerWrites::min);
  }

  /**
   * A grant a verdict recorded (no pull, so no trail row and no node pull): merged with the batch's
   * other sightings of it like a pull's grant.
   */
  public void addRecordedGrant(GrantRecord grant) {
    grants.merge(grant.grantId(), grant, LedgerWrites::mergeGrant);
  }

  public void addStartRequest(Object[] row) {
    startRequests.add(row);
  }

  public void addStartVerdict(Object[] row) {
    startVerdicts.add(row);
  }

  public void addStartOutcome(Object[] row) {
    startOutcomes.add(row);
  }

  public void addRevocation(RevocationRecord revocation) {
    revocations.add(revocation);
  }

  public void addDeadLetter(DeadLetterRow row) {
    deadLetters.add(row);
  }

  /** Rows to write, over all tables. */
  public int size() {
    return pullEvents.size() + startRequests.size() + startVerdicts.size() + startOutcomes.size()
        + revocations.size() + deadLetters.size();
  }

  /**
   * Two sightings of one grant in a batch: the earliest keeps where and when it was first proven,
   * the latest supplies the credential's current coordinates (a rotated secret's new hash).
   */
  static GrantRecord mergeGrant(GrantRecord a, GrantRecord b) {
    GrantRecord first = a.firstVerifiedAt().isAfter(b.firstVerifiedAt()) ? b : a;
    GrantRecord last = b.lastVerifiedAt().isBefore(a.lastVerifiedAt()) ? a : b;
    return new GrantRecord(last.grantId(), last.imageRef(), last.name(), last.kind(), last.credentialHash(),
        last.secretNamespace(), last.secretName(), last.secretUid(), last.serviceAccountNamespace(),
        last.serviceAccountName(), last.serviceAccountUid(), first.cluster(), first.node(),
        first.firstVerifiedAt(), last.lastVerifiedAt(), last.lastEventId(), null, null);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
