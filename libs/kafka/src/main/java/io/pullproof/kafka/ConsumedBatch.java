package io.pullproof.kafka;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The decoded records of one poll, in partition order, handed to a {@link BatchHandler}.
 *
 * @param records the records to handle; never empty
 * @param nextOffsets per partition, the offset to resume from once this call succeeded (last offset
 *     covered + 1). It also covers records of the poll that were dead-lettered before the handler
 *     saw them, so a handler that stores offsets with its data (see {@link OffsetStorage#EXTERNAL})
 *     stores these, not its own maximum.
 * @param <V> the value type
 */
public record ConsumedBatch<V>(
    List<ConsumedRecord<V>> records, Map<TopicPartition, Long> nextOffsets) {

  /** Copies both components; a batch is never empty. */
  public ConsumedBatch {
    records = List.copyOf(records);
    nextOffsets = Map.copyOf(nextOffsets);
    if (records.isEmpty()) {
      throw new IllegalArgumentException("a batch has at least one record");
    }
  }

  /** {@code topic-partition@first..last} per partition, comma-separated, for the MDC and logs. */
  public String coordinates() {
    StringBuilder text = new StringBuilder();
    ConsumedRecord<V> first = null;
    ConsumedRecord<V> previous = null;
    for (ConsumedRecord<V> record : records) {
      if (first == null || !record.topicPartition().equals(first.topicPartition())) {
        appendRange(text, first, previous);
        first = record;
      }
      previous = record;
    }
    appendRange(text, first, previous);
    return text.toString();
  }

  private static void appendRange(
      StringBuilder text, ConsumedRecord<?> first, ConsumedRecord<?> last) {
    if (first == null) {
      return;
    }
    text.append(text.length() == 0 ? "" : ",").append(first.coordinates());
    if (last.offset() != first.offset()) {
      text.append("..").append(last.offset());
    }
  }
}
