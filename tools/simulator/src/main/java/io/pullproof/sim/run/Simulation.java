package io.pullproof.sim.run;

import io.pullproof.agent.enforce.RegistryTrust;
import io.pullproof.agent.enforce.StartContext;
import io.pullproof.agent.enforce.StartDecision;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.DockerConfig;
import io.pullproof.credentials.DockerConfigEntry;
import io.pullproof.credentials.FleetKey;
import io.pullproof.credentials.SecretCoordinates;
import io.pullproof.credentials.ServiceAccountIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.PodRef;
import io.pullproof.events.PullPolicy;
import io.pullproof.events.RevocationScope;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.events.Verdict;
import io.pullproof.events.VerdictReason;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
import io.pullproof.oci.ManifestCheck;
import io.pullproof.oci.RegistryClient;
import io.pullproof.oci.RegistryCredentials;
import io.pullproof.reference.ImageReference;
import io.pullproof.sim.compare.AlwaysPullImagesModel;
import io.pullproof.sim.compare.Comparison;
import io.pullproof.sim.compare.Credential;
import io.pullproof.sim.compare.StartRecord;
import io.pullproof.sim.fleet.Fleet;
import io.pullproof.sim.fleet.NodeId;
import io.pullproof.sim.fleet.Repository;
import io.pullproof.sim.fleet.Tenant;
import io.pullproof.sim.node.SimulatedFleet;
import io.pullproof.sim.node.SimulatedNode;
import io.pullproof.sim.truth.GroundTruth;
import io.pullproof.sim.workload.PodStart;
import io.pullproof.sim.workload.WorkloadGenerator;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;

/**
 * One simulation run: builds the fleet, seeds its history (resident pods' pulls, reported through
 * the agents' pull reporter), waits until the decision service knows that history, then offers the
 * generated workload for the window, with a secret rotation and a revocation on the way and the
 * requested injections, printing live progress. Every start goes through a simulated node's real
 * agent code against the real decision service, ledger and registry; each start is judged by the
 * ground truth and recorded, and the models are evaluated on the recording afterwards.
 */
public final class Simulation {
  private static final String NODE_CONFIG = "/var/lib/kubelet/config.json";
  private static final double INJECT_CHANCE = 0.1;

  /** Where the services are. */
  public record Endpoints(String bootstrap, String schemaRegistry, TopicNames topics, String ledgerUrl) {}

  private final SimulationSettings settings;
  private final Endpoints endpoints;
  private final SimRegistry registry;
  private final PrintStream out;
  private final Fleet fleet;
  private final GroundTruth truth;
  private final WorkloadGenerator generator;
  private final SimulationCounts counts = new SimulationCounts();
  private final List<StartRecord> records = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> registrySamples = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  /** Answered-and-enforced verdicts not tampered with yet, for the tampers still owed at the end. */
  private final List<Object[]> tamperable = Collections.synchronizedList(new ArrayList<>());
  /** Authorised starts of cached images, for the bypasses still owed at the end. */
  private final List<PodStart> bypassable = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger bypassesLeft;
  private final AtomicInteger tampersLeft;
  private final Map<String, Object> events = new TreeMap<>();
  private SimulatedFleet nodes;
  private PodStart lastSecretSeed;

  public Simulation(SimulationSettings settings, Endpoints endpoints, SimRegistry registry, Fleet fleet, PrintStream out) {
    this.settings = settings;
    this.endpoints = endpoints;
    this.registry = registry;
    this.fleet = fleet;
    this.out = out;
    this.truth = new GroundTruth(registry);
    this.generator = new WorkloadGenerator(fleet, settings.mix(), truth, settings.seed());
    this.bypassesLeft = new AtomicInteger(settings.injectBypass());
    this.tampersLeft = new AtomicInteger(settings.injectTamper());
  }

  /** Runs to the end of the window and returns the summary (see {@link SimulationSummary}). */
  public Map<String, Object> run() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    FleetKey fleetKey = FleetKey.of("sim", secret);
    SSLContext trust = RegistryTrust.sslContext(registry.caCertificatePem());
    KafkaClientConfig kafka = new KafkaClientConfig(endpoints.bootstrap(), endpoints.schemaRegistry(), "pullproof-sim");
    out.printf("fleet: %d clusters x %d nodes (%d with the node credential), %d tenants, %d repositories%n",
        fleet.spec().clusters(), fleet.spec().nodesPerCluster(), fleet.nodesWithCredentials().size(), fleet.tenants().size(),
        fleet.repositories().size());
    try (SimulatedFleet simulated = new SimulatedFleet(kafka, endpoints.topics(), fleetKey, trust, settings.agent(),
        fleet.nodes(), this::nodeCredentials)) {
      nodes = simulated;
      calibrate(trust);
      int seeded = seedHistory();
      waitForHistory();
      Instant from = Instant.now();
      runWindow();
      finishInjections();
      simulated.flush();
      Instant to = Instant.now();
      return SimulationSummary.build(settings, endpoints, fleet, counts, records, registrySamples, events, seeded, from, to,
          simulated.registryChecks());
    } finally {
      nodes = null;
    }
  }

  // ---- set-up

  /** Registry round trips measured before the window (a verification's cost), so the models have samples from the start. */
  private void calibrate(SSLContext trust) {
    Tenant tenant = fleet.tenants().get(0);
    Repository repository = fleet.usedBy(tenant).get(0);
    for (int i = 0; i < 20; i++) {
      RegistryClient client = new RegistryClient(java.net.URI.create("https://" + registry.hostPort()), trust,
          new RegistryCredentials(tenant.registryUser(), registry.password(tenant.registryUser())));
      long began = System.nanoTime();
      ManifestCheck check = client.checkManifest(repository.name(), registry.digest(repository.name()));
      if (!check.found()) {
        throw new IllegalStateException("the registry refused its own tenant: " + check.detail());
      }
      registrySamples.add(System.nanoTime() - began);
    }
    out.printf("registry round trip (token + manifest HEAD over TLS): p50 %.1f ms over 20 calls%n",
        Comparison.percentileMs(registrySamples, 0.5));
  }

  private int seedHistory() {
    int seeded = 0;
    for (NodeId id : fleet.nodes()) {
      SimulatedNode node = nodes.node(id);
      for (int i = 0; i < settings.residentPods(); i++) {
        PodStart pod = generator.resident(id);
        String repository = pod.repository().name();
        GroundTruth.Proof proof = truth.proof(secretUser(pod), nodeUser(id), repository);
        if (proof == null || node.has(repository)) {
          continue;
        }
        String digest = registry.digest(repository);
        node.seed(context(pod, digest), repository, digest, switch (proof) {
          case SECRET -> CredentialKind.SECRET;
          case NODE_CREDENTIAL -> CredentialKind.NODE_CREDENTIAL;
          case ANONYMOUS -> CredentialKind.ANONYMOUS;
        });
        records.add(StartRecord.seed(id.key(), repository, digest, podSecret(pod), nodeCredential(id),
            proofCredential(proof, pod, id)));
        if (proof == GroundTruth.Proof.SECRET) {
          lastSecretSeed = pod;
        }
        seeded++;
      }
    }
    nodes.flush();
    out.printf("history: %d pulls of resident pods seeded through the agents' pull reporter%n", seeded);
    return seeded;
  }

  /**
   * Asks (pull policy Never, so a REPULL costs nothing) for the last seeded secret pull from another
   * node until the decision service ALLOWs it: from then on it knows the history.
   */
  private void waitForHistory() throws InterruptedException {
    PodStart seeded = lastSecretSeed;
    if (seeded == null) {
      return;
    }
    NodeId asker = fleet.nodes().stream().filter(n -> !n.equals(seeded.node())).findFirst().orElse(seeded.node());
    PodStart probe = new PodStart(PodStart.Kind.NEW_POD, 0, asker, seeded.tenant(), seeded.repository(), PullPolicy.NEVER);
    String repository = seeded.repository().name();
    String digest = registry.digest(repository);
    long began = System.nanoTime();
    long deadline = began + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      StartDecision decision = nodes.node(asker).start(context(probe, digest), repository, digest).decision();
      if (decision.action() == StartDecision.Action.START) {
        out.printf("decision service caught up with the history in %.1f s%n", (System.nanoTime() - began) / 1e9);
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the decision service did not ALLOW a seeded grant within 120 s: is it running on "
        + endpoints.topics().prefix() + "* topics?");
  }

  // ---- the window

  private void runWindow() throws Exception {
    long began = System.nanoTime();
    long deadline = began + settings.duration().toNanos();
    AtomicLong offered = new AtomicLong();
    ExecutorService workers = Executors.newFixedThreadPool(settings.workers(), task -> {
      Thread thread = new Thread(task, "sim-worker");
      thread.setDaemon(true);
      return thread;
    });
    for (int w = 0; w < settings.workers(); w++) {
      workers.submit(() -> {
        while (true) {
          long now = System.nanoTime();
          if (settings.rate() > 0) {
            long due = began + (long) (offered.getAndIncrement() * 1e9 / settings.rate());
            if (due >= deadline) {
              return null;
            }
            while ((now = System.nanoTime()) < due) {
              LockSupport.parkNanos(due - now);
            }
          } else if (now >= deadline) {
            return null;
          }
          execute(generator.next(nodes));
        }
      });
    }
    workers.shutdown();
    Thread events = new Thread(() -> scheduledEvents(began, deadline), "sim-events");
    events.setDaemon(true);
    events.start();
    long nextProgress = began + settings.progressEvery().toNanos();
    long lastStarts = 0;
    long lastAt = began;
    while (!workers.awaitTermination(Math.max(1, (nextProgress - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
      long now = System.nanoTime();
      if (now >= nextProgress) {
        long starts = counts.starts();
        out.println(counts.progressLine((now - began) / 1e9, (starts - lastStarts) / ((now - lastAt) / 1e9)));
        lastStarts = starts;
        lastAt = now;
        nextProgress += settings.progressEvery().toNanos();
      }
      if (now > deadline + TimeUnit.SECONDS.toNanos(60)) {
        workers.shutdownNow();
        throw new IllegalStateException("starts still running 60 s after the window closed");
      }
    }
    events.join(30_000);
    out.println(counts.progressLine((System.nanoTime() - began) / 1e9, Double.NaN) + "  (window closed)");
  }

  private void execute(PodStart start) {
    Tenant tenant = start.tenant();
    AtomicInteger running = tenant == null ? null : inFlight.computeIfAbsent(tenant.name(), t -> new AtomicInteger());
    if (running != null) {
      running.incrementAndGet();
    }
    try {
      NodeId id = start.node();
      SimulatedNode node = nodes.node(id);
      String repository = start.repository().name();
      String digest = registry.digest(repository);
      GroundTruth.Proof proof = truth.proof(secretUser(start), nodeUser(id), repository);
      boolean present = node.has(repository);
      boolean bypassable = proof != null && present && start.policy() == PullPolicy.IF_NOT_PRESENT
          && start.kind() != PodStart.Kind.ATTACK;
      if (bypassable && bypassesLeft.get() > 0 && ThreadLocalRandom.current().nextDouble() < INJECT_CHANCE
          && bypassesLeft.getAndDecrement() > 0) {
        bypass(start);
        return;
      }
      if (bypassable && this.bypassable.size() < 1000) {
        this.bypassable.add(start);
      }
      SimulatedNode.Result result = node.start(context(start, present ? digest : null), repository, digest);
      if (result.pullNanos() >= 0) {
        registrySamples.add(result.pullNanos());
      }
      counts.count(result, proof != null, start.kind());
      records.add(new StartRecord(id.key(), repository, digest, present, start.policy(), podSecret(start),
          nodeCredential(id), proofCredential(proof, start, id), false, result.registryRoundTrips(), result.latencyNanos(),
          result.started()));
      StartDecision decision = result.decision();
      // Only the service's ALLOWs are tampered with. A service REPULL may be one the audit explains
      // by propagation (the pull that makes its recomputation ALLOW had not reached the service),
      // and a forged ALLOW would then agree with the recomputation instead of contradicting it.
      if (decision.verdict() != null && decision.requestId() != null && decision.source() == DecisionSource.VERDICT
          && decision.verdict().getVerdict() == Verdict.ALLOW) {
        if (tampersLeft.get() > 0 && ThreadLocalRandom.current().nextDouble() < INJECT_CHANCE
            && tampersLeft.getAndDecrement() > 0) {
          tamper(node, decision.verdict());
        } else if (tamperable.size() < 1000) {
          tamperable.add(new Object[] {node, decision.verdict()});
        }
      }
    } finally {
      if (running != null) {
        running.decrementAndGet();
      }
    }
  }

  /** A third into the window one tenant's secret is rotated; two thirds in another tenant loses its own repositories. */
  private void scheduledEvents(long began, long deadline) {
    if (!settings.rotateAndRevoke() || fleet.tenants().size() < 2) {
      return;
    }
    long third = (deadline - began) / 3;
    try {
      sleepUntil(began + third);
      Tenant rotated = fleet.tenants().get(0);
      registry.rotate(rotated.registryUser());
      events.put("rotation", Map.of("tenant", rotated.name(), "at", Instant.now().toString(),
          "what", "new password for the tenant's registry user; the pull secret keeps its namespace/name/uid"));
      out.printf("event: %s rotated its pull secret (same namespace/name/uid, new credentials)%n", rotated.name());
      sleepUntil(began + 2 * third);
      revoke(fleet.tenants().get(fleet.tenants().size() - 1));
    } catch (Exception e) {
      events.put("eventFailure", e.toString());
      out.println("event failed: " + e);
    }
  }

  /**
   * The tenant loses access to its own repositories: removed from the registry's grants and revoked
   * in Pullproof (scope NAMESPACE). Its new starts are held while the revocation propagates (as an
   * operator cordons a tenant), and released once a probe shows the decision service no longer
   * ALLOWs the tenant and every node's ALLOW cache was flushed; the time is reported.
   */
  private void revoke(Tenant tenant) throws Exception {
    long held = System.nanoTime();
    generator.hold(tenant);
    AtomicInteger running = inFlight.computeIfAbsent(tenant.name(), t -> new AtomicInteger());
    long drainDeadline = held + TimeUnit.SECONDS.toNanos(10);
    while (running.get() > 0 && System.nanoTime() < drainDeadline) {
      Thread.sleep(5);
    }
    long drained = System.nanoTime();
    int stillRunning = running.get();
    long flushesBefore = nodes.cacheFlushes();
    Instant at = Instant.now();
    registry.revokeOwnRepositories(tenant);
    nodes.publish(endpoints.topics().revocations(), tenant.namespace(), CredentialRevoked.newBuilder()
        .setEventId(UUID.randomUUID().toString()).setOccurredAt(at).setScope(RevocationScope.NAMESPACE)
        .setValue(tenant.namespace()).setCluster(null).setReason("tenant offboarded from its repositories (simulation)")
        .setActor("pullproof-simulator").build()).get(30, TimeUnit.SECONDS);
    long published = System.nanoTime();
    Repository own = fleet.usedBy(tenant).stream().filter(r -> r.kind() == Repository.Kind.PRIVATE).findFirst().orElseThrow();
    String digest = registry.digest(own.name());
    PodStart probe = new PodStart(PodStart.Kind.NEW_POD, 0, fleet.nodes().get(0), tenant, own, PullPolicy.NEVER);
    long deadline = published + TimeUnit.SECONDS.toNanos(60);
    boolean refused = false;
    int probes = 0;
    while (!(refused && nodes.cacheFlushes() > flushesBefore) && System.nanoTime() < deadline) {
      if (!refused) {
        probes++;
        StartDecision decision = nodes.node(probe.node()).start(context(probe, digest), own.name(), digest).decision();
        refused = decision.action() == StartDecision.Action.BLOCK && decision.source() == DecisionSource.VERDICT;
      }
      if (!(refused && nodes.cacheFlushes() > flushesBefore)) {
        Thread.sleep(20);
      }
    }
    boolean effective = refused && nodes.cacheFlushes() > flushesBefore;
    long done = System.nanoTime();
    generator.release(tenant);
    Map<String, Object> event = new java.util.LinkedHashMap<>();
    event.put("tenant", tenant.name());
    event.put("scope", "NAMESPACE");
    event.put("at", at.toString());
    event.put("effective", effective);
    event.put("effectiveMs", Math.round((done - drained) / 1e6));
    event.put("heldMs", Math.round((done - held) / 1e6));
    event.put("drainMs", Math.round((drained - held) / 1e6));
    event.put("startsStillRunningAfterDrain", stillRunning);
    event.put("probes", probes);
    event.put("what", "registry grant on " + tenant.name() + "/* removed and CredentialRevoked published; the tenant's new "
        + "starts were held until the decision service refused it and every node's ALLOW cache was flushed");
    events.put("revocation", event);
    out.printf("event: %s revoked (registry grant removed, CredentialRevoked NAMESPACE published): in effect after %.0f ms%n",
        tenant.name(), (done - drained) / 1e6);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  // ---- injections (the audit tool must find them)

  /** An authorised start of a cached image that never asked: only ContainerStartObserved(requestId null, NONE, STARTED). */
  private void bypass(PodStart start) {
    String repository = start.repository().name();
    String digest = registry.digest(repository);
    nodes.node(start.node()).bypass(context(start, digest), repository, digest);
    counts.bypassed();
  }

  /** One extra verdict for an ALLOWed request: same requestId, new eventId, the opposite verdict. */
  private void tamper(SimulatedNode node, StartVerdictIssued legitimate) {
    StartVerdictIssued forged = StartVerdictIssued.newBuilder(legitimate)
        .setEventId(UUID.randomUUID().toString())
        .setOccurredAt(Instant.now())
        .setVerdict(Verdict.REPULL)
        .setReason(VerdictReason.NO_MATCHING_CREDENTIAL)
        .setGrantId(null)
        .setRecordedGrant(null)
        .build();
    nodes.publishVerdict(node, forged).join();
    counts.tampered();
  }

  /** Injections still owed when the window closed are made now, so the counts asked for are exact. */
  private void finishInjections() {
    Random random = new Random(settings.seed());
    while (bypassesLeft.getAndDecrement() > 0) {
      PodStart start = bypassable.isEmpty() ? null : bypassable.get(random.nextInt(bypassable.size()));
      if (start == null) {
        start = anyAuthorisedCachedStart();
      }
      bypass(start);
    }
    while (tampersLeft.getAndDecrement() > 0) {
      if (tamperable.isEmpty()) {
        throw new IllegalStateException("no answered start request left to tamper with: run longer or ask for fewer");
      }
      Object[] pair = tamperable.remove(tamperable.size() - 1);
      tamper((SimulatedNode) pair[0], (StartVerdictIssued) pair[1]);
    }
  }

  private PodStart anyAuthorisedCachedStart() {
    for (NodeId id : fleet.nodes()) {
      for (Tenant tenant : fleet.tenants()) {
        for (Repository repository : fleet.usedBy(tenant)) {
          if (nodes.node(id).has(repository.name()) && truth.authorised(tenant.registryUser(), nodeUser(id), repository.name())) {
            return new PodStart(PodStart.Kind.NEW_POD, 0, id, tenant, repository, PullPolicy.IF_NOT_PRESENT);
          }
        }
      }
    }
    throw new IllegalStateException("no authorised cached image anywhere to start without asking");
  }

  // ---- what a pod looks like to the agent

  private StartContext context(PodStart start, String imageRef) {
    NodeId node = start.node();
    String image = registry.image(start.repository().name());
    String podName = start.podName();
    PodRef pod = new PodRef(start.namespace(), podName, "uid-" + podName);
    Tenant tenant = start.tenant();
    List<CredentialSource> secrets = tenant == null ? List.of() : List.of(new CredentialSource.PullSecret(
        new SecretCoordinates(tenant.namespace(), Tenant.SECRET_NAME, tenant.secretUid(node.cluster())),
        dockerConfig(tenant.registryUser())));
    ServiceAccountIdentity account = tenant == null ? null
        : new ServiceAccountIdentity(tenant.namespace(), "default", tenant.serviceAccountUid(node.cluster()));
    return new StartContext(pod, "main", image, ImageReference.parse(image), imageRef, start.policy(), secrets, account);
  }

  private List<CredentialSource> nodeCredentials(NodeId node) {
    return node.nodeCredentials() ? List.of(new CredentialSource.NodeCredentials(NODE_CONFIG, dockerConfig(Fleet.PLATFORM_USER)))
        : List.of();
  }

  private DockerConfig dockerConfig(String user) {
    return new DockerConfig(DockerConfig.Format.DOCKER_CONFIG_JSON,
        List.of(DockerConfigEntry.basic(registry.hostPort(), user, registry.password(user))));
  }

  private static String secretUser(PodStart start) {
    return start.tenant() == null ? null : start.tenant().registryUser();
  }

  private static String nodeUser(NodeId node) {
    return node.nodeCredentials() ? Fleet.PLATFORM_USER : null;
  }

  private Credential podSecret(PodStart start) {
    Tenant tenant = start.tenant();
    if (tenant == null) {
      return null;
    }
    return Credential.secret(tenant.registryUser() + "#" + registry.generation(tenant.registryUser()),
        tenant.namespace() + "/" + Tenant.SECRET_NAME + "/" + tenant.secretUid(start.node().cluster()));
  }

  private static Credential nodeCredential(NodeId node) {
    return node.nodeCredentials() ? Credential.node(Fleet.PLATFORM_USER + "#0") : null;
  }

  private Credential proofCredential(GroundTruth.Proof proof, PodStart start, NodeId node) {
    if (proof == null) {
      return null;
    }
    return switch (proof) {
      case SECRET -> podSecret(start);
      case NODE_CREDENTIAL -> nodeCredential(node);
      case ANONYMOUS -> Credential.ANONYMOUS;
    };
  }
}
