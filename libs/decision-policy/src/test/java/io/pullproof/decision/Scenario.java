package io.pullproof.decision;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One row of the decision table: a policy, a state, a request and the expected verdict. */
final class Scenario {
  static final String DIGEST = "sha256:" + "a1".repeat(32);
  static final String OTHER_DIGEST = "sha256:" + "b2".repeat(32);
  static final String APP = "registry.io/team/app";
  static final String APP_IMAGE = APP + ":1";
  static final String NODE_1 = "node-1";
  static final String NODE_2 = "node-2";
  static final Instant VERIFIED = Instant.parse("2026-11-20T00:00:00Z");
  static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

  static final PullSecret SECRET_A = PullSecret.of("team-a", "pull", "secret-uid-a", "hash-a");
  static final PullSecret SECRET_A_ROTATED = PullSecret.of("team-a", "pull", "secret-uid-a", "hash-a2");
  static final PullSecret SECRET_B_SAME_HASH = PullSecret.of("team-b", "pull", "secret-uid-b", "hash-a");
  static final PullSecret SECRET_B = PullSecret.of("team-b", "pull", "secret-uid-b", "hash-b");
  static final ObjectRef BUILDER_A = new ObjectRef("team-a", "builder", "sa-uid-a");
  static final String NODE_HASH = "node-hash-1";

  static final Grant SECRET_GRANT = Grant.secret(DIGEST, APP, SECRET_A, VERIFIED);
  static final Grant SERVICE_ACCOUNT_GRANT = Grant.serviceAccount(DIGEST, APP, BUILDER_A, VERIFIED);
  static final Grant ANONYMOUS_GRANT = Grant.anonymous(DIGEST, APP, VERIFIED);
  static final Grant NODE_GRANT = Grant.nodeCredential(DIGEST, APP, NODE_HASH, VERIFIED);

  final String description;
  Policy policy = Policy.DEFAULT;
  final Map<String, Policy> namespaces = new java.util.HashMap<>();
  final Map<String, Duration> registryMaxGrantAges = new java.util.HashMap<>();
  final List<Grant> grants = new ArrayList<>();
  final List<String[]> nodePulls = new ArrayList<>();
  final List<String[]> intents = new ArrayList<>();
  final List<Revocation> revocations = new ArrayList<>();
  final List<Grant> lateGrants = new ArrayList<>();
  final Request request = new Request();
  Reason expectedReason;
  Grant expectedGrant;
  GrantUpdate expectedUpdate;

  private Scenario(String description) {
    this.description = description;
  }

  static Scenario of(String description) {
    return new Scenario(description);
  }

  Scenario policy(VerificationPolicy verificationPolicy, String... allowlist) {
    policy = new Policy(verificationPolicy, Allowlist.of(List.of(allowlist)), policy.maxGrantAge());
    return this;
  }

  Scenario policy(Policy clusterPolicy) {
    policy = clusterPolicy;
    return this;
  }

  Scenario maxGrantAge(Duration maxGrantAge) {
    policy = new Policy(policy.verificationPolicy(), policy.allowlist(), maxGrantAge);
    return this;
  }

  Scenario registryMaxGrantAge(String registry, Duration maxGrantAge) {
    registryMaxGrantAges.put(registry, maxGrantAge);
    return this;
  }

  Scenario namespace(String namespace, Policy override) {
    namespaces.put(namespace, override);
    return this;
  }

  Scenario grants(Grant... more) {
    grants.addAll(List.of(more));
    return this;
  }

  /** An agent pulled {@code name} on {@code node}. */
  Scenario pulled(String node, String name) {
    nodePulls.add(new String[] {node, name});
    return this;
  }

  /** The name of the request was pulled on the request's node: the image is not preloaded. */
  Scenario pulledHere() {
    return pulled(NODE_1, APP);
  }

  Scenario intent(String node, String image) {
    intents.add(new String[] {node, image});
    return this;
  }

  Scenario revoke(Revocation.Kind kind, String value) {
    revocations.add(Revocation.of(kind, value));
    return this;
  }

  /** Grants recorded after the revocations (a pull event that arrives late). */
  Scenario grantsAfterRevocations(Grant... more) {
    lateGrants.addAll(List.of(more));
    return this;
  }

  Scenario revoke(Revocation revocation) {
    revocations.add(revocation);
    return this;
  }

  Scenario request(java.util.function.Consumer<Request> change) {
    change.accept(request);
    return this;
  }

  Scenario expect(Reason reason) {
    return expect(reason, null);
  }

  Scenario expect(Reason reason, Grant grant) {
    expectedReason = reason;
    expectedGrant = grant;
    return this;
  }

  Scenario expectUpdate(GrantUpdate.Kind kind, Grant grant) {
    expectedUpdate = new GrantUpdate(kind, grant);
    return this;
  }

  InMemoryDecisionState state() {
    InMemoryDecisionState state = new InMemoryDecisionState();
    grants.forEach(state::recordGrant);
    nodePulls.forEach(p -> state.recordNodePull(p[0], p[1]));
    intents.forEach(i -> state.recordPullIntent(i[0], i[1]));
    revocations.forEach(state::revoke);
    lateGrants.forEach(state::recordGrant);
    return state;
  }

  VerdictPolicy verdictPolicy() {
    return new VerdictPolicy(new ClusterPolicy(policy, namespaces, registryMaxGrantAges));
  }

  @Override
  public String toString() {
    return description;
  }

  /** The start request, IfNotPresent on node-1 from namespace team-b without credentials unless changed. */
  static final class Request {
    String node = NODE_1;
    String image = APP_IMAGE;
    String imageName = APP;
    String imageRef = DIGEST;
    PullPolicy pullPolicy = PullPolicy.IF_NOT_PRESENT;
    String podNamespace = "team-b";
    final List<PullSecret> secrets = new ArrayList<>();
    ObjectRef serviceAccount;
    String nodeCredentialHash = "";
    Instant now = NOW;

    Request secrets(PullSecret... more) {
      secrets.addAll(List.of(more));
      return this;
    }

    StartRequest build() {
      return new StartRequest(node, image, imageName, imageRef, pullPolicy, podNamespace, secrets,
          serviceAccount, nodeCredentialHash, now);
    }
  }
}
