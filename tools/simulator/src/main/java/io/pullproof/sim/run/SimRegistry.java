package io.pullproof.sim.run;

import io.pullproof.oci.RegistryClient;
import io.pullproof.oci.RegistryCredentials;
import io.pullproof.sim.fleet.Fleet;
import io.pullproof.sim.fleet.Repository;
import io.pullproof.sim.fleet.Tenant;
import io.pullproof.sim.truth.PullAuthority;
import io.pullproof.stack.oci.ImagePusher;
import io.pullproof.stack.oci.OciRegistry;
import io.pullproof.stack.oci.TlsMaterial;
import io.pullproof.stack.oci.TokenIssuer;
import io.pullproof.stack.oci.TokenIssuerConfig;
import io.pullproof.stack.process.DebianPackages;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The simulated fleet's image registry: a real token-auth OCI registry ({@code docker-registry}
 * with TLS) and our token issuer, owned by the simulation. Every tenant, the node-wide credential
 * and an admin get registry users; the fleet's grants are written into the token issuer, and every
 * repository gets one tiny image pushed over the registry API. The ground truth asks this token
 * issuer ({@link #mayPull}), so "authorised" means exactly what the registry would answer.
 */
public final class SimRegistry implements PullAuthority, AutoCloseable {
  private static final String ADMIN = "sim-admin";

  private final TokenIssuer issuer;
  private final OciRegistry registry;
  private final String salt;
  private final Map<String, Integer> generations = new ConcurrentHashMap<>();
  private final Map<String, String> digests = new LinkedHashMap<>();

  private SimRegistry(TokenIssuer issuer, OciRegistry registry, String salt) {
    this.issuer = issuer;
    this.registry = registry;
    this.salt = salt;
  }

  /** Starts the issuer and the registry under {@code dir}, creates the users and grants, pushes every image. */
  public static SimRegistry start(Path dir, Fleet fleet, Consumer<String> progress) {
    DebianPackages.ensureInstalled(List.of(DebianPackages.DOCKER_REGISTRY), progress);
    byte[] random = new byte[8];
    new SecureRandom().nextBytes(random);
    TokenIssuer issuer = new TokenIssuer(TlsMaterial.loadOrCreate(dir.resolve("tls")), TokenIssuerConfig.defaults()).start();
    OciRegistry registry;
    try {
      registry = OciRegistry.startWithTokenAuth(dir.resolve("registry"), issuer);
    } catch (RuntimeException e) {
      issuer.close();
      throw e;
    }
    SimRegistry sim = new SimRegistry(issuer, registry, HexFormat.of().formatHex(random));
    try {
      sim.configure(fleet, progress);
      return sim;
    } catch (RuntimeException e) {
      sim.close();
      throw e;
    }
  }

  private void configure(Fleet fleet, Consumer<String> progress) {
    issuer.addUser(ADMIN, password(ADMIN));
    issuer.grant(ADMIN, "*", "pull", "push");
    for (Tenant tenant : fleet.tenants()) {
      issuer.addUser(tenant.registryUser(), password(tenant.registryUser()));
    }
    issuer.addUser(Fleet.PLATFORM_USER, password(Fleet.PLATFORM_USER));
    for (Fleet.Grant grant : fleet.grants()) {
      issuer.grant(grant.user(), grant.pattern(), "pull");
    }
    issuer.makePublic(Fleet.PUBLIC_PATTERN);
    progress.accept("registry " + hostPort() + ": pushing " + fleet.repositories().size() + " images");
    ImagePusher pusher = new ImagePusher(new RegistryClient(registry.baseUri(), registry.sslContext(),
        new RegistryCredentials(ADMIN, password(ADMIN))));
    for (Repository repository : fleet.repositories()) {
      digests.put(repository.name(), pusher.push(repository.name(), "1"));
    }
  }

  public String hostPort() {
    return registry.hostPort();
  }

  /** PEM of the CA that signed the registry's certificate (what a node would trust). */
  public Path caCertificatePem() {
    return registry.caCertificatePem();
  }

  /** {@code HOST:PORT/REPOSITORY:1}, the image name pods use. */
  public String image(String repository) {
    return hostPort() + "/" + repository + ":1";
  }

  public String digest(String repository) {
    String digest = digests.get(repository);
    if (digest == null) {
      throw new IllegalArgumentException("no image pushed for repository " + repository);
    }
    return digest;
  }

  /** The user's current password (it changes when the user's secret is rotated). */
  public String password(String user) {
    return password(user, generation(user));
  }

  private String password(String user, int generation) {
    return "pw-" + user + "-" + generation + "-" + salt;
  }

  /**
   * Every password the registry has issued so far (each user's current one and those it had
   * before a rotation): the secrets a leak test looks for.
   */
  public java.util.Map<String, java.util.List<String>> issuedPasswords(java.util.Collection<String> users) {
    java.util.Map<String, java.util.List<String>> out = new java.util.TreeMap<>();
    for (String user : users) {
      java.util.List<String> passwords = new java.util.ArrayList<>();
      for (int g = 0; g <= generation(user); g++) {
        passwords.add(password(user, g));
      }
      out.put(user, passwords);
    }
    return out;
  }

  /** The registry's own administrator (pushes the fleet's images). */
  public static String adminUser() {
    return ADMIN;
  }

  /** How many times the user's password was rotated: part of the credential's identity. */
  public int generation(String user) {
    return generations.getOrDefault(user, 0);
  }

  /** A new password for {@code user}, effective at the registry at once (the old one stops working). */
  public void rotate(String user) {
    generations.merge(user, 1, Integer::sum);
    issuer.addUser(user, password(user));
  }

  /** The tenant loses pull on its own repositories at the registry. */
  public void revokeOwnRepositories(Tenant tenant) {
    issuer.revokeGrant(tenant.registryUser(), tenant.name() + "/*");
  }

  @Override
  public boolean mayPull(String user, String repository) {
    return issuer.mayPull(user, repository);
  }

  @Override
  public void close() {
    try {
      registry.close();
    } finally {
      issuer.close();
    }
  }
}
