package io.pullproof.stack.oci;

import io.pullproof.oci.RegistryClient;
import io.pullproof.oci.RegistryCredentials;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullproof.stack.process.ChildProcess;
import io.pullproof.stack.process.FreePort;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real OCI registry (Debian's docker-registry, CNCF distribution 2.8.2) on 127.0.0.1 over TLS,
 * with authentication in one of two flavours:
 * <ul>
 *   <li>{@link #startWithHtpasswd}: HTTP Basic against a bcrypt htpasswd file; every valid user
 *       may do everything (a limit of htpasswd);</li>
 *   <li>{@link #startWithTokenAuth}: Bearer tokens from a {@link TokenIssuer}, with grants per
 *       repository.</li>
 * </ul>
 * Files in the work dir: {@code config.yml}, {@code storage/}, {@code registry.log},
 * {@code htpasswd} or {@code token-root.pem}, and {@code tls/} (htpasswd flavour; the token
 * flavour presents the issuer's certificate so one truststore covers both). Storage survives a
 * restart on the same work dir.
 */
public final class OciRegistry implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");
  private static final Logger LOG = LoggerFactory.getLogger(OciRegistry.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  // htpasswd -B uses cost 5 too; the registry checks bcrypt on every request, so a higher cost
  // only slows tests of a loopback registry down.
  private static final int BCRYPT_COST = 5;

  private final ChildProcess process;
  private final int port;
  private final TlsMaterial tls;
  private final RegistryClient probe;

  private OciRegistry(ChildProcess process, int port, TlsMaterial tls) {
    this.process = process;
    this.port = port;
    this.tls = tls;
    this.probe = RegistryClient.anonymous(baseUri(), tls.sslContext());
  }

  public static OciRegistry startWithHtpasswd(Path workDir, Map<String, String> users) {
    return startWithHtpasswd(workDir, users, 0);
  }

  /** {@code users}: username → password. {@code port} 0: a free port. */
  public static OciRegistry startWithHtpasswd(Path workDir, Map<String, String> users, int port) {
    if (users.isEmpty()) {
      throw new IllegalArgumentException("htpasswd registry needs at least one user");
    }
    SecureRandom random = new SecureRandom();
    String htpasswd = users.entrySet().stream()
        .map(user -> new RegistryCredentials(user.getKey(), user.getValue()))
        .map(user -> user.username() + ":" + OpenBSDBCrypt.generate("2y", user.password().toCharArray(),
            randomBytes(random, 16), BCRYPT_COST) + "\n")
        .collect(Collectors.joining());
    Path file = OwnerOnlyFile.write(workDir.resolve("htpasswd"), htpasswd.getBytes(StandardCharsets.UTF_8));
    Map<String, String> auth = new LinkedHashMap<>();
    auth.put("realm", "pullproof");
    auth.put("path", file.toAbsolutePath().toString());
    return start(workDir, port, TlsMaterial.loadOrCreate(workDir.resolve("tls")), "htpasswd", auth);
  }

  public static OciRegistry startWithTokenAuth(Path workDir, TokenIssuer issuer) {
    return startWithTokenAuth(workDir, issuer, 0);
  }

  /** {@code issuer} must be started: its URL becomes the realm clients are sent to. */
  public static OciRegistry startWithTokenAuth(Path workDir, TokenIssuer issuer, int port) {
    Path rootBundle = OwnerOnlyFile.write(workDir.resolve("token-root.pem"),
        issuer.signingCertificatePem().getBytes(StandardCharsets.US_ASCII));
    Map<String, String> auth = new LinkedHashMap<>();
    auth.put("realm", issuer.tokenUri().toString());
    auth.put("service", issuer.config().service());
    auth.put("issuer", issuer.config().issuer());
    auth.put("rootcertbundle", rootBundle.toAbsolutePath().toString());
    return start(workDir, port, issuer.tls(), "token", auth);
  }

  private static OciRegistry start(Path workDir, int requestedPort, TlsMaterial tls, String authKind,
      Map<String, String> authSettings) {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " is missing: run `apt-get install -y docker-registry`"
          + " (or `./pullproof stack up`, which installs it)");
    }
    if (requestedPort != 0 && FreePort.isListening(requestedPort)) {
      throw new IllegalStateException("port " + requestedPort + " on 127.0.0.1 is taken: stop what listens"
          + " there, or start the registry on a free port (0)");
    }
    int port = requestedPort == 0 ? FreePort.pick() : requestedPort;
    Path config = OwnerOnlyFile.write(workDir.resolve("config.yml"),
        configYaml(workDir, port, tls, authKind, authSettings).getBytes(StandardCharsets.UTF_8));
    long startedAt = System.nanoTime();
    ChildProcess process = ChildProcess.start("docker-registry",
        List.of(BINARY.toString(), "serve", config.toAbsolutePath().toString()),
        workDir, Map.of(), workDir.resolve("registry.log"));
    OciRegistry registry = new OciRegistry(process, port, tls);
    process.awaitReady(START_TIMEOUT, registry::challengesClients);
    LOG.info("OCI registry ({} auth) ready on {} in {} ms, pid {}, log {}", authKind, registry.hostPort(),
        (System.nanoTime() - startedAt) / 1_000_000, process.pid(), process.logFile());
    return registry;
  }

  /** Values are written as JSON strings, which YAML reads as double-quoted scalars: paths may hold anything. */
  static String configYaml(Path workDir, int port, TlsMaterial tls, String authKind, Map<String, String> authSettings) {
    String auth = authSettings.entrySet().stream()
        .map(setting -> "    " + setting.getKey() + ": " + quoted(setting.getValue()) + "\n")
        .collect(Collectors.joining());
    byte[] secret = randomBytes(new SecureRandom(), 32);
    return """
        version: 0.1
        log:
          level: info
          formatter: text
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
        http:
          addr: %s
          secret: %s
          tls:
            certificate: %s
            key: %s
        health:
          storagedriver:
            enabled: false
        auth:
          %s:
        %s""".formatted(
            quoted(workDir.resolve("storage").toAbsolutePath().toString()),
            quoted("127.0.0.1:" + port),
            quoted(HexFormat.of().formatHex(secret)),
            quoted(tls.certificatePem().toAbsolutePath().toString()),
            quoted(tls.privateKeyPem().toAbsolutePath().toString()),
            authKind, auth);
  }

  private static byte[] randomBytes(SecureRandom random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static String quoted(String value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string always encodes", e);
    }
  }

  /** Ready means the API answers and enforces auth: {@code GET /v2/} is 401. */
  private boolean challengesClients() {
    if (!FreePort.isListening(port)) {
      return false;
    }
    try {
      return probe.sendAsIs(probe.request("/v2/").GET().build()).statusCode() == 401;
    } catch (UncheckedIOException notYet) {
      return false;
    }
  }

  /** {@code 127.0.0.1:PORT}, as image references name the registry. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public URI baseUri() {
    return URI.create("https://" + hostPort());
  }

  /** Trusts this registry's certificate (and the token issuer's: they share it). */
  public SSLContext sslContext() {
    return tls.sslContext();
  }

  public Path truststore() {
    return tls.truststore();
  }

  public String truststorePassword() {
    return tls.truststorePassword();
  }

  /** The self-signed certificate to trust, for Go clients (skopeo --cert-dir, containerd hosts.toml ca). */
  public Path caCertificatePem() {
    return tls.certificatePem();
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return process.logFile();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
    LOG.info("OCI registry on {} stopped", hostPort());
  }
}
