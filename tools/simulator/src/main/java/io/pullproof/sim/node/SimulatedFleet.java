package io.pullproof.sim.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullproof.agent.AgentMetrics;
import io.pullproof.agent.enforce.Enforcer;
import io.pullproof.agent.enforce.PullReporter;
import io.pullproof.agent.enforce.RegistryVerifier;
import io.pullproof.agent.publish.AgentEvents;
import io.pullproof.agent.publish.AgentPublisher;
import io.pullproof.agent.publish.CredentialIdentities;
import io.pullproof.agent.verdict.AllowCache;
import io.pullproof.agent.verdict.VerdictClient;
import io.pullproof.agent.verdict.VerdictReader;
import io.pullproof.agent.verdict.VerdictRoutes;
import io.pullproof.credentials.CredentialHasher;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.FleetKey;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.kafka.EventPublisher;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
import io.pullproof.sim.fleet.NodeId;
import java.time.Clock;
import java.time.Duration;
import io.pullproof.sim.workload.FleetView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Many simulated nodes in one process, each with the agent's own enforcement objects, sharing what
 * a real node would own alone: one Kafka producer, one verdict reader (one consumer over every
 * reply slice the nodes use, routing each verdict to its node's {@link VerdictClient} and every
 * revocation to every node's ALLOW cache), one registry verifier and one metrics registry.
 */
public final class SimulatedFleet implements FleetView, AutoCloseable {
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

  /** Per-node agent settings. */
  public record AgentSettings(Duration verdictTimeout, Duration allowCacheTtl, Duration registryConnectTimeout,
      Duration registryRequestTimeout) {
    public static AgentSettings defaults() {
      return new AgentSettings(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(5));
    }
  }

  private final KafkaProducer<String, SpecificRecord> producer;
  private final EventPublisher<String, SpecificRecord> publisher;
  private final VerdictReader reader;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Map<NodeId, SimulatedNode> nodes = new LinkedHashMap<>();
  /** repository → the nodes holding it, for the scheduler's image locality. */
  private final Map<String, List<NodeId>> holders = new ConcurrentHashMap<>();
  private final TopicNames topics;

  /**
   * Builds every node and starts the shared verdict reader (positioned before this returns).
   *
   * @param nodeCredentials the node-wide credential of a node that has one
   */
  public SimulatedFleet(KafkaClientConfig kafka, TopicNames topics, FleetKey fleetKey, SSLContext registryTrust,
      AgentSettings settings, List<NodeId> fleetNodes, Function<NodeId, List<CredentialSource>> nodeCredentials) {
    this.topics = topics;
    this.producer = new KafkaProducer<>(kafka.producerProperties());
    this.publisher = new EventPublisher<>(producer);
    AgentMetrics metrics = new AgentMetrics(meters);
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties("pullproof-simulator"));
    try {
      List<PartitionInfo> partitions = consumer.partitionsFor(topics.verdicts(), METADATA_TIMEOUT);
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topics.verdicts() + " does not exist");
      }
      Clock clock = Clock.systemUTC();
      CredentialIdentities identities = new CredentialIdentities(new CredentialHasher(fleetKey));
      RegistryVerifier verifier = new RegistryVerifier(registryTrust, settings.registryConnectTimeout(),
          settings.registryRequestTimeout(), metrics);
      VerdictRoutes routes = new VerdictRoutes();
      TreeSet<Integer> slices = new TreeSet<>();
      for (NodeId id : fleetNodes) {
        int slice = VerdictRoutes.replySlice(partitions.size(), id.cluster(), id.node());
        slices.add(slice);
        VerdictClient client = new VerdictClient(settings.verdictTimeout());
        AllowCache cache = new AllowCache(settings.allowCacheTtl(), 10_000, System::nanoTime);
        routes.add(id.cluster(), id.node(), client, cache);
        List<CredentialSource> credentials = nodeCredentials.apply(id);
        AgentEvents events = new AgentEvents(id.cluster(), id.node(), clock);
        MemoryNodeState state = new MemoryNodeState();
        AgentPublisher agentPublisher = new AgentPublisher(publisher, topics, state, metrics);
        Enforcer enforcer = new Enforcer(events, identities, agentPublisher, client, cache, verifier, state, metrics,
            credentials, slice, clock);
        PullReporter pulls = new PullReporter(events, identities, agentPublisher, credentials, metrics);
        nodes.put(id, new SimulatedNode(id, slice, enforcer, pulls, verifier, events, agentPublisher, identities, credentials,
            this::cached));
      }
      List<TopicPartition> replySlices = new ArrayList<>();
      slices.forEach(slice -> replySlices.add(new TopicPartition(topics.verdicts(), slice)));
      this.reader = new VerdictReader(consumer, kafka.avroValueDeserializer(), replySlices, topics.revocations(), routes,
          metrics).start(METADATA_TIMEOUT);
    } catch (RuntimeException e) {
      consumer.close();
      publisher.close();
      throw e;
    }
  }

  public SimulatedNode node(NodeId id) {
    return nodes.get(id);
  }

  public Collection<SimulatedNode> nodes() {
    return nodes.values();
  }

  private void cached(String repository, NodeId node) {
    List<NodeId> list = holders.computeIfAbsent(repository, r -> new ArrayList<>());
    synchronized (list) {
      list.add(node);
    }
  }

  @Override
  public Collection<String> cached(NodeId node) {
    return nodes.get(node).repositories();
  }

  @Override
  public NodeId holder(String repository, Random random) {
    List<NodeId> list = holders.get(repository);
    if (list == null) {
      return null;
    }
    synchronized (list) {
      return list.isEmpty() ? null : list.get(random.nextInt(list.size()));
    }
  }

  /** Sends any event to {@code topic} with {@code key}; completes when the broker acknowledged it. */
  public CompletableFuture<?> publish(String topic, String key, SpecificRecord event) {
    return publisher.publish(topic, key, event).toCompletableFuture();
  }

  /** A verdict written where the decision service would write it: the node's reply slice, keyed by node. */
  public CompletableFuture<?> publishVerdict(SimulatedNode node, StartVerdictIssued verdict) {
    CompletableFuture<Object> sent = new CompletableFuture<>();
    producer.send(new ProducerRecord<>(topics.verdicts(), node.replySlice(), node.id().key(), verdict), (meta, error) -> {
      if (error != null) {
        sent.completeExceptionally(error);
      } else {
        sent.complete(meta);
      }
    });
    return sent;
  }

  /** Waits until everything sent so far is acknowledged. */
  public void flush() {
    producer.flush();
  }

  /** Manifest requests made by the agents' verifier (verifications and the runtime's pulls), by result. */
  public Map<String, Long> registryChecks() {
    Map<String, Long> checks = new LinkedHashMap<>();
    meters.find(AgentMetrics.REGISTRY_CHECKS).counters()
        .forEach(c -> checks.merge(c.getId().getTag("result"), (long) c.count(), Long::sum));
    return checks;
  }

  /** Times the shared reader flushed the nodes' ALLOW caches (one per revocation read). */
  public long cacheFlushes() {
    Counter flushes = meters.find(AgentMetrics.CACHE_FLUSHES).counter();
    return flushes == null ? 0 : (long) flushes.count();
  }

  @Override
  public void close() throws Exception {
    try {
      reader.close();
    } finally {
      publisher.close();
    }
  }
}
