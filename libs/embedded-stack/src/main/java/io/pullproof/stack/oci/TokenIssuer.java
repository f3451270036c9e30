package io.pullproof.stack.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token server of the Docker registry token protocol, so the registry can enforce
 * per-repository grants (with htpasswd alone every user may do everything everywhere).
 *
 * <p>{@code GET /token?service=S&scope=repository:NAME:ACTIONS} (scope repeatable or absent),
 * optionally with HTTP Basic credentials:
 * <ul>
 *   <li>credentials that do not match a user: 401;</li>
 *   <li>a user: a token whose {@code access} holds the granted subset of the requested actions,
 *       possibly empty, so the registry itself answers {@code insufficient_scope};</li>
 *   <li>no credentials: pull on public repositories only.</li>
 * </ul>
 * Tokens are RS256 JWTs signed with a key of their own (not the TLS key); its certificate travels
 * in the {@code x5c} header and goes into the registry's {@code rootcertbundle}
 * ({@link #signingCertificatePem()}). The key lives in memory only: the registry is started after
 * the issuer and reads the bundle then. Users, grants and public repositories may change at any
 * time; see {@link AccessPolicy} for the access file format. Passwords and tokens are never logged.
 */
public final class TokenIssuer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TokenIssuer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TlsMaterial tls;
  private final TokenIssuerConfig config;
  private final AccessPolicy policy = new AccessPolicy();
  private final SelfSignedCertificate signingKey;
  private final JwtSigner signer;
  private HttpsServer server;
  private ExecutorService executor;
  private int port;

  /** Nothing listens until {@link #start()}. */
  public TokenIssuer(TlsMaterial tls, TokenIssuerConfig config) {
    this.tls = tls;
    this.config = config;
    this.signingKey = SelfSignedCertificate.generate(config.issuer());
    this.signer = new JwtSigner(signingKey);
  }

  /** Listens on 127.0.0.1 at the configured port (0: a free one, chosen by the kernel without a race). */
  public synchronized TokenIssuer start() {
    if (server != null) {
      throw new IllegalStateException("token issuer already started on port " + port);
    }
    try {
      server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 50);
    } catch (IOException e) {
      throw new UncheckedIOException("token issuer cannot listen on 127.0.0.1:" + config.port(), e);
    }
    server.setHttpsConfigurator(new HttpsConfigurator(tls.serverSslContext()));
    AtomicInteger threads = new AtomicInteger();
    executor = Executors.newFixedThreadPool(4, task -> {
      Thread thread = new Thread(task, "token-issuer-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/token", this::handle);
    server.start();
    port = server.getAddress().getPort();
    LOG.info("token issuer for service {} listening on {}", config.service(), tokenUri());
    return this;
  }

  /** The port it listens on, or listened on once closed. */
  public synchronized int port() {
    if (port == 0) {
      throw new IllegalStateException("token issuer not started");
    }
    return port;
  }

  /** The registry's {@code auth.token.realm}. */
  public URI tokenUri() {
    return URI.create("https://127.0.0.1:" + port() + "/token");
  }

  public TokenIssuerConfig config() {
    return config;
  }

  /** The TLS identity the issuer presents; the token-auth registry presents it too, so one truststore serves both. */
  public TlsMaterial tls() {
    return tls;
  }

  /** For the registry's {@code auth.token.rootcertbundle}. */
  public String signingCertificatePem() {
    return signingKey.certificatePem();
  }

  public void addUser(String username, String password) {
    policy.addUser(username, password);
  }

  /** Lets {@code username} do {@code actions} (pull, push, delete) on repositories matching {@code pattern}: exact, {@code prefix/*} or {@code *}. */
  public void grant(String username, String pattern, String... actions) {
    policy.grant(username, pattern, List.of(actions));
  }

  public void revokeGrant(String username, String pattern) {
    policy.revokeGrant(username, pattern);
  }

  /** Anonymous pull on repositories matching {@code pattern}. */
  public void makePublic(String pattern) {
    policy.makePublic(pattern);
  }

  /**
   * Whether a token for {@code username} (null: anonymous) would carry pull on {@code repository}
   * right now: the registry's own answer, which the fleet simulator uses as its ground truth.
   */
  public boolean mayPull(String username, String repository) {
    return policy.permitted(username, new ResourceAccess("repository", repository, List.of("pull")))
        .actions().contains("pull");
  }

  /** Adds users, grants and public repositories from a JSON file; format in {@link AccessPolicy}. */
  public void loadAccess(Path file) {
    policy.load(file);
  }

  /** A signed token for {@code subject} ("" when anonymous) with exactly {@code access}. */
  String issue(String subject, List<ResourceAccess> access, Instant now) {
    ObjectNode claims = JSON.createObjectNode()
        .put("iss", config.issuer())
        .put("sub", subject)
        .put("aud", config.service())
        .put("exp", now.plus(config.tokenLifetime()).getEpochSecond())
        .put("nbf", now.getEpochSecond())
        .put("iat", now.getEpochSecond())
        .put("jti", UUID.randomUUID().toString());
    claims.set("access", JSON.valueToTree(access));
    return signer.sign(claims);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        // containerd tries the OAuth2 POST first and falls back to GET on 405.
        exchange.getResponseHeaders().set("Allow", "GET");
        respondError(exchange, 405, "UNSUPPORTED", "use GET");
        return;
      }
      TokenRequest request;
      try {
        request = TokenRequest.parse(exchange.getRequestURI().getRawQuery(),
            exchange.getRequestHeaders().getFirst("Authorization"));
      } catch (IllegalArgumentException e) {
        respondError(exchange, 400, "INVALID_REQUEST", e.getMessage());
        return;
      }
      if (!request.anonymous() && !policy.authenticate(request.username(), request.password())) {
        LOG.info("token refused: wrong password or unknown user '{}'", request.username());
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + config.issuer() + "\"");
        respondError(exchange, 401, "UNAUTHORIZED", "authentication required");
        return;
      }
      if (request.service() != null && !request.service().equals(config.service())) {
        respondError(exchange, 400, "INVALID_REQUEST", "unknown service '" + request.service() + "'");
        return;
      }
      List<ResourceAccess> granted = request.scopes().stream()
          .map(scope -> policy.permitted(request.username(), scope)).toList();
      Instant now = Instant.now();
      String token = issue(request.anonymous() ? "" : request.username(), granted, now);
      LOG.debug("token issued to {} for {}", request.anonymous() ? "anonymous" : request.username(), granted);
      ObjectNode body = JSON.createObjectNode()
          .put("token", token)
          .put("access_token", token)
          .put("expires_in", config.tokenLifetime().toSeconds())
          .put("issued_at", now.toString());
      respond(exchange, 200, body);
    }
  }

  private static void respondError(HttpExchange exchange, int status, String code, String message) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("errors").addObject().put("code", code).put("message", message);
    respond(exchange, status, body);
  }

  private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
      LOG.info("token issuer on port {} stopped", port);
    }
  }
}
