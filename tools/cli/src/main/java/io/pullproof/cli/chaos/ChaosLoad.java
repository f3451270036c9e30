package io.pullproof.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullproof.cli.chaos.ChaosServers.Tenant;
import io.pullproof.oci.ManifestCheck;
import io.pullproof.oci.RegistryClient;
import io.pullproof.oci.RegistryCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;

/**
 * The kubelets and container runtimes of the scenario's nodes, as a load generator: worker threads
 * start pods of random tenants on random nodes through each node agent's local API, a quarter of
 * them naming another tenant's image (the loophole: that image may already be cached on the node).
 * An image absent from a node is pulled for real from the registry with the pod's own credentials,
 * and a successful pull is reported to the agent, like the runtime's pull would be; images are
 * garbage-collected from nodes now and then, so pulls keep coming.
 *
 * <p>Every start is judged by the ground truth (a tenant may run its own repository only): a start
 * of another tenant's image is an unsafe ALLOW. Everything the agents accepted for publishing is
 * remembered by event id, so the scenario can look for each one in the ledger afterwards.
 */
final class ChaosLoad implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double FOREIGN_IMAGE = 0.25;
  private static final double IMAGE_GC = 0.15;
  /** Pause between a worker's starts: the load stays bounded (about 100 starts/s at most). */
  private static final Duration PACE = Duration.ofMillis(40);

  private final List<URI> agents;
  private final List<Tenant> tenants;
  private final String registryHostPort;
  private final Map<String, RegistryClient> pullClients = new ConcurrentHashMap<>();
  private final List<Set<String>> cached = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Set<String> pullsSent = ConcurrentHashMap.newKeySet();
  private final Set<String> requestsSent = ConcurrentHashMap.newKeySet();
  private final List<String> unsafeStarts = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Map<String, LongAdder>> byPhase = new ConcurrentHashMap<>();
  private final AtomicLong podCounter = new AtomicLong();
  private final List<Thread> workers = new ArrayList<>();
  private final long seed;
  private volatile String phase = "before";
  private volatile boolean running;

  ChaosLoad(List<URI> agents, List<Tenant> tenants, String registryHostPort, SSLContext registryTrust, long seed) {
    this.agents = List.copyOf(agents);
    this.tenants = List.copyOf(tenants);
    this.registryHostPort = registryHostPort;
    this.seed = seed;
    for (int i = 0; i < agents.size(); i++) {
      cached.add(ConcurrentHashMap.newKeySet());
    }
    for (Tenant tenant : tenants) {
      pullClients.put(tenant.user(), new RegistryClient(URI.create("https://" + registryHostPort), registryTrust,
          new RegistryCredentials(tenant.user(), tenant.password()), Duration.ofSeconds(1), Duration.ofSeconds(3)));
    }
  }

  /** Starts {@code workerCount} workers; they run until {@link #close()}. */
  void start(int workerCount) {
    running = true;
    for (int i = 0; i < workerCount; i++) {
      Random random = new Random(seed * 31 + i);
      Thread worker = new Thread(() -> run(random), "chaos-load-" + i);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
  }

  /** Names what happens from now on in the tallies ("before", "during", "after"). */
  void phase(String name) {
    phase = name;
  }

  Set<String> pullsSent() {
    return Set.copyOf(pullsSent);
  }

  Set<String> requestsSent() {
    return Set.copyOf(requestsSent);
  }

  List<String> unsafeStarts() {
    synchronized (unsafeStarts) {
      return List.copyOf(unsafeStarts);
    }
  }

  /** Per phase, how many starts ended how ({@code START VERDICT}, {@code BLOCK REGISTRY_FALLBACK}, {@code pull DENIED}...). */
  Map<String, Map<String, Long>> tallies() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    byPhase.forEach((phaseName, counts) -> {
      Map<String, Long> copy = new TreeMap<>();
      counts.forEach((what, n) -> copy.put(what, n.sum()));
      out.put(phaseName, copy);
    });
    return out;
  }

  long count(String phaseName, String what) {
    LongAdder n = byPhase.getOrDefault(phaseName, Map.of()).get(what);
    return n == null ? 0 : n.sum();
  }

  private void run(Random random) {
    while (running) {
      try {
        step(random);
      } catch (IOException e) {
        // The agent is down (killed, restarting): the kubelet would retry the start later.
        tally("agent unreachable");
      } catch (InterruptedException e) {
        return;
      }
      try {
        Thread.sleep(PACE.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void step(Random random) throws IOException, InterruptedException {
    int node = random.nextInt(agents.size());
    Tenant tenant = tenants.get(random.nextInt(tenants.size()));
    Tenant owner = random.nextDouble() < FOREIGN_IMAGE ? tenants.get(random.nextInt(tenants.size())) : tenant;
    String image = registryHostPort + "/" + owner.repository() + ":1";
    String pod = tenant.namespace() + "/p-" + podCounter.incrementAndGet();
    if (random.nextDouble() < IMAGE_GC) {
      // The kubelet's image garbage collection: the next start of it on this node pulls again.
      cached.get(node).remove(owner.repository());
    }
    if (!cached.get(node).contains(owner.repository())) {
      JsonNode decision = post(node, "/v1/container-starts", startBody(pod, tenant, image, null));
      if (!"PULL".equals(decision.path("action").asText())) {
        tally("absent image " + decision.path("action").asText() + " " + decision.path("outcome").asText());
        return;
      }
      pull(node, pod, tenant, owner, image);
      return;
    }
    JsonNode decision = post(node, "/v1/container-starts", startBody(pod, tenant, image, owner.digest()));
    String action = decision.path("action").asText();
    String source = decision.path("decisionSource").asText();
    tally("BLOCK".equals(action) ? action + " " + source + " " + decision.path("outcome").asText() : action + " " + source);
    String requestId = decision.path("requestId").asText(null);
    if (requestId != null && !"CACHED_VERDICT".equals(source)) {
      requestsSent.add(requestId);
    }
    if ("START".equals(action) && owner != tenant) {
      unsafeStarts.add(pod + " (" + tenant.user() + ") started " + image + " on node-" + node + " via " + source
          + " (request " + requestId + ")");
    }
  }

  /** The runtime's pull, with the pod's own credentials; a successful one is reported to the agent. */
  private void pull(int node, String pod, Tenant tenant, Tenant owner, String image) throws IOException, InterruptedException {
    ManifestCheck check = pullClients.get(tenant.user()).checkManifest(owner.repository(), owner.digest());
    if (!check.found()) {
      tally("pull " + check.result());
      return;
    }
    if (owner != tenant) {
      // Not ours to judge: the registry itself let a tenant pull what it has no grant for.
      unsafeStarts.add("the registry let " + tenant.user() + " pull " + image);
    }
    ObjectNode body = JSON.createObjectNode();
    body.set("pod", podJson(pod));
    body.put("image", image).put("imageRef", owner.digest());
    body.putObject("credential").put("kind", "SECRET").put("secretUid", tenant.secretUid());
    body.putArray("pullSecrets").add(secretJson(tenant));
    JsonNode accepted = post(node, "/v1/pulls", body);
    String eventId = accepted.path("eventId").asText(null);
    if (eventId == null) {
      tally("pull report refused");
      return;
    }
    pullsSent.add(eventId);
    cached.get(node).add(owner.repository());
    tally("pulled");
  }

  private ObjectNode startBody(String pod, Tenant tenant, String image, String imageRef) {
    ObjectNode body = JSON.createObjectNode();
    body.set("pod", podJson(pod));
    body.put("container", "app").put("image", image);
    if (imageRef != null) {
      body.put("imageRef", imageRef);
    }
    body.put("pullPolicy", "IfNotPresent");
    body.putArray("pullSecrets").add(secretJson(tenant));
    return body;
  }

  private static ObjectNode podJson(String pod) {
    int slash = pod.indexOf('/');
    return JSON.createObjectNode().put("namespace", pod.substring(0, slash)).put("name", pod.substring(slash + 1))
        .put("uid", UUID.nameUUIDFromBytes(pod.getBytes(StandardCharsets.UTF_8)).toString());
  }

  private ObjectNode secretJson(Tenant tenant) {
    String config = JSON.createObjectNode().set("auths", JSON.createObjectNode().set(registryHostPort,
        JSON.createObjectNode().put("username", tenant.user()).put("password", tenant.password()))).toString();
    return JSON.createObjectNode().put("name", "regcred").put("uid", tenant.secretUid())
        .put("type", "kubernetes.io/dockerconfigjson")
        .put("data", Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8)));
  }

  /** A non-2xx answer is tallied and read as an empty decision. */
  private JsonNode post(int node, String path, JsonNode body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(agents.get(node).resolve(path)).timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      tally("agent answered " + response.statusCode());
      return JSON.createObjectNode();
    }
    return JSON.readTree(response.body());
  }

  private void tally(String what) {
    byPhase.computeIfAbsent(phase, p -> new ConcurrentHashMap<>()).computeIfAbsent(what, w -> new LongAdder()).increment();
  }

  /** Stops the workers and waits for the starts in flight. */
  @Override
  public void close() {
    running = false;
    for (Thread worker : workers) {
      try {
        worker.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
