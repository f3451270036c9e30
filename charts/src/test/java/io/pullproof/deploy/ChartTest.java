package io.pullproof.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart, rendered by Helm for the defaults and each example fleet shape, checked for what
 * matters in a fleet: it lints strictly, every object matches its Kubernetes schema, the agent
 * runs on every node, nothing runs as root, secrets never sit in a ConfigMap, probes reach the
 * health server's port (ProbeEndpointsTest checks the paths against the real server), and every
 * setting is one the service declares and accepts.
 */
class ChartTest {
  private static final Map<String, List<Manifest>> RENDERED = new ConcurrentHashMap<>();

  /** Defaults, each example, and the values at the schema's limits. */
  static Stream<Optional<Path>> valueSets() {
    return Stream.concat(ChartRendering.valueSets().stream(), ChartRendering.edgeValues().stream().map(Optional::of));
  }

  private static List<Manifest> rendered(Optional<Path> values) {
    return RENDERED.computeIfAbsent(ChartRendering.label(values), k -> ChartRendering.render(values));
  }

  private static Stream<Manifest> workloads(List<Manifest> manifests) {
    return manifests.stream().filter(Manifest::isWorkload);
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void lintsStrictly(Optional<Path> values) {
    LintResult lint = ChartRendering.lint(values);
    assertThat(lint.isFailed()).as("helm lint --strict %s: %s", ChartRendering.label(values), lint.getMessages()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void everyRenderedObjectMatchesItsKubernetesSchema(Optional<Path> values) {
    List<Manifest> manifests = rendered(values);
    assertThat(manifests).isNotEmpty();
    assertThat(KubernetesSchemas.problems(manifests)).as(ChartRendering.label(values)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void numbersAreRenderedAsIntegersNotFloats(Optional<Path> values) {
    // Helm holds numbers as float64: a large one prints as 1e+09, which the API server refuses
    // for an integer field although YAML and the JSON schemas accept it.
    String text = ChartRendering.renderText(values.map(List::of).orElse(List.of()));
    assertThat(text).doesNotContainPattern("(?m):\\s+-?[0-9.]+[eE][+-]?[0-9]+\\s*$");
  }

  @Test
  void schemaValidationCatchesABrokenObject() {
    // The validator must be able to fail: a DaemonSet whose container port is text.
    Manifest agent = rendered(Optional.empty()).stream().filter(m -> m.kind().equals("DaemonSet")).findFirst().orElseThrow();
    JsonNode broken = agent.body().deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken.at("/spec/template/spec/containers/0/ports/0")).put("containerPort", "api");
    assertThat(KubernetesSchemas.problems(List.of(new Manifest(broken))))
        .singleElement().asString().contains("containerPort");
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void agentRunsOnEveryNode(Optional<Path> values) {
    workloads(rendered(values)).filter(m -> m.kind().equals("DaemonSet")).forEach(agent -> {
      JsonNode pod = agent.podSpec();
      // A toleration with operator Exists and no key or effect tolerates every taint.
      assertThat(pod.path("tolerations")).as(agent.id())
          .anyMatch(t -> t.path("operator").asText().equals("Exists") && !t.has("key") && !t.has("effect"));
      assertThat(pod.path("affinity").isMissingNode()).as("%s: no affinity narrows the nodes", agent.id()).isTrue();
      assertThat(pod.path("priorityClassName").asText()).as("%s priority class", agent.id()).isNotEmpty();
      assertThat(pod.path("hostNetwork").asBoolean()).as("%s: the runtime hook reaches the API on the node's loopback", agent.id()).isTrue();
      assertThat(pod.path("dnsPolicy").asText()).isEqualTo("ClusterFirstWithHostNet");
      boolean runtimeEndpoint = agent.containers().stream().anyMatch(c -> isCriProxy(agent, c));
      // A CRI proxy's pod is replaced node by node by the operator (OnDelete): the kubelet cannot
      // start a new one while the old one, its runtime, is gone.
      assertThat(agent.at("/spec/updateStrategy/type").asText()).isEqualTo(runtimeEndpoint ? "OnDelete" : "RollingUpdate");
    });
  }

  @Test
  void agentIsOnEveryNodeOfTheDefaultInstall() {
    assertThat(rendered(Optional.empty())).filteredOn(m -> m.kind().equals("DaemonSet")).hasSize(1)
        .allSatisfy(ds -> assertThat(ds.podSpec().path("nodeSelector").isMissingNode()).isTrue());
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void noContainerRunsAsRoot(Optional<Path> values) {
    workloads(rendered(values)).forEach(workload -> {
      JsonNode podContext = workload.podSpec().path("securityContext");
      assertThat(podContext.path("runAsNonRoot").asBoolean()).as("%s pod runAsNonRoot", workload.id()).isTrue();
      assertThat(podContext.path("runAsUser").asInt()).as("%s pod runAsUser", workload.id()).isPositive();
      assertThat(workload.podSpec().path("hostPID").asBoolean(false)).isFalse();
      assertThat(workload.podSpec().path("hostIPC").asBoolean(false)).isFalse();
      for (JsonNode container : workload.containers()) {
        String id = workload.id() + " container " + container.path("name").asText();
        JsonNode context = container.path("securityContext");
        assertThat(context.path("allowPrivilegeEscalation").asBoolean(true)).as(id).isFalse();
        assertThat(context.path("privileged").asBoolean(false)).as(id).isFalse();
        assertThat(context.path("readOnlyRootFilesystem").asBoolean()).as("%s readOnlyRootFilesystem", id).isTrue();
        assertThat(context.at("/capabilities/drop")).as(id).anyMatch(c -> c.asText().equals("ALL"));
        if (isCriProxy(workload, container)) {
          // agent.mode=cri: root for the two root-owned sockets, and not one capability more.
          assertThat(context.path("runAsUser").asInt(-1)).as(id).isZero();
          assertThat(context.has("capabilities") && context.path("capabilities").has("add")).as("%s adds no capability", id).isFalse();
          assertThat(container.path("volumeMounts")).extracting(m -> m.path("mountPath").asText())
              .contains("/run/pullproof", "/run/containerd");
        } else if (isStateDirPreparation(workload, container)) {
          // The one exception, by design: chown of the hostPath state dir needs uid 0. It may do
          // nothing else: only CHOWN and FOWNER, and only the chown/chmod command.
          assertThat(context.path("runAsUser").asInt()).isZero();
          assertThat(context.at("/capabilities/add")).extracting(JsonNode::asText).containsExactlyInAnyOrder("CHOWN", "FOWNER");
          assertThat(container.path("command").get(2).asText()).matches("chown \\d+:\\d+ /state && chmod 0700 /state");
          assertThat(container.path("volumeMounts")).singleElement().satisfies(m -> assertThat(m.path("mountPath").asText()).isEqualTo("/state"));
        } else {
          boolean nonRoot = context.path("runAsNonRoot").asBoolean(podContext.path("runAsNonRoot").asBoolean());
          int user = context.path("runAsUser").asInt(podContext.path("runAsUser").asInt(0));
          assertThat(nonRoot).as("%s runAsNonRoot", id).isTrue();
          assertThat(user).as("%s runAsUser", id).isPositive();
          assertThat(context.has("capabilities") && context.path("capabilities").has("add")).as("%s adds no capability", id).isFalse();
        }
      }
    });
  }

  @Test
  void withAPreparedStateDirNothingRunsAsRoot() {
    List<Manifest> manifests = ChartRendering.render(Optional.empty(), "agent.prepareStateDir", "false");
    workloads(manifests).flatMap(w -> w.containers().stream()).forEach(c ->
        assertThat(c.at("/securityContext/runAsUser").asInt(10001)).as(c.path("name").asText()).isPositive());
    assertThat(workloads(manifests).filter(w -> w.kind().equals("DaemonSet")).findFirst().orElseThrow().podSpec().has("initContainers")).isFalse();
  }

  private static boolean isCriProxy(Manifest workload, JsonNode container) {
    return workload.kind().equals("DaemonSet") && container.path("name").asText().equals("cri-proxy");
  }

  private static boolean isStateDirPreparation(Manifest workload, JsonNode container) {
    return workload.kind().equals("DaemonSet") && container.path("name").asText().equals("prepare-state-dir");
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void secretsNeverSitInAConfigMapOrALiteral(Optional<Path> values) {
    List<Manifest> manifests = rendered(values);
    Set<String> secretNames = new HashSet<>();
    for (ServiceSettings service : ServiceSettings.values()) {
      secretNames.addAll(service.secretNames());
    }
    manifests.stream().filter(m -> m.kind().equals("ConfigMap")).forEach(map ->
        map.at("/data").fieldNames().forEachRemaining(key ->
            assertThat(secretNames).as("%s holds %s", map.id(), key).doesNotContain(key)));
    workloads(manifests).forEach(workload -> workload.containers().forEach(container ->
        PodSettings.of(workload, container, manifests).env().values().stream()
            .filter(e -> secretNames.contains(e.name()))
            .forEach(e -> assertThat(e.source()).as("%s %s", workload.id(), e.name()).isEqualTo(PodSettings.Source.SECRET))));
  }

  @Test
  void tokenHashesGivenAsValuesBecomeASecretNeverAConfigMap() {
    Path perCluster = ChartRendering.chart().resolve("examples/per-cluster.yaml");
    List<Manifest> manifests = rendered(Optional.of(perCluster));
    String hash = "4b227777d4dd1fc61c6f884f48641d02b4d121d3fd328cb08b5531fcacdabf8a";
    assertThat(manifests).filteredOn(m -> m.kind().equals("Secret"))
        .anySatisfy(s -> assertThat(s.at("/stringData/tokens").asText()).contains("ci-auditor auditor " + hash));
    assertThat(manifests).filteredOn(m -> !m.kind().equals("Secret"))
        .allSatisfy(m -> assertThat(m.body().toString()).doesNotContain(hash));
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void probesPointAtTheHealthServerThePortSettingOpens(Optional<Path> values) {
    List<Manifest> manifests = rendered(values);
    workloads(manifests).forEach(workload -> {
      for (JsonNode container : workload.podSpec().path("containers")) {
        ServiceSettings service = ServiceSettings.ofComponent(container.path("name").asText())
            .orElseThrow(() -> new AssertionError(workload.id() + ": unknown container " + container.path("name")));
        PodSettings settings = PodSettings.of(workload, container, manifests);
        Map<String, String> env = new java.util.HashMap<>();
        settings.env().values().stream().filter(e -> e.source() != PodSettings.Source.SECRET)
            .forEach(e -> env.put(e.name(), e.value()));
        int healthPort = service.healthPort(env);
        boolean runtimeEndpoint = isCriProxy(workload, container);
        // The kubelet must never kill its own runtime endpoint for a failed probe: readiness only.
        assertThat(container.has("livenessProbe")).as("%s liveness probe", workload.id()).isEqualTo(!runtimeEndpoint);
        assertThat(container.has("startupProbe")).as("%s startup probe", workload.id()).isEqualTo(!runtimeEndpoint);
        for (String probe : runtimeEndpoint ? List.of("readinessProbe")
            : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
          JsonNode get = container.path(probe).path("httpGet");
          assertThat(get.isMissingNode()).as("%s has %s", workload.id(), probe).isFalse();
          assertThat(containerPort(container, get.path("port"))).as("%s %s port", workload.id(), probe).isEqualTo(healthPort);
        }
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        if (!runtimeEndpoint) {
          assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        }
      }
    });
  }

  private static int containerPort(JsonNode container, JsonNode port) {
    if (port.isInt()) {
      return port.asInt();
    }
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(port.asText())) {
        return p.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + port);
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void everySettingIsDeclaredAndAcceptedByItsService(Optional<Path> values, @TempDir Path scratch) {
    List<Manifest> manifests = rendered(values);
    workloads(manifests).forEach(workload -> {
      for (JsonNode container : workload.podSpec().path("containers")) {
        ServiceSettings service = ServiceSettings.ofComponent(container.path("name").asText()).orElseThrow();
        PodSettings settings = PodSettings.of(workload, container, manifests);
        Set<String> declared = new HashSet<>(service.names());
        declared.addAll(ServiceSettings.JVM_VARIABLES);
        assertThat(declared).as("%s: settings its config class declares", workload.id()).containsAll(settings.env().keySet());
        assertThat(settings.env().keySet()).as("%s: required settings", workload.id()).containsAll(service.requiredNames());
        Map<String, String> env = settings.forParsing(scratch);
        assertThatCode(() -> service.parse(env)).as("%s: %s accepts %s", workload.id(), service, env).doesNotThrowAnyException();
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"central-hub.yaml", "central-member.yaml"})
  void kafkaSecuritySettingsReachEveryComponentThatTalksToKafka(String example) {
    // sasl.jaas.config cannot pass through PULLPROOF_KAFKA_PROPERTIES (';' separates entries and
    // must end a JAAS entry), so the chart hands the JVM a JAAS file from kafka.jaasSecret; the
    // rest of the client settings come from kafka.propertiesSecret, never inline.
    List<Manifest> manifests = rendered(Optional.of(ChartRendering.chart().resolve("examples/" + example)));
    List<Manifest> workloads = workloads(manifests).toList();
    assertThat(workloads).isNotEmpty().allSatisfy(workload -> {
      JsonNode container = workload.podSpec().path("containers").get(0);
      var env = PodSettings.of(workload, container, manifests).env();
      assertThat(env.get("PULLPROOF_KAFKA_PROPERTIES")).as(workload.id()).isNotNull();
      assertThat(container.path("env")).as(workload.id()).anySatisfy(e -> {
        assertThat(e.path("name").asText()).isEqualTo("PULLPROOF_KAFKA_PROPERTIES");
        assertThat(e.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("pullproof-kafka");
        assertThat(e.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("kafka.properties");
      });
      String options = env.get("JAVA_TOOL_OPTIONS").value();
      java.util.regex.Matcher file = java.util.regex.Pattern.compile("-Djava.security.auth.login.config=(\\S+)").matcher(options);
      assertThat(file.find()).as(workload.id()).isTrue();
      String path = file.group(1);
      JsonNode mount = null;
      for (JsonNode m : container.path("volumeMounts")) {
        if (path.startsWith(m.path("mountPath").asText() + "/")) {
          mount = m;
        }
      }
      assertThat(mount).as("%s mounts %s", workload.id(), path).isNotNull();
      String volumeName = mount.path("name").asText();
      String relative = path.substring(mount.path("mountPath").asText().length() + 1);
      assertThat(workload.podSpec().path("volumes")).anySatisfy(v -> {
        assertThat(v.path("name").asText()).isEqualTo(volumeName);
        assertThat(v.at("/secret/secretName").asText()).isEqualTo("pullproof-kafka");
        assertThat(v.at("/secret/items")).anyMatch(i -> i.path("key").asText().equals("jaas.conf") && i.path("path").asText().equals(relative));
      });
    });
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void leastPrivilegeApiAccessOnlyForTheCriProxy(Optional<Path> values) {
    List<Manifest> manifests = rendered(values);
    boolean criMode = workloads(manifests).anyMatch(w -> w.containers().stream().anyMatch(c -> isCriProxy(w, c)));
    if (!criMode) {
      assertThat(manifests).extracting(Manifest::kind)
          .doesNotContain("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding");
    } else {
      // Exactly: the pods (its node's, field-selected) and get on the Secrets those pods name.
      assertThat(manifests).filteredOn(m -> m.kind().equals("ClusterRole")).singleElement().satisfies(role ->
          assertThat(role.body().path("rules").toString()).isEqualTo(
              "[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\",\"list\",\"watch\"]},"
                  + "{\"apiGroups\":[\"\"],\"resources\":[\"secrets\"],\"verbs\":[\"get\"]}]"));
      assertThat(manifests).extracting(Manifest::kind).doesNotContain("Role", "RoleBinding");
      Manifest agent = workloads(manifests).filter(w -> w.kind().equals("DaemonSet")).findFirst().orElseThrow();
      assertThat(manifests).filteredOn(m -> m.kind().equals("ClusterRoleBinding")).singleElement().satisfies(binding ->
          assertThat(binding.body().at("/subjects/0/name").asText()).isEqualTo(agent.podSpec().path("serviceAccountName").asText()));
    }
    workloads(manifests).forEach(w -> {
      boolean needsApi = w.containers().stream().anyMatch(c -> isCriProxy(w, c));
      assertThat(w.podSpec().path("automountServiceAccountToken").asBoolean(true)).as(w.id()).isEqualTo(needsApi);
      String account = w.podSpec().path("serviceAccountName").asText();
      assertThat(manifests).as("%s ServiceAccount %s", w.id(), account)
          .anyMatch(m -> m.kind().equals("ServiceAccount") && m.name().equals(account));
    });
  }

  @Test
  void criModeMakesTheAgentTheKubeletsRuntimeEndpoint() {
    List<Manifest> manifests = rendered(Optional.of(ChartRendering.chart().resolve("examples/cri-mode.yaml")));
    Manifest agent = workloads(manifests).filter(w -> w.kind().equals("DaemonSet")).findFirst().orElseThrow();
    assertThat(agent.body().at("/spec/updateStrategy/type").asText()).isEqualTo("OnDelete");
    assertThat(agent.podSpec().has("initContainers")).isFalse();
    JsonNode proxy = agent.containers().stream().filter(c -> c.path("name").asText().equals("cri-proxy")).findFirst().orElseThrow();
    assertThat(proxy.path("command").toString()).contains("io.pullproof.agent.cri.CriProxyMain").contains("while true");
    Map<String, JsonNode> volumes = new java.util.HashMap<>();
    agent.podSpec().path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
    Map<String, String> mounts = new java.util.HashMap<>();
    proxy.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
    assertThat(volumes.get(mounts.get("/run/pullproof")).at("/hostPath/path").asText()).isEqualTo("/run/pullproof");
    // The runtime socket's directory, so a restarted containerd's new socket is seen.
    assertThat(volumes.get(mounts.get("/run/containerd")).at("/hostPath/path").asText()).isEqualTo("/run/containerd");
    assertThat(volumes.get(mounts.get("/run/containerd")).at("/hostPath/type").asText()).isEqualTo("Directory");
    var env = PodSettings.of(agent, proxy, manifests).env();
    assertThat(env.get("PULLPROOF_CRI_LISTEN_SOCKET").value()).isEqualTo("/run/pullproof/cri.sock");
    assertThat(env.get("PULLPROOF_CRI_RUNTIME_SOCKET").value()).isEqualTo("/run/containerd/containerd.sock");
    assertThat(proxy.path("image").asText()).contains("/pullproof-cri-proxy:");
  }

  @Test
  void fleetShapesRenderTheirComponents() {
    Path examples = ChartRendering.chart().resolve("examples");
    assertThat(kinds(Optional.of(examples.resolve("central-hub.yaml"))))
        .contains("Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor")
        .doesNotContain("DaemonSet", "PriorityClass", "PodMonitor");
    assertThat(kinds(Optional.of(examples.resolve("central-member.yaml"))))
        .contains("DaemonSet", "PriorityClass", "PodMonitor")
        .doesNotContain("Deployment", "Service", "HorizontalPodAutoscaler");
    assertThat(kinds(Optional.of(examples.resolve("per-cluster.yaml"))))
        .contains("DaemonSet", "Deployment", "Service", "PodDisruptionBudget", "Secret", "ConfigMap", "NetworkPolicy");
    // The ledger gets Deployment + Service + PDB + HPA, the decision service Deployment + HPA.
    List<Manifest> defaults = rendered(Optional.empty());
    for (String component : List.of("ledger", "decision")) {
      assertThat(defaults).filteredOn(m -> m.body().at("/metadata/labels/app.kubernetes.io~1component").asText().equals(component))
          .extracting(Manifest::kind).contains("Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ConfigMap");
    }
  }

  private static Set<String> kinds(Optional<Path> values) {
    Set<String> kinds = new HashSet<>();
    rendered(values).forEach(m -> kinds.add(m.kind()));
    return kinds;
  }

  @Test
  void namesStayWithinKubernetesLimitsForLongReleaseNames() {
    List<Manifest> manifests = ChartRendering.render(Optional.empty(), "fullnameOverride", "x".repeat(63));
    assertThat(manifests).allSatisfy(m -> assertThat(m.name().length()).as(m.id()).isLessThanOrEqualTo(63));
    assertThat(manifests.stream().map(Manifest::id).distinct().count()).isEqualTo(manifests.size());
  }
}
