package io.pullproof.audit.read;

import org.apache.avro.specific.SpecificRecord;

/**
 * One decoded event and where it came from. Entries sort by event time, then by topic (state
 * before requests, requests before verdicts, verdicts before outcomes, so equal timestamps replay
 * in causal order), then partition and offset: a total order, so a replay is deterministic.
 *
 * @param millis the event's {@code occurredAt}
 * @param rank the topic's place in {@link Topic}
 */
public record LogEntry(long millis, int rank, int partition, long offset, SpecificRecord event)
    implements Comparable<LogEntry> {

  /** The topics in causal order for equal timestamps. */
  public enum Topic { REVOCATIONS, PULLS, START_REQUESTS, VERDICTS, START_OUTCOMES }

  @Override
  public int compareTo(LogEntry other) {
    int c = Long.compare(millis, other.millis);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(rank, other.rank);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(partition, other.partition);
    return c != 0 ? c : Long.compare(offset, other.offset);
  }
}
