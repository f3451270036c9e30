package io.pullproof.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates missing topics of a {@link TopicLayout} and checks existing ones: a topic with fewer
 * partitions than the layout is an error, not something to paper over, because reply slices and
 * keyed partitioning would silently change.
 */
public final class TopicProvisioner {
  /** How long a topic just created may stay unknown to the broker's metadata. */
  private static final Duration METADATA_WAIT = Duration.ofSeconds(10);

  private final Admin admin;

  public TopicProvisioner(Admin admin) {
    this.admin = admin;
  }

  /** Ensures every topic exists with at least its partitions; returns the names it created. */
  public List<String> ensure(Collection<TopicLayout.TopicSpec> specs) throws InterruptedException {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (TopicLayout.TopicSpec spec : specs) {
        if (!existing.contains(spec.name())) {
          missing.add(new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor()).configs(spec.configs()));
        }
      }
      List<String> created = new ArrayList<>();
      for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> result : admin.createTopics(missing).values().entrySet()) {
        try {
          result.getValue().get(30, TimeUnit.SECONDS);
          created.add(result.getKey());
        } catch (ExecutionException e) {
          // Another instance created it between our list and our create: fine.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      checkPartitions(specs);
      return created;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot provision Kafka topics: " + e.getMessage(), e);
    }
  }

  private void checkPartitions(Collection<TopicLayout.TopicSpec> specs) throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, TopicDescription> descriptions = describe(specs.stream().map(TopicLayout.TopicSpec::name).toList());
    for (TopicLayout.TopicSpec spec : specs) {
      int actual = descriptions.get(spec.name()).partitions().size();
      if (actual < spec.partitions()) {
        throw new IllegalStateException("topic " + spec.name() + " has " + actual + " partitions, the layout needs " + spec.partitions());
      }
    }
  }

  /**
   * Describes {@code names}, asking again for up to {@link #METADATA_WAIT} while the broker answers
   * that it does not know one: a topic created a moment ago can be missing from the metadata the
   * broker serves (seen in CI: "This server does not host this topic-partition" right after
   * {@code createTopics} succeeded).
   */
  private Map<String, TopicDescription> describe(List<String> names) throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + METADATA_WAIT.toNanos();
    while (true) {
      try {
        return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() - deadline > 0) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
