package io.pullproof.credentials;

import io.pullproof.reference.ImageReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which credentials the kubelet presents for an image, following {@code
 * pkg/credentialprovider/keyring.go} and {@code secrets.go}: every pod pull secret goes into one
 * keyring and every node-wide config into a second, and a lookup returns the pod keyring's matches
 * followed by the node keyring's.
 *
 * <p>Within one keyring: an entry key gets {@code https://} when it has no scheme; its host plus
 * its path (a leading {@code /v1/} or {@code /v2/} reduced to {@code /}, a bare {@code /} dropped)
 * is the normalised key; keys that do not parse are ignored. Keys are visited in reverse
 * lexicographic order, so more specific keys come first; a key matches the image's repository name
 * when the ports are equal, the hosts have as many dot-separated labels and each label
 * glob-matches, and the key's path is a plain string prefix of the image's path. Entries under the
 * same key keep the order of sources, then file order. When nothing matches and the image looks
 * like Docker Hub ({@code isDefaultRegistryMatch}), the entries under {@code index.docker.io} are
 * returned.
 */
public final class Keyring {
  static final String DOCKER_HUB_KEY = "index.docker.io";

  /** Go compares strings bytewise; so do we, on UTF-8. */
  private static final Comparator<String> GO_STRING_ORDER =
      (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private final List<Tier> tiers;

  private Keyring(List<Tier> tiers) {
    this.tiers = tiers;
  }

  /**
   * Builds the keyring for a pod. Pull secrets keep their relative order (the pod's {@code
   * imagePullSecrets} order), as do node configs; all pull secrets come before all node configs
   * wherever they are in the list.
   */
  public static Keyring of(List<? extends CredentialSource> sources) {
    Tier pod = new Tier();
    Tier node = new Tier();
    for (CredentialSource source : sources) {
      Objects.requireNonNull(source, "source");
      (source instanceof CredentialSource.PullSecret ? pod : node).add(source);
    }
    return new Keyring(List.of(pod, node));
  }

  /** Every credential for the image, in the order the kubelet tries them; empty means anonymous. */
  public List<KeyringMatch> lookup(ImageReference image) {
    String repository = image.name();
    List<KeyringMatch> matches = new ArrayList<>();
    for (Tier tier : tiers) {
      matches.addAll(tier.lookup(repository));
    }
    return List.copyOf(matches);
  }

  /**
   * The kubelet's normalised form of an entry key, or null when the kubelet would ignore the entry
   * because the key does not parse as a URL.
   */
  static String normaliseKey(String key) {
    String url = key.startsWith("https://") || key.startsWith("http://") ? key : "https://" + key;
    RegistryUrl parsed = RegistryUrl.parse(url);
    if (parsed == null) {
      return null;
    }
    String path = parsed.path();
    if (path.startsWith("/v2/") || path.startsWith("/v1/")) {
      path = path.substring(3);
    }
    return path.isEmpty() || path.equals("/") ? parsed.host() : parsed.host() + path;
  }

  /** {@code URLsMatchStr}: both sides parsed as schemeless URLs, glob on host labels only. */
  static boolean keyMatches(String normalisedKey, String repository) {
    RegistryUrl glob = RegistryUrl.parseSchemeless(normalisedKey);
    RegistryUrl target = RegistryUrl.parseSchemeless(repository);
    if (glob == null || target == null || !glob.port().equals(target.port())) {
      return false;
    }
    String[] globLabels = glob.labels();
    String[] targetLabels = target.labels();
    if (globLabels.length != targetLabels.length || !target.path().startsWith(glob.path())) {
      return false;
    }
    for (int i = 0; i < globLabels.length; i++) {
      if (!HostLabelGlob.matches(globLabels[i], targetLabels[i])) {
        return false;
      }
    }
    return true;
  }

  /** {@code isDefaultRegistryMatch}: would the kubelet treat this repository as Docker Hub's? */
  static boolean isDockerHubMatch(String repository) {
    int slash = repository.indexOf('/');
    String first = slash < 0 ? repository : repository.substring(0, slash);
    if (first.isEmpty()) {
      return false;
    }
    if (slash < 0 || first.equals(ImageReference.DOCKER_HUB_DOMAIN) || first.equals(DOCKER_HUB_KEY)) {
      return true;
    }
    return first.indexOf('.') < 0 && first.indexOf(':') < 0;
  }

  /** One {@code BasicDockerKeyring}: normalised key to the entries filed under it. */
  private static final class Tier {
    private final Map<String, List<KeyringMatch>> byKey = new LinkedHashMap<>();
    private List<String> index = List.of();

    void add(CredentialSource source) {
      for (DockerConfigEntry entry : source.config().entries()) {
        String key = normaliseKey(entry.key());
        if (key != null) {
          byKey.computeIfAbsent(key, k -> new ArrayList<>())
              .add(new KeyringMatch(source, entry, key, false));
        }
      }
      index = byKey.keySet().stream().sorted(GO_STRING_ORDER.reversed()).toList();
    }

    List<KeyringMatch> lookup(String repository) {
      List<KeyringMatch> matches = new ArrayList<>();
      for (String key : index) {
        if (keyMatches(key, repository)) {
          matches.addAll(byKey.get(key));
        }
      }
      if (matches.isEmpty() && isDockerHubMatch(repository) && byKey.containsKey(DOCKER_HUB_KEY)) {
        for (KeyringMatch match : byKey.get(DOCKER_HUB_KEY)) {
          matches.add(new KeyringMatch(match.source(), match.entry(), match.registryKey(), true));
        }
      }
      return matches;
    }
  }
}
