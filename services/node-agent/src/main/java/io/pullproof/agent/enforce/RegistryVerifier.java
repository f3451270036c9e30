package io.pullproof.agent.enforce;

import io.pullproof.agent.AgentMetrics;
import io.pullproof.credentials.DockerConfigEntry;
import io.pullproof.credentials.KeyringMatch;
import io.pullproof.oci.ManifestCheck;
import io.pullproof.oci.RegistryClient;
import io.pullproof.oci.RegistryCredentials;
import io.pullproof.reference.ImageReference;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-verifies access to an image as the kubelet's pull would, at the cost of one manifest HEAD: the
 * pod's matching credentials in keyring order until one proves access; anonymous only when nothing
 * matches (the kubelet does not fall back to anonymous after a failed credential). An unreachable
 * registry ends the attempts at once: the remaining credentials would meet the same outage.
 */
public final class RegistryVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryVerifier.class);
  /** Docker Hub's API host: {@code docker.io} names do not resolve to a registry. */
  static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";
  private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}");

  private final SSLContext sslContext;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final AgentMetrics metrics;

  public RegistryVerifier(SSLContext sslContext, Duration connectTimeout, Duration requestTimeout, AgentMetrics metrics) {
    this.sslContext = sslContext;
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.metrics = metrics;
  }

  /**
   * The answer of the verification.
   *
   * @param check the last manifest check (the successful one, if any)
   * @param credential the credential that proved access, or null (anonymous, or nothing proved)
   * @param attempts how many manifest checks were made
   */
  public record Verification(ManifestCheck check, KeyringMatch credential, int attempts) {
    public boolean granted() {
      return check.found();
    }

    /** The registry could not be asked: down, unreachable, timing out or failing with 5xx. */
    public boolean registryUnavailable() {
      return check.result() == ManifestCheck.Result.UNREACHABLE || check.result() == ManifestCheck.Result.REGISTRY_ERROR;
    }
  }

  /** Verifies {@code imageRef} (or the reference's digest or tag) of {@code reference} with {@code matches}. */
  public Verification verify(ImageReference reference, String imageRef, List<KeyringMatch> matches) {
    URI registry = registryUri(reference);
    String manifest = manifestReference(reference, imageRef);
    if (matches.isEmpty()) {
      ManifestCheck check = check(RegistryClient.anonymous(registry, sslContext), reference, manifest, "anonymous");
      return new Verification(check, null, 1);
    }
    ManifestCheck last = null;
    int attempts = 0;
    for (KeyringMatch match : matches) {
      attempts++;
      last = check(match, registry, reference, manifest);
      if (last.found()) {
        return new Verification(last, match, attempts);
      }
      if (last.result() == ManifestCheck.Result.UNREACHABLE || last.result() == ManifestCheck.Result.REGISTRY_ERROR) {
        break;
      }
    }
    return new Verification(last, null, attempts);
  }

  private ManifestCheck check(KeyringMatch match, URI registry, ImageReference reference, String manifest) {
    DockerConfigEntry entry = match.entry();
    String who = "entry " + entry.key() + (entry.username().isEmpty() ? "" : " user " + entry.username());
    if (!entry.registryToken().isEmpty()) {
      return check(RegistryClient.withRegistryToken(registry, sslContext, entry.registryToken(), connectTimeout, requestTimeout),
          reference, manifest, who);
    }
    if (entry.username().isEmpty() || entry.username().contains(":")) {
      // identitytoken entries need the OAuth2 refresh-token exchange, which the client does not speak yet.
      String why = !entry.identityToken().isEmpty() ? "identity tokens are not supported for verification"
          : "the entry has no usable username";
      metrics.registryCheck(ManifestCheck.Result.UNAUTHORIZED);
      return new ManifestCheck(ManifestCheck.Result.UNAUTHORIZED, 0, null, who + ": " + why);
    }
    RegistryClient client = new RegistryClient(registry, sslContext,
        new RegistryCredentials(entry.username(), entry.password()), connectTimeout, requestTimeout);
    return check(client, reference, manifest, who);
  }

  private ManifestCheck check(RegistryClient client, ImageReference reference, String manifest, String who) {
    ManifestCheck check = client.checkManifest(reference.path(), manifest);
    metrics.registryCheck(check.result());
    LOG.info("registry verification of {}@{} as {}: {} ({})", reference.name(), manifest, who, check.result(), check.detail());
    return check;
  }

  /** True for a content digest such as {@code sha256:<hex>} (the OCI digest grammar). */
  public static boolean isDigest(String text) {
    return DIGEST.matcher(text).matches();
  }

  /** {@code https://DOMAIN}; Docker Hub's API lives on {@value #DOCKER_HUB_API_HOST}. */
  static URI registryUri(ImageReference reference) {
    return URI.create("https://" + (reference.isDockerHub() ? DOCKER_HUB_API_HOST : reference.domain()));
  }

  /**
   * The digest the node holds when known (access to exactly that content is what matters), else
   * the reference's own digest, else its tag.
   */
  static String manifestReference(ImageReference reference, String imageRef) {
    if (imageRef != null && isDigest(imageRef)) {
      return imageRef;
    }
    return reference.digest() != null ? reference.digest() : reference.tag();
  }
}
