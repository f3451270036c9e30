package io.pullproof.stack.oci;

import io.pullproof.oci.RegistryClient;
import io.pullproof.oci.RegistryCredentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.stack.process.DebianPackages;
import io.pullproof.stack.process.FreePort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Both registry flavours, started once for the class, with images pushed over the HTTP API. */
class OciRegistryIT {
  private static final String TEAM_REPO = "team-a/app";
  private static final String PUBLIC_REPO = "public/base";
  private static final String HTPASSWD_REPO = "team-b/tool";
  private static final RegistryCredentials ALICE = new RegistryCredentials("alice", "alice-secret");
  private static final RegistryCredentials BOB = new RegistryCredentials("bob", "bob-secret");
  private static final RegistryCredentials READER = new RegistryCredentials("reader", "reader-secret");
  private static final RegistryCredentials CAROL = new RegistryCredentials("carol", "carol-secret");

  private static TokenIssuer issuer;
  private static OciRegistry tokenRegistry;
  private static OciRegistry htpasswdRegistry;
  private static String teamDigest;
  private static String publicDigest;
  private static String htpasswdDigest;

  @BeforeAll
  static void startRegistriesAndPushImages() throws IOException {
    // Under target/ rather than a temp dir, so the registry logs stay for a failed run.
    // The test kit installs what it needs on a fresh machine, as `./pullproof test` promises.
    DebianPackages.ensureInstalled(List.of(DebianPackages.DOCKER_REGISTRY), System.out::println);
    Path workDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "oci-registry-it-");
    issuer = new TokenIssuer(TlsMaterial.loadOrCreate(workDir.resolve("tls")), TokenIssuerConfig.defaults()).start();
    for (RegistryCredentials user : new RegistryCredentials[] {ALICE, BOB, READER}) {
      issuer.addUser(user.username(), user.password());
    }
    issuer.grant(ALICE.username(), "team-a/*", "pull", "push");
    issuer.grant(ALICE.username(), PUBLIC_REPO, "pull", "push");
    issuer.grant(READER.username(), "team-a/*", "pull");
    issuer.makePublic(PUBLIC_REPO);
    tokenRegistry = OciRegistry.startWithTokenAuth(workDir.resolve("token-registry"), issuer);
    htpasswdRegistry = OciRegistry.startWithHtpasswd(workDir.resolve("htpasswd-registry"),
        Map.of(CAROL.username(), CAROL.password()));

    ImagePusher alice = new ImagePusher(client(tokenRegistry, ALICE));
    teamDigest = alice.push(TEAM_REPO, "v1");
    publicDigest = alice.push(PUBLIC_REPO, "v1");
    htpasswdDigest = new ImagePusher(client(htpasswdRegistry, CAROL)).push(HTPASSWD_REPO, "v1");
  }

  @AfterAll
  static void stopEverything() {
    for (OciRegistry registry : new OciRegistry[] {tokenRegistry, htpasswdRegistry}) {
      if (registry != null) {
        long pid = registry.pid();
        registry.close();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("registry pid %d", pid).isEmpty();
      }
    }
    if (issuer != null) {
      issuer.close();
      assertThat(FreePort.isListening(issuer.port())).as("token issuer port").isFalse();
    }
  }

  @Test
  void pushedDigestIsTheOneComputedLocally() {
    assertThat(teamDigest).isEqualTo(TinyImage.of(TEAM_REPO, "v1").manifest().digest());
    assertThat(publicDigest).isNotEqualTo(teamDigest);
  }

  @Test
  void grantedUserGetsTheManifestDigestAfterFollowingTheChallenge() {
    assertServes(teamDigest, client(tokenRegistry, ALICE).headManifest(TEAM_REPO, "v1"));
  }

  @Test
  void pullOnlyGrantIsEnoughToPull() {
    assertServes(teamDigest, client(tokenRegistry, READER).headManifest(TEAM_REPO, "v1"));
  }

  @Test
  void requestWithoutCredentialsIsChallengedForPullScope() {
    HttpResponse<byte[]> response = headWithoutAuthorization(tokenRegistry, TEAM_REPO, "v1");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"" + issuer.tokenUri()
        + "\",service=\"" + issuer.config().service() + "\",scope=\"repository:" + TEAM_REPO + ":pull\"");
  }

  @Test
  void validUserWithoutGrantGetsInsufficientScope() {
    HttpResponse<byte[]> response = client(tokenRegistry, BOB).headManifest(TEAM_REPO, "v1");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"insufficient_scope\"");
  }

  @Test
  void tokenEndpointRefusesWrongPasswordAndUnknownUser() {
    for (RegistryCredentials wrong : new RegistryCredentials[] {
        new RegistryCredentials(ALICE.username(), "not-her-password"), new RegistryCredentials("mallory", "x")}) {
      HttpResponse<byte[]> response = tokenRequest(wrong);

      assertThat(response.statusCode()).as("token for %s", wrong).isEqualTo(401);
    }
  }

  @Test
  void tokenEndpointIssuesTokenForRightPassword() {
    assertThat(tokenRequest(ALICE).statusCode()).isEqualTo(200);
  }

  @Test
  void publicRepositoryIsPullableAnonymously() {
    assertServes(publicDigest, RegistryClient.anonymous(tokenRegistry.baseUri(), tokenRegistry.sslContext())
        .headManifest(PUBLIC_REPO, "v1"));
  }

  @Test
  void unknownTagIsNotFoundForGrantedUser() {
    assertThat(client(tokenRegistry, ALICE).headManifest(TEAM_REPO, "no-such-tag").statusCode()).isEqualTo(404);
  }

  @Test
  void pullOnlyUserCannotPush() {
    ImagePusher reader = new ImagePusher(client(tokenRegistry, READER));

    assertThatThrownBy(() -> reader.push(TEAM_REPO, "from-reader"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HTTP 401");
  }

  @Test
  void htpasswdRegistryServesManifestToValidUser() {
    assertServes(htpasswdDigest, client(htpasswdRegistry, CAROL).headManifest(HTPASSWD_REPO, "v1"));
  }

  @Test
  void htpasswdRegistryChallengesRequestWithoutCredentials() {
    HttpResponse<byte[]> response = headWithoutAuthorization(htpasswdRegistry, HTPASSWD_REPO, "v1");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic ");
  }

  @Test
  void htpasswdRegistryRefusesWrongPassword() {
    var wrong = new RegistryCredentials(CAROL.username(), "wrong");

    assertThat(client(htpasswdRegistry, wrong).headManifest(HTPASSWD_REPO, "v1").statusCode()).isEqualTo(401);
  }

  private static void assertServes(String digest, HttpResponse<byte[]> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
  }

  private static RegistryClient client(OciRegistry registry, RegistryCredentials user) {
    return new RegistryClient(registry.baseUri(), registry.sslContext(), user);
  }

  private static HttpResponse<byte[]> headWithoutAuthorization(OciRegistry registry, String repository, String tag) {
    RegistryClient client = RegistryClient.anonymous(registry.baseUri(), registry.sslContext());
    return client.sendAsIs(client.request("/v2/" + repository + "/manifests/" + tag)
        .header("Accept", RegistryClient.MANIFEST_ACCEPT)
        .method("HEAD", HttpRequest.BodyPublishers.noBody())
        .build());
  }

  private static HttpResponse<byte[]> tokenRequest(RegistryCredentials user) {
    RegistryClient client = RegistryClient.anonymous(tokenRegistry.baseUri(), tokenRegistry.sslContext());
    URI uri = URI.create(issuer.tokenUri() + "?service=" + issuer.config().service()
        + "&scope=repository:" + TEAM_REPO + ":pull");
    return client.sendAsIs(client.request(uri).header("Authorization", user.basicAuthorization()).GET().build());
  }
}
