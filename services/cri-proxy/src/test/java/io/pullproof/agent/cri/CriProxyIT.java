package io.pullproof.agent.cri;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.channel.EventLoopGroup;
import io.pullproof.agent.AgentConfig;
import io.pullproof.agent.cri.KubeletClient.Start;
import io.pullproof.agent.cri.api.AuthConfig;
import io.pullproof.agent.cri.api.ContainerFilter;
import io.pullproof.agent.cri.api.ExecRequest;
import io.pullproof.agent.cri.api.ImageServiceGrpc;
import io.pullproof.agent.cri.api.ImageSpec;
import io.pullproof.agent.cri.api.ImageStatusRequest;
import io.pullproof.agent.cri.api.LinuxPodSandboxConfig;
import io.pullproof.agent.cri.api.LinuxSandboxSecurityContext;
import io.pullproof.agent.cri.api.ListContainersRequest;
import io.pullproof.agent.cri.api.NamespaceMode;
import io.pullproof.agent.cri.api.NamespaceOption;
import io.pullproof.agent.cri.api.PodSandboxConfig;
import io.pullproof.agent.cri.api.PullImageRequest;
import io.pullproof.agent.cri.api.RunPodSandboxRequest;
import io.pullproof.agent.cri.api.RuntimeServiceGrpc;
import io.pullproof.agent.cri.api.StatusRequest;
import io.pullproof.agent.cri.api.VersionRequest;
import io.pullproof.agent.cri.proxy.UnixSockets;
import io.pullproof.agent.enforce.KubeletMessages;
import io.pullproof.decisionservice.DecisionConfig;
import io.pullproof.decisionservice.DecisionMain;
import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.StartOutcome;
import io.pullproof.jdbc.Database;
import io.pullproof.jdbc.DatabaseConfig;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.oci.RegistryClient;
import io.pullproof.oci.RegistryCredentials;
import io.pullproof.stack.containerd.ContainerdRuntime;
import io.pullproof.stack.oci.ImagePusher;
import io.pullproof.stack.oci.OciRegistry;
import io.pullproof.stack.oci.TokenIssuer;
import io.pullproof.testkit.TestInfrastructure;
import io.pullproof.testkit.TopicRecorder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The CRI proxy between a kubelet-like CRI client ({@link KubeletClient}) and a REAL containerd
 * (Debian's 1.6, native snapshotter, the registry's CA via certs.d), with the REAL token-auth
 * registry, Kafka, schema registry, PostgreSQL and the REAL decision service. The Kubernetes API is
 * the fabric8 mock server in CRUD mode (no real kube-apiserver can run here): pods and secrets
 * are stored and watched as written, without admission, RBAC or validation.
 *
 * <p>No pod sandbox can run on this machine (no pause image, no CNI; see
 * {@link #runPodSandboxIsRelayedWithTheRuntimesOwnError}), so a start that the proxy lets through
 * is seen as CreateContainer reaching containerd, which answers NotFound for the sandbox; a start
 * the proxy refuses never reaches it (FAILED_PRECONDITION with the kubelet's message).
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CriProxyIT {
  static KubernetesClient kube;

  static final String NODE = "node-cri";
  static String id;
  static String image;
  static String repository;
  static String readerPassword;
  static OciRegistry registry;
  static TokenIssuer issuer;
  static ContainerdRuntime containerd;
  static TopicNames topics;
  static KafkaClientConfig kafka;
  static DecisionMain.Running decision;
  static Database ledger;
  static CriProxyMain.Running proxy;
  static Path proxySocket;
  static EventLoopGroup loops;
  static ManagedChannel viaProxy;
  static ManagedChannel direct;
  static KubeletClient kubelet;
  static TopicRecorder recorder;

  @BeforeAll
  static void startEverything() throws Exception {
    TestInfrastructure.startKafkaAndRegistry();
    issuer = TestInfrastructure.tokenIssuer();
    registry = TestInfrastructure.tokenRegistry();
    containerd = TestInfrastructure.containerd();
    String prefix = TestInfrastructure.newTopicPrefix();
    id = prefix.substring(3, prefix.length() - 1);
    readerPassword = "reader-" + UUID.randomUUID();
    String ownerPassword = "owner-" + UUID.randomUUID();
    issuer.addUser(id + "-owner", ownerPassword);
    issuer.grant(id + "-owner", id + "/*", "pull", "push");
    issuer.addUser(id + "-reader", readerPassword);
    issuer.grant(id + "-reader", id + "/*", "pull");
    repository = id + "/app";
    new ImagePusher(new RegistryClient(registry.baseUri(), registry.sslContext(),
        new RegistryCredentials(id + "-owner", ownerPassword))).push(repository, "1");
    image = registry.hostPort() + "/" + repository + ":1";

    topics = new TopicNames(prefix);
    kafka = new KafkaClientConfig(TestInfrastructure.kafka().bootstrapServers(), TestInfrastructure.schemaRegistry().url(),
        "cri-it");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(admin).ensure(TopicLayout.singleBroker().specs(topics).values());
    }
    DatabaseConfig ledgerDatabase = TestInfrastructure.newDatabase("cri_ledger");
    ledger = Database.open(ledgerDatabase, "cri-it-ledger", "classpath:db/ledger");
    decision = DecisionMain.start(DecisionConfig.from(ConfigSource.of(Map.of(
        DecisionConfig.KAFKA_BOOTSTRAP.name(), kafka.bootstrapServers(),
        DecisionConfig.SCHEMA_REGISTRY_URL.name(), kafka.schemaRegistryUrl(),
        DecisionConfig.TOPIC_PREFIX.name(), topics.prefix(),
        DecisionConfig.DB_URL.name(), ledgerDatabase.jdbcUrl(),
        DecisionConfig.LEDGER_SCHEMA.name(), ledgerDatabase.schema(),
        DecisionConfig.INSTANCE_ID.name(), "cri-it-decision",
        DecisionConfig.HTTP_HOST.name(), "127.0.0.1",
        DecisionConfig.HEALTH_PORT.name(), "0"))));
    recorder = new TopicRecorder(kafka, List.of(topics.pulls(), topics.startOutcomes()));

    proxySocket = TestInfrastructure.root().resolve("cri-" + id + ".sock");
    proxy = CriProxyMain.start(CriProxyConfig.from(ConfigSource.of(proxyEnv(proxySocket))), kube);
    loops = UnixSockets.eventLoops(1);
    viaProxy = UnixSockets.channel(proxySocket, loops);
    direct = UnixSockets.channel(containerd.socket(), loops);
    kubelet = new KubeletClient(viaProxy);
  }

  static Map<String, String> proxyEnv(Path listen) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put(AgentConfig.CLUSTER.name(), "it-cluster");
    env.put(AgentConfig.NODE.name(), NODE);
    env.put(AgentConfig.KAFKA_BOOTSTRAP.name(), kafka.bootstrapServers());
    env.put(AgentConfig.SCHEMA_REGISTRY_URL.name(), kafka.schemaRegistryUrl());
    env.put(AgentConfig.FLEET_KEY_ID.name(), "fleet-it");
    env.put(AgentConfig.FLEET_KEY.name(), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    env.put(AgentConfig.STATE_DIR.name(), Files.createTempDirectory(TestInfrastructure.root(), "cri-state").toString());
    env.put(AgentConfig.HEALTH_PORT.name(), "0");
    env.put(AgentConfig.TOPIC_PREFIX.name(), topics.prefix());
    env.put(AgentConfig.VERDICT_TIMEOUT.name(), "3s");
    env.put(AgentConfig.ALLOW_CACHE_TTL.name(), "0s");
    env.put(AgentConfig.REGISTRY_CA_FILE.name(), registry.caCertificatePem().toString());
    env.put(AgentConfig.REGISTRY_CONNECT_TIMEOUT.name(), "1s");
    env.put(CriProxyConfig.LISTEN_SOCKET.name(), listen.toString());
    env.put(CriProxyConfig.RUNTIME_SOCKET.name(), containerd.socket().toString());
    return env;
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable closeable : new AutoCloseable[] {recorder, proxy, decision, ledger}) {
      if (closeable != null) {
        closeable.close();
      }
    }
    for (ManagedChannel channel : new ManagedChannel[] {viaProxy, direct}) {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    if (loops != null) {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  // ---- the Kubernetes side (fabric8 mock server, CRUD mode)

  static Secret secret(String namespace, String name, String username, String password) {
    String config = "{\"auths\":{\"" + registry.hostPort() + "\":{\"username\":\"" + username + "\",\"password\":\""
        + password + "\"}}}";
    return kube.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
        .withNamespace(namespace).withUid(UUID.randomUUID().toString()).endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .addToData(".dockerconfigjson", Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8)))
        .build()).create();
  }

  static PodSandboxConfig pod(String namespace, String name, String policy, String... secrets) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .withUid(UUID.randomUUID().toString()).endMetadata()
        .withNewSpec().withNodeName(NODE)
        .addNewContainer().withName("app").withImage(image).withImagePullPolicy(policy).endContainer()
        .endSpec();
    for (String secret : secrets) {
      pod.editSpec().addNewImagePullSecret(secret).endSpec();
    }
    Pod created = kube.pods().inNamespace(namespace).resource(pod.build()).create();
    return KubeletClient.sandbox(namespace, name, created.getMetadata().getUid());
  }

  /** Manifest and token requests the registry logged for our repository: zero means no registry traffic. */
  static long registryRequests() throws Exception {
    return Files.readAllLines(registry.logFile()).stream().filter(line -> line.contains("/v2/" + repository + "/")).count();
  }

  static AuthConfig readerAuth() {
    return KubeletClient.auth(id + "-reader", readerPassword);
  }

  static ContainerStartObserved outcomeFor(PodSandboxConfig sandbox) throws InterruptedException {
    return recorder.await(ContainerStartObserved.class,
        o -> o.getPod().getUid().equals(sandbox.getMetadata().getUid()));
  }

  // ---- the cases of issue 10

  @Test
  @Order(1)
  void tenantAPullsThePrivateImageAndThePullBecomesAnImagePulledWithItsSecret() throws Exception {
    secret("team-a", "pull-a", id + "-reader", readerPassword);
    String secretUid = kube.secrets().inNamespace("team-a").withName("pull-a").get().getMetadata().getUid();
    PodSandboxConfig podA = pod("team-a", "a-1", "IfNotPresent", "pull-a");

    Start start = kubelet.start(podA, "app", image, "IfNotPresent", List.of(readerAuth()));

    assertThat(start.pullAttempts()).isEqualTo(1);
    assertThat(start.reachedRuntime()).as("started: %s", start).isTrue();
    ImagePulled pulled = recorder.await(ImagePulled.class,
        p -> !p.getVerification() && p.getPod() != null && p.getPod().getUid().equals(podA.getMetadata().getUid()));
    assertThat(pulled.getCredential().getKind()).isEqualTo(CredentialKind.SECRET);
    assertThat(pulled.getCredential().getSecret().getUid()).isEqualTo(secretUid);
    assertThat(pulled.getCredential().getHash()).startsWith("hmac-sha256:fleet-it:");
    assertThat(pulled.getImageRef()).startsWith("sha256:");
    assertThat(pulled.getName()).isEqualTo(registry.hostPort() + "/" + repository);
    assertThat(recorder.rawValues()).noneSatisfy(bytes ->
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains(readerPassword));
  }

  @Test
  @Order(2)
  void tenantBWithoutCredentialsIsRefusedWithTheKubeletsWording() throws Exception {
    PodSandboxConfig podB = pod("team-b", "b-nocreds", "IfNotPresent");

    Start start = kubelet.start(podB, "app", image, "IfNotPresent", List.of());

    assertThat(start.pullAttempts()).as("the image is present: the kubelet does not pull").isZero();
    assertThat(start.refusedByProxy()).as("refused: %s", start).isTrue();
    // An anonymous token for a private repository: the registry's insufficient_scope, worded as containerd words it.
    assertThat(start.message()).isEqualTo("Failed to pull image \"" + image
        + "\": denied: requested access to the resource is denied (insufficient_scope)");
    ContainerStartObserved outcome = outcomeFor(podB);
    assertThat(outcome.getOutcome()).isEqualTo(StartOutcome.BLOCKED_ERR_IMAGE_PULL);
    assertThat(outcome.getDecisionSource()).isEqualTo(DecisionSource.REGISTRY_VERIFICATION);
  }

  @Test
  @Order(3)
  void tenantBWithTheSameCredentialsInItsOwnSecretStartsWithoutRegistryTraffic() throws Exception {
    secret("team-b", "pull-b", id + "-reader", readerPassword);
    PodSandboxConfig podB = pod("team-b", "b-samecreds", "IfNotPresent", "pull-b");
    long before = registryRequests();

    Start start = kubelet.start(podB, "app", image, "IfNotPresent", List.of(readerAuth()));

    assertThat(start.reachedRuntime()).as("started: %s", start).isTrue();
    ContainerStartObserved outcome = outcomeFor(podB);
    assertThat(outcome.getOutcome()).isEqualTo(StartOutcome.STARTED);
    assertThat(outcome.getDecisionSource()).isEqualTo(DecisionSource.VERDICT);
    assertThat(registryRequests()).isEqualTo(before);
  }

  @Test
  @Order(4)
  void anAlwaysPodReachesTheRegistry() throws Exception {
    PodSandboxConfig pod = pod("team-a", "a-always", "Always", "pull-a");
    long before = registryRequests();

    Start start = kubelet.start(pod, "app", image, "Always", List.of(readerAuth()));

    assertThat(start.pullAttempts()).isEqualTo(1);
    assertThat(start.reachedRuntime()).as("started: %s", start).isTrue();
    assertThat(registryRequests()).isGreaterThan(before);
  }

  @Test
  @Order(5)
  void aNeverPodWithMatchingCredentialsStarts() throws Exception {
    PodSandboxConfig pod = pod("team-b", "b-never-creds", "Never", "pull-b");

    Start start = kubelet.start(pod, "app", image, "Never", List.of(readerAuth()));

    assertThat(start.reachedRuntime()).as("started: %s", start).isTrue();
    assertThat(outcomeFor(pod).getOutcome()).isEqualTo(StartOutcome.STARTED);
  }

  @Test
  @Order(6)
  void aNeverPodWithoutMatchingCredentialsSeesNotPresent() throws Exception {
    PodSandboxConfig pod = pod("team-c", "c-never", "Never");

    Start start = kubelet.start(pod, "app", image, "Never", List.of());

    assertThat(start.refusedByProxy()).as("refused: %s", start).isTrue();
    assertThat(start.message()).isEqualTo(KubeletMessages.neverPull(image));
    assertThat(outcomeFor(pod).getOutcome()).isEqualTo(StartOutcome.BLOCKED_ERR_IMAGE_NEVER_PULL);
  }

  @Test
  @Order(7)
  void aWrongPasswordPullFailsWithContainerdsOwnErrorUnchanged() {
    PullImageRequest pull = PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image))
        .setAuth(KubeletClient.auth(id + "-reader", "wrong")).build();

    StatusRuntimeException throughProxy = callFails(() -> ImageServiceGrpc.newBlockingStub(viaProxy).pullImage(pull));
    StatusRuntimeException straight = callFails(() -> ImageServiceGrpc.newBlockingStub(direct).pullImage(pull));

    assertThat(throughProxy.getStatus().getCode()).isEqualTo(straight.getStatus().getCode());
    assertThat(throughProxy.getStatus().getDescription()).contains("401 Unauthorized");
  }

  @Test
  @Order(8)
  void passThroughIsFaithfulForUnaryCallsAndErrors() {
    RuntimeServiceGrpc.RuntimeServiceBlockingStub proxied = RuntimeServiceGrpc.newBlockingStub(viaProxy);
    RuntimeServiceGrpc.RuntimeServiceBlockingStub straight = RuntimeServiceGrpc.newBlockingStub(direct);

    assertThat(proxied.version(VersionRequest.newBuilder().setVersion("v1").build()))
        .isEqualTo(straight.version(VersionRequest.newBuilder().setVersion("v1").build()));
    assertThat(proxied.listContainers(ListContainersRequest.getDefaultInstance()))
        .isEqualTo(straight.listContainers(ListContainersRequest.getDefaultInstance()));
    assertThat(proxied.status(StatusRequest.getDefaultInstance()).getStatus())
        .isEqualTo(straight.status(StatusRequest.getDefaultInstance()).getStatus());
    assertThat(ImageServiceGrpc.newBlockingStub(viaProxy).imageStatus(
        ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build()))
        .isEqualTo(ImageServiceGrpc.newBlockingStub(direct).imageStatus(
            ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build()));
    // Exec on a container that does not exist: the streaming-URL call, error relayed unchanged.
    ExecRequest exec = ExecRequest.newBuilder().setContainerId("no-such-container").addCmd("true").setStdout(true).build();
    Status viaProxyStatus = callFails(() -> proxied.exec(exec)).getStatus();
    Status directStatus = callFails(() -> straight.exec(exec)).getStatus();
    assertThat(viaProxyStatus.getCode()).isEqualTo(directStatus.getCode());
    assertThat(viaProxyStatus.getDescription()).isEqualTo(directStatus.getDescription());
    ListContainersRequest filtered = ListContainersRequest.newBuilder()
        .setFilter(ContainerFilter.newBuilder().setPodSandboxId("none")).build();
    assertThat(proxied.listContainers(filtered).getContainersList()).isEmpty();
  }

  @Test
  @Order(9)
  void runPodSandboxIsRelayedWithTheRuntimesOwnError() {
    // Host network (no CNI on this machine); the pause image is on no reachable registry.
    RunPodSandboxRequest run = RunPodSandboxRequest.newBuilder().setConfig(
        KubeletClient.sandbox("team-a", "sandbox-try", "uid-sandbox-try").toBuilder()
            .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))).build();

    Status viaProxyStatus = callFails(() -> RuntimeServiceGrpc.newBlockingStub(viaProxy)
        .withDeadlineAfter(60, TimeUnit.SECONDS).runPodSandbox(run)).getStatus();
    Status directStatus = callFails(() -> RuntimeServiceGrpc.newBlockingStub(direct)
        .withDeadlineAfter(60, TimeUnit.SECONDS).runPodSandbox(run)).getStatus();

    System.out.println("RunPodSandbox on this machine, through the proxy: " + viaProxyStatus);
    System.out.println("RunPodSandbox on this machine, directly:          " + directStatus);
    assertThat(viaProxyStatus.getCode()).isEqualTo(directStatus.getCode());
    assertThat(viaProxyStatus.getDescription()).contains(TestInfrastructure.SANDBOX_IMAGE);
  }

  @Test
  @Order(10)
  void registryDownBlocksAPodThatNeedsVerification() throws Exception {
    Map<String, String> users = Map.of("down-user", "down-pass");
    OciRegistry doomed = TestInfrastructure.newHtpasswdRegistry(users);
    containerd.trustRegistry(doomed.hostPort(), doomed.caCertificatePem());
    new ImagePusher(new RegistryClient(doomed.baseUri(), doomed.sslContext(),
        new RegistryCredentials("down-user", "down-pass"))).push(id + "/down", "1");
    String downImage = doomed.hostPort() + "/" + id + "/down:1";
    PodSandboxConfig owner = KubeletClient.sandbox("team-a", "a-down", "uid-a-down-" + id);
    ImageServiceGrpc.newBlockingStub(viaProxy).pullImage(PullImageRequest.newBuilder()
        .setImage(ImageSpec.newBuilder().setImage(downImage)).setAuth(KubeletClient.auth("down-user", "down-pass"))
        .setSandboxConfig(owner).build());
    doomed.close();

    PodBuilder spec = new PodBuilder().withNewMetadata().withName("b-down").withNamespace("team-b")
        .withUid(UUID.randomUUID().toString()).endMetadata().withNewSpec().withNodeName(NODE)
        .addNewContainer().withName("app").withImage(downImage).withImagePullPolicy("IfNotPresent").endContainer()
        .endSpec();
    Pod created = kube.pods().inNamespace("team-b").resource(spec.build()).create();
    PodSandboxConfig pod = KubeletClient.sandbox("team-b", "b-down", created.getMetadata().getUid());
    Start start = kubelet.start(pod, "app", downImage, "IfNotPresent", List.of());

    assertThat(start.refusedByProxy()).as("refused: %s", start).isTrue();
    assertThat(start.message()).startsWith("Failed to pull image \"" + downImage + "\": registry unreachable");
    assertThat(outcomeFor(pod).getOutcome()).isEqualTo(StartOutcome.BLOCKED_REGISTRY_UNREACHABLE);
  }

  @Test
  @Order(11)
  void decisionServiceDownFallsBackToTheRegistryWithThePodsCredentials() throws Exception {
    decision.close();
    decision = null;
    PodSandboxConfig withCreds = pod("team-b", "b-fallback", "IfNotPresent", "pull-b");
    PodSandboxConfig without = pod("team-c", "c-fallback", "IfNotPresent");

    Start allowed = kubelet.start(withCreds, "app", image, "IfNotPresent", List.of(readerAuth()));
    Start refused = kubelet.start(without, "app", image, "IfNotPresent", List.of());

    assertThat(allowed.reachedRuntime()).as("started: %s", allowed).isTrue();
    assertThat(outcomeFor(withCreds).getDecisionSource()).isEqualTo(DecisionSource.REGISTRY_FALLBACK);
    assertThat(refused.refusedByProxy()).as("refused: %s", refused).isTrue();
    assertThat(outcomeFor(without).getOutcome()).isEqualTo(StartOutcome.BLOCKED_ERR_IMAGE_PULL);
  }

  private static StatusRuntimeException callFails(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }
}
