package io.pullproof.agent.cri.kube;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.DockerConfig;
import io.pullproof.credentials.SecretCoordinates;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods of this node, from a watch of the Kubernetes API with field selector
 * {@code spec.nodeName=<node>} (what the kubelet itself watches), indexed by uid; and the pull
 * secrets they name, read one by one with {@code get} when a container starts (never listed or
 * watched: the agent holds no Secret it does not need right now).
 */
public final class PodDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodDirectory.class);
  private static final String BY_UID = "uid";
  static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
  static final String DOCKERCFG = "kubernetes.io/dockercfg";

  private final KubernetesClient client;
  private final SharedIndexInformer<Pod> informer;

  private PodDirectory(KubernetesClient client, SharedIndexInformer<Pod> informer) {
    this.client = client;
    this.informer = informer;
  }

  /** Starts the watch; {@link #problem()} reports until the first list has arrived. */
  public static PodDirectory start(KubernetesClient client, String node) {
    SharedIndexInformer<Pod> informer = client.pods().inAnyNamespace().withField("spec.nodeName", node)
        .runnableInformer(0);
    informer.addIndexers(Map.of(BY_UID, pod -> List.of(pod.getMetadata().getUid())));
    informer.start();
    LOG.info("watching the pods of node {} through {}", node, client.getMasterUrl());
    return new PodDirectory(client, informer);
  }

  public Optional<String> problem() {
    return informer.hasSynced() ? Optional.empty() : Optional.of("pod watch has not synced yet");
  }

  /**
   * The pod with this uid. The watch may lag a fresh pod by a few milliseconds, so a miss is read
   * from the API once; a static pod (no API object with that uid) is empty.
   */
  public Optional<Pod> pod(String namespace, String name, String uid) {
    List<Pod> cached = informer.getIndexer().byIndex(BY_UID, uid);
    if (!cached.isEmpty()) {
      return Optional.of(cached.get(0));
    }
    try {
      Pod read = client.pods().inNamespace(namespace).withName(name).get();
      return read != null && uid.equals(read.getMetadata().getUid()) ? Optional.of(read) : Optional.empty();
    } catch (KubernetesClientException e) {
      LOG.warn("pod {}/{} ({}) is not in the watch and could not be read: {}", namespace, name, uid, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The pod's image pull secrets in {@code imagePullSecrets} order. Like the kubelet, a secret that
   * is missing, unreadable or of another type is skipped with a warning (the pull may then fail).
   */
  public List<CredentialSource> pullSecrets(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    List<LocalObjectReference> refs = pod.getSpec().getImagePullSecrets();
    List<CredentialSource> sources = new ArrayList<>();
    if (refs == null) {
      return sources;
    }
    for (LocalObjectReference ref : refs) {
      if (ref.getName() == null || ref.getName().isEmpty()) {
        continue;
      }
      secret(namespace, ref.getName()).ifPresent(sources::add);
    }
    return sources;
  }

  private Optional<CredentialSource> secret(String namespace, String name) {
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      LOG.warn("pull secret {}/{} could not be read ({}): treated as absent, as the kubelet does", namespace, name,
          e.getMessage());
      return Optional.empty();
    }
    if (secret == null) {
      LOG.warn("pull secret {}/{} does not exist: treated as absent, as the kubelet does", namespace, name);
      return Optional.empty();
    }
    try {
      return Optional.of(new CredentialSource.PullSecret(
          new SecretCoordinates(namespace, name, secret.getMetadata().getUid()), dockerConfig(secret)));
    } catch (IllegalArgumentException e) {
      LOG.warn("pull secret {}/{} is not usable: {}", namespace, name, e.getMessage());
      return Optional.empty();
    }
  }

  static DockerConfig dockerConfig(Secret secret) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String type = secret.getType();
    if (DOCKER_CONFIG_JSON.equals(type) && data.containsKey(".dockerconfigjson")) {
      return DockerConfig.parseDockerConfigJson(decode(data.get(".dockerconfigjson")));
    }
    if (DOCKERCFG.equals(type) && data.containsKey(".dockercfg")) {
      return DockerConfig.parseDockercfg(decode(data.get(".dockercfg")));
    }
    throw new IllegalArgumentException("type " + type + " with keys " + data.keySet()
        + " is not a pull secret (" + DOCKER_CONFIG_JSON + " with .dockerconfigjson, or " + DOCKERCFG + " with .dockercfg)");
  }

  private static byte[] decode(String base64) {
    return Base64.getDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void close() {
    informer.close();
  }
}
