package io.pullproof.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * An HTTP client for one registry, acting as one user or anonymously, that answers challenges as
 * docker and containerd do: {@code Basic} with the credentials; {@code Bearer} with a token fetched
 * from the challenge's realm (with the credentials when there are any), then the request once
 * more. The last Authorization is sent up front with the next request, so the steps of a push do
 * not each pay a challenge. The realm is reached with the same SSLContext: the token-auth registry
 * and its issuer of the embedded stack present one certificate.
 */
public final class RegistryClient {
  /** Every manifest type a pull asks for, as containerd sends it. */
  public static final String MANIFEST_ACCEPT = String.join(", ",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.list.v2+json");

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Defaults of the three-argument constructor, generous enough for pushes. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final URI baseUri;
  private final RegistryCredentials credentials;
  private final Duration requestTimeout;
  private volatile String authorization;

  /** {@code credentials} null: anonymous. */
  public RegistryClient(URI baseUri, SSLContext sslContext, RegistryCredentials credentials) {
    this(baseUri, sslContext, credentials, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * {@code credentials} null: anonymous. {@code connectTimeout} bounds the TCP/TLS connect,
   * {@code requestTimeout} each request until its response headers (token requests included).
   */
  public RegistryClient(URI baseUri, SSLContext sslContext, RegistryCredentials credentials,
      Duration connectTimeout, Duration requestTimeout) {
    this.baseUri = baseUri;
    this.credentials = credentials;
    this.requestTimeout = requestTimeout;
    this.http = HttpClient.newBuilder()
        .sslContext(sslContext)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * A client that sends {@code Authorization: Bearer TOKEN} up front: a docker config entry's
   * {@code registrytoken}. A challenge the registry still answers is met as an anonymous client.
   */
  public static RegistryClient withRegistryToken(URI baseUri, SSLContext sslContext, String token,
      Duration connectTimeout, Duration requestTimeout) {
    RegistryClient client = new RegistryClient(baseUri, sslContext, null, connectTimeout, requestTimeout);
    client.authorization = "Bearer " + token;
    return client;
  }

  public static RegistryClient anonymous(URI baseUri, SSLContext sslContext) {
    return new RegistryClient(baseUri, sslContext, null);
  }

  public URI baseUri() {
    return baseUri;
  }

  /** A request builder for {@code path} (e.g. {@code /v2/}) on this registry. */
  public HttpRequest.Builder request(String path) {
    return request(baseUri.resolve(path));
  }

  /** A request builder for an absolute URI the registry handed out, such as an upload Location. */
  public HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(requestTimeout);
  }

  /** {@code HEAD /v2/REPOSITORY/manifests/REFERENCE} with every manifest type accepted, answering challenges. */
  public HttpResponse<byte[]> headManifest(String repository, String reference) {
    return send(request("/v2/" + repository + "/manifests/" + reference)
        .header("Accept", MANIFEST_ACCEPT)
        .method("HEAD", HttpRequest.BodyPublishers.noBody())
        .build());
  }

  /**
   * A manifest HEAD whose every failure is classified ({@link ManifestCheck.Result}) instead of
   * thrown: an unreachable registry or token realm is {@code UNREACHABLE}, never confused with a
   * refusal. Interruption still throws.
   */
  public ManifestCheck checkManifest(String repository, String reference) {
    try {
      return ManifestCheck.of(headManifest(repository, reference));
    } catch (TokenRefusedException e) {
      return ManifestCheck.tokenRefused(e.status(), e.getMessage());
    } catch (UncheckedIOException e) {
      return ManifestCheck.unreachable(e.getMessage());
    }
  }

  /** Sends {@code request}; on a 401 whose challenge this client can answer, sends it once more with the answer. */
  public HttpResponse<byte[]> send(HttpRequest request) {
    String preemptive = request.headers().firstValue("Authorization").isPresent() ? null : authorization;
    HttpResponse<byte[]> response = sendAsIs(preemptive == null ? request : withAuthorization(request, preemptive));
    if (response.statusCode() != 401) {
      return response;
    }
    Optional<String> answer = response.headers().firstValue("WWW-Authenticate")
        .map(AuthChallenge::parse)
        .flatMap(this::answer);
    // Sending the same Basic credentials again would only earn the same 401.
    if (answer.isEmpty() || answer.get().equals(preemptive)) {
      return response;
    }
    authorization = answer.get();
    return sendAsIs(withAuthorization(request, answer.get()));
  }

  /** Sends {@code request} exactly as given: no stored Authorization, no challenge answered. */
  public HttpResponse<byte[]> sendAsIs(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
    }
  }

  /** Asks the challenge's realm for a token covering its service and scopes. */
  public String fetchToken(AuthChallenge challenge) {
    String realm = challenge.parameter("realm")
        .orElseThrow(() -> new IllegalStateException("Bearer challenge without realm: " + challenge));
    List<String> query = new ArrayList<>();
    challenge.parameter("service").ifPresent(service -> query.add("service=" + encode(service)));
    challenge.parameter("scope").ifPresent(scopes -> {
      for (String scope : scopes.split(" ")) {
        query.add("scope=" + encode(scope));
      }
    });
    String separator = realm.contains("?") ? "&" : "?";
    HttpRequest.Builder request = request(URI.create(realm + separator + String.join("&", query))).GET();
    if (credentials != null) {
      request.header("Authorization", credentials.basicAuthorization());
    }
    HttpResponse<byte[]> response = sendAsIs(request.build());
    String who = credentials == null ? "anonymous" : credentials.username();
    if (response.statusCode() != 200) {
      throw new TokenRefusedException(response.statusCode(),
          "token endpoint " + realm + " answered HTTP " + response.statusCode() + " for " + who);
    }
    try {
      JsonNode body = JSON.readTree(response.body());
      String token = body.path("token").asText(body.path("access_token").asText(""));
      if (token.isEmpty()) {
        throw new TokenRefusedException(response.statusCode(), "token endpoint " + realm + " sent no token for " + who);
      }
      return token;
    } catch (IOException e) {
      throw new TokenRefusedException(response.statusCode(), "token endpoint " + realm + " sent no JSON for " + who);
    }
  }

  private Optional<String> answer(AuthChallenge challenge) {
    if (challenge.isBasic() && credentials != null) {
      return Optional.of(credentials.basicAuthorization());
    }
    if (challenge.isBearer()) {
      return Optional.of("Bearer " + fetchToken(challenge));
    }
    return Optional.empty();
  }

  private static HttpRequest withAuthorization(HttpRequest request, String value) {
    return HttpRequest.newBuilder(request, (name, v) -> !name.equalsIgnoreCase("Authorization"))
        .header("Authorization", value)
        .build();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
