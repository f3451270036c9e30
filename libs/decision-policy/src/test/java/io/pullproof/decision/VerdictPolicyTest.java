package io.pullproof.decision;

import static io.pullproof.decision.Scenario.ANONYMOUS_GRANT;
import static io.pullproof.decision.Scenario.APP;
import static io.pullproof.decision.Scenario.APP_IMAGE;
import static io.pullproof.decision.Scenario.BUILDER_A;
import static io.pullproof.decision.Scenario.DIGEST;
import static io.pullproof.decision.Scenario.NODE_1;
import static io.pullproof.decision.Scenario.NODE_2;
import static io.pullproof.decision.Scenario.NODE_GRANT;
import static io.pullproof.decision.Scenario.NODE_HASH;
import static io.pullproof.decision.Scenario.NOW;
import static io.pullproof.decision.Scenario.OTHER_DIGEST;
import static io.pullproof.decision.Scenario.SECRET_A;
import static io.pullproof.decision.Scenario.SECRET_A_ROTATED;
import static io.pullproof.decision.Scenario.SECRET_B;
import static io.pullproof.decision.Scenario.SECRET_B_SAME_HASH;
import static io.pullproof.decision.Scenario.SECRET_GRANT;
import static io.pullproof.decision.Scenario.SERVICE_ACCOUNT_GRANT;
import static io.pullproof.decision.Scenario.VERIFIED;
import static io.pullproof.decision.VerificationPolicy.ALWAYS_VERIFY;
import static io.pullproof.decision.VerificationPolicy.NEVER_VERIFY;
import static io.pullproof.decision.VerificationPolicy.NEVER_VERIFY_ALLOWLISTED_IMAGES;
import static io.pullproof.decision.VerificationPolicy.NEVER_VERIFY_PRELOADED_IMAGES;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VerdictPolicyTest {

  private static final Duration ONE_DAY = Duration.ofDays(1);
  /** team-a's pull secret in cluster prod, and team-a's (another object, same names) in cluster dev. */
  private static final Grant PROD_SECRET_GRANT = SECRET_GRANT.inCluster("prod");
  private static final PullSecret DEV_SECRET = PullSecret.of("team-a", "pull", "secret-uid-dev-a", "hash-dev-a");
  private static final Grant DEV_SECRET_GRANT = Grant.secret(DIGEST, APP, DEV_SECRET, VERIFIED).inCluster("dev");
  private static final Grant PROD_SERVICE_ACCOUNT_GRANT = SERVICE_ACCOUNT_GRANT.inCluster("prod");

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decidesAsTheTableSays(Scenario scenario) {
    Verdict verdict = scenario.verdictPolicy().decide(scenario.state(), scenario.request.build());

    assertThat(verdict.reason()).as("reason").isEqualTo(scenario.expectedReason);
    assertThat(verdict.outcome()).isEqualTo(scenario.expectedReason.outcome());
    assertThat(verdict.grant()).as("grant relied on").isEqualTo(scenario.expectedGrant);
    assertThat(verdict.update()).as("ledger update").isEqualTo(scenario.expectedUpdate);
  }

  @Test
  void theTableCoversEveryReasonUnderEveryPolicy() {
    Set<String> seen = table()
        .map(s -> s.verdictPolicy().policy().forNamespace(s.request.podNamespace).verificationPolicy() + " " + s.expectedReason)
        .collect(Collectors.toSet());
    List<String> missing = new ArrayList<>();
    for (VerificationPolicy policy : VerificationPolicy.values()) {
      for (Reason reason : possibleReasons(policy)) {
        if (!seen.contains(policy + " " + reason)) {
          missing.add(policy + " " + reason);
        }
      }
    }
    assertThat(missing).isEmpty();
  }

  /** What each policy can answer: NeverVerify never reaches the grants, and so on. */
  private static Set<Reason> possibleReasons(VerificationPolicy policy) {
    Set<Reason> reasons = EnumSet.of(Reason.PULL_POLICY_ALWAYS, Reason.IMAGE_NOT_PRESENT);
    if (policy == NEVER_VERIFY) {
      reasons.add(Reason.POLICY_NEVER_VERIFY);
      return reasons;
    }
    reasons.addAll(EnumSet.range(Reason.ANONYMOUS, Reason.NO_RECORD));
    if (policy == NEVER_VERIFY_PRELOADED_IMAGES) {
      reasons.add(Reason.PRELOADED);
    }
    if (policy == NEVER_VERIFY_ALLOWLISTED_IMAGES) {
      reasons.add(Reason.ALLOWLISTED);
    }
    return reasons;
  }

  static Stream<Scenario> table() {
    List<Scenario> rows = new ArrayList<>();
    for (VerificationPolicy policy : VerificationPolicy.values()) {
      rows.addAll(everyPolicy(policy));
    }
    for (VerificationPolicy policy : List.of(NEVER_VERIFY_PRELOADED_IMAGES, NEVER_VERIFY_ALLOWLISTED_IMAGES, ALWAYS_VERIFY)) {
      rows.addAll(verifyingPolicy(policy));
    }
    rows.addAll(policyGates());
    rows.addAll(fleetExtensions());
    rows.addAll(secretsAndRotation());
    rows.addAll(precedence());
    return rows.stream();
  }

  /** Rows whose answer comes before the verification policy is consulted. */
  private static List<Scenario> everyPolicy(VerificationPolicy policy) {
    return List.of(
        Scenario.of(policy.configName() + ": pullPolicy Always repulls even with a matching grant")
            .policy(policy(policy)).grants(SECRET_GRANT).pulledHere()
            .request(r -> r.secrets(SECRET_A).pullPolicy = PullPolicy.ALWAYS)
            .expect(Reason.PULL_POLICY_ALWAYS),
        Scenario.of(policy.configName() + ": pullPolicy Always repulls an absent image")
            .policy(policy(policy))
            .request(r -> {
              r.pullPolicy = PullPolicy.ALWAYS;
              r.imageRef = "";
            })
            .expect(Reason.PULL_POLICY_ALWAYS),
        Scenario.of(policy.configName() + ": an absent image is pulled whatever the grants")
            .policy(policy(policy)).grants(ANONYMOUS_GRANT)
            .request(r -> r.imageRef = "")
            .expect(Reason.IMAGE_NOT_PRESENT),
        Scenario.of(policy.configName() + ": pullPolicy Never with an absent image")
            .policy(policy(policy))
            .request(r -> {
              r.pullPolicy = PullPolicy.NEVER;
              r.imageRef = "";
            })
            .expect(Reason.IMAGE_NOT_PRESENT));
  }

  /**
   * Rows for the policies that reach the grants: the request's name was pulled on its node (so
   * NeverVerifyPreloadedImages verifies) and the allowlist does not match it.
   */
  private static List<Scenario> verifyingPolicy(VerificationPolicy policy) {
    String p = policy.configName() + ": ";
    return List.of(
        Scenario.of(p + "no grant at all").policy(policy(policy)).pulledHere()
            .expect(Reason.NO_RECORD),
        Scenario.of(p + "grants for the digest under another name only").policy(policy(policy)).pulledHere()
            .grants(Grant.anonymous(DIGEST, "registry.io/team/other", VERIFIED))
            .expect(Reason.NO_RECORD),
        Scenario.of(p + "grants for the name under another digest only").policy(policy(policy)).pulledHere()
            .grants(Grant.anonymous(OTHER_DIGEST, APP, VERIFIED))
            .expect(Reason.NO_RECORD),
        Scenario.of(p + "anonymous grant allows a pod without credentials").policy(policy(policy)).pulledHere()
            .grants(ANONYMOUS_GRANT)
            .expect(Reason.ANONYMOUS, ANONYMOUS_GRANT),
        Scenario.of(p + "node credential grant allows the same node credential").policy(policy(policy)).pulledHere()
            .grants(NODE_GRANT).request(r -> r.nodeCredentialHash = NODE_HASH)
            .expect(Reason.NODE_CREDENTIAL_MATCH, NODE_GRANT),
        Scenario.of(p + "secret with the granted hash").policy(policy(policy)).pulledHere()
            .grants(SECRET_GRANT).request(r -> r.secrets(SECRET_A))
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT),
        Scenario.of(p + "rotated secret").policy(policy(policy)).pulledHere()
            .grants(SECRET_GRANT).request(r -> r.secrets(SECRET_A_ROTATED))
            .expect(Reason.SECRET_ROTATED, SECRET_GRANT)
            .expectUpdate(GrantUpdate.Kind.REPLACE_CREDENTIAL_HASH, Grant.secret(DIGEST, APP, SECRET_A_ROTATED, VERIFIED)),
        Scenario.of(p + "granted service account").policy(policy(policy)).pulledHere()
            .grants(SERVICE_ACCOUNT_GRANT).request(r -> r.serviceAccount = BUILDER_A)
            .expect(Reason.SERVICE_ACCOUNT_MATCH, SERVICE_ACCOUNT_GRANT),
        Scenario.of(p + "grants exist, none for the pod's secret").policy(policy(policy)).pulledHere()
            .grants(SECRET_GRANT, SERVICE_ACCOUNT_GRANT).request(r -> r.secrets(SECRET_B))
            .expect(Reason.NO_MATCHING_CREDENTIAL),
        Scenario.of(p + "the only matching grant is older than maxGrantAge").policy(policy(policy)).pulledHere()
            .maxGrantAge(ONE_DAY).grants(SECRET_GRANT).request(r -> r.secrets(SECRET_A))
            .expect(Reason.GRANT_EXPIRED, SECRET_GRANT),
        Scenario.of(p + "the only matching grant was revoked").policy(policy(policy)).pulledHere()
            .grants(SECRET_GRANT).revoke(Revocation.Kind.SECRET_UID, SECRET_A.ref().uid())
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.REVOKED, SECRET_GRANT),
        Scenario.of(p + "pullPolicy Never gets the same verdict as IfNotPresent").policy(policy(policy)).pulledHere()
            .grants(SECRET_GRANT).request(r -> r.secrets(SECRET_B).pullPolicy = PullPolicy.NEVER)
            .expect(Reason.NO_MATCHING_CREDENTIAL),
        Scenario.of(p + "pullPolicy Never with a matching grant").policy(policy(policy)).pulledHere()
            .grants(SECRET_GRANT).request(r -> r.secrets(SECRET_A).pullPolicy = PullPolicy.NEVER)
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT));
  }

  private static List<Scenario> policyGates() {
    return List.of(
        Scenario.of("NeverVerify: anything present starts, pulled here or not")
            .policy(policy(NEVER_VERIFY)).pulledHere()
            .expect(Reason.POLICY_NEVER_VERIFY),
        Scenario.of("NeverVerify: pullPolicy Never with a present image")
            .policy(policy(NEVER_VERIFY)).request(r -> r.pullPolicy = PullPolicy.NEVER)
            .expect(Reason.POLICY_NEVER_VERIFY),
        Scenario.of("NeverVerifyPreloadedImages: a name never pulled on the node is preloaded")
            .expect(Reason.PRELOADED),
        Scenario.of("NeverVerifyPreloadedImages: pulled on another node only, still preloaded here")
            .pulled(NODE_2, APP)
            .expect(Reason.PRELOADED),
        Scenario.of("NeverVerifyPreloadedImages: its digest pulled here under another name, still preloaded")
            .pulled(NODE_1, "registry.io/team/other").grants(Grant.secret(DIGEST, "registry.io/team/other", SECRET_A, VERIFIED))
            .expect(Reason.PRELOADED),
        Scenario.of("NeverVerifyPreloadedImages: a pull intent on this node means not preloaded")
            .intent(NODE_1, APP_IMAGE)
            .expect(Reason.NO_RECORD),
        Scenario.of("NeverVerifyPreloadedImages: an intent on this node with fleet grants verifies them")
            .intent(NODE_1, APP_IMAGE).grants(SECRET_GRANT).request(r -> r.secrets(SECRET_A))
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT),
        Scenario.of("NeverVerifyPreloadedImages: an intent on another node does not count here")
            .intent(NODE_2, APP_IMAGE)
            .expect(Reason.PRELOADED),
        Scenario.of("NeverVerifyPreloadedImages: an intent for another tag does not count")
            .intent(NODE_1, APP + ":2")
            .expect(Reason.PRELOADED),
        Scenario.of("NeverVerifyPreloadedImages: pullPolicy Never with a preloaded image")
            .request(r -> r.pullPolicy = PullPolicy.NEVER)
            .expect(Reason.PRELOADED),
        Scenario.of("NeverVerifyAllowlistedImages: exact name allowlisted, even when pulled here")
            .policy(NEVER_VERIFY_ALLOWLISTED_IMAGES, APP).pulledHere()
            .expect(Reason.ALLOWLISTED),
        Scenario.of("NeverVerifyAllowlistedImages: prefix allowlisted")
            .policy(NEVER_VERIFY_ALLOWLISTED_IMAGES, "registry.io/*")
            .expect(Reason.ALLOWLISTED),
        Scenario.of("NeverVerifyAllowlistedImages: nested path under a prefix")
            .policy(NEVER_VERIFY_ALLOWLISTED_IMAGES, "registry.io/team/*")
            .request(r -> {
              r.imageName = "registry.io/team/x/y";
              r.image = "registry.io/team/x/y:1";
            })
            .expect(Reason.ALLOWLISTED),
        Scenario.of("NeverVerifyAllowlistedImages: a prefix does not match a longer path component")
            .policy(NEVER_VERIFY_ALLOWLISTED_IMAGES, "registry.io/tea/*")
            .expect(Reason.NO_RECORD),
        Scenario.of("NeverVerifyAllowlistedImages: a prefix does not match the bare repository it names")
            .policy(NEVER_VERIFY_ALLOWLISTED_IMAGES, APP + "/*")
            .expect(Reason.NO_RECORD),
        Scenario.of("NeverVerifyAllowlistedImages: a preloaded image off the allowlist is verified")
            .policy(NEVER_VERIFY_ALLOWLISTED_IMAGES, "docker.io/library/nginx")
            .expect(Reason.NO_RECORD),
        always("AlwaysVerify: a preloaded image is verified too")
            
            .expect(Reason.NO_RECORD),
        always("namespace override NeverVerify in a cluster that always verifies")
            .namespace("team-b", policy(NEVER_VERIFY))
            .expect(Reason.POLICY_NEVER_VERIFY),
        always("namespace override for another namespace leaves the cluster policy")
            .namespace("team-c", policy(NEVER_VERIFY))
            .expect(Reason.NO_RECORD),
        always("namespace override with its own maxGrantAge")
            
            .namespace("team-b", new Policy(ALWAYS_VERIFY, Allowlist.empty(), ONE_DAY))
            .grants(ANONYMOUS_GRANT)
            .expect(Reason.GRANT_EXPIRED, ANONYMOUS_GRANT));
  }

  private static List<Scenario> fleetExtensions() {
    Grant otherNodeCredential = Grant.nodeCredential(DIGEST, APP, "node-hash-2", VERIFIED);
    Grant fresh = Grant.secret(DIGEST, APP, SECRET_B, NOW.minus(Duration.ofHours(1)));
    return List.of(
        always("a secret grant proven on node-2 serves node-1")
            .pulled(NODE_2, APP).grants(SECRET_GRANT)
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT),
        always("a node credential grant does not serve another node credential")
            .grants(otherNodeCredential)
            .request(r -> r.nodeCredentialHash = NODE_HASH)
            .expect(Reason.NO_MATCHING_CREDENTIAL),
        always("a node credential grant does not serve a node without node credentials")
            .grants(NODE_GRANT)
            .expect(Reason.NO_MATCHING_CREDENTIAL),
        always("an empty node credential hash never matches")
            .grants(Grant.nodeCredential(DIGEST, APP, "", VERIFIED))
            .request(r -> r.nodeCredentialHash = "")
            .expect(Reason.NO_MATCHING_CREDENTIAL),
        always("a node credential grant serves the same credential on another node")
            .grants(NODE_GRANT)
            .request(r -> {
              r.node = NODE_2;
              r.nodeCredentialHash = NODE_HASH;
            })
            .expect(Reason.NODE_CREDENTIAL_MATCH, NODE_GRANT),
        always("a grant exactly maxGrantAge old still allows")
            .maxGrantAge(Duration.ofDays(2)).grants(SECRET_GRANT)
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT),
        always("a registry's maxGrantAge expires the grants of its images in every namespace")
            .registryMaxGrantAge("registry.io", ONE_DAY).grants(SECRET_GRANT)
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.GRANT_EXPIRED, SECRET_GRANT),
        always("another registry's maxGrantAge does not apply")
            .registryMaxGrantAge("docker.io", ONE_DAY).grants(SECRET_GRANT)
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT),
        always("the shorter age wins: the registry's under a longer cluster age")
            .maxGrantAge(Duration.ofDays(30)).registryMaxGrantAge("registry.io", ONE_DAY).grants(SECRET_GRANT)
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.GRANT_EXPIRED, SECRET_GRANT),
        always("the shorter age wins: the namespace's under a longer registry age")
            .registryMaxGrantAge("registry.io", Duration.ofDays(30))
            .namespace("team-b", new Policy(ALWAYS_VERIFY, Allowlist.empty(), ONE_DAY)).grants(SECRET_GRANT)
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.GRANT_EXPIRED, SECRET_GRANT),
        always("a grant younger than its registry's maxGrantAge allows")
            .registryMaxGrantAge("registry.io", Duration.ofDays(3)).grants(SECRET_GRANT)
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT),
        always("an expired anonymous grant")
            .maxGrantAge(ONE_DAY).grants(ANONYMOUS_GRANT)
            .expect(Reason.GRANT_EXPIRED, ANONYMOUS_GRANT),
        always("an expired grant does not block a live one for another credential")
            .maxGrantAge(ONE_DAY).grants(SECRET_GRANT, fresh)
            .request(r -> r.secrets(SECRET_A, SECRET_B))
            .expect(Reason.SECRET_HASH_MATCH, fresh),
        always("an expired grant that does not match is no reason")
            .maxGrantAge(ONE_DAY).grants(SECRET_GRANT)
            .request(r -> r.secrets(SECRET_B))
            .expect(Reason.NO_MATCHING_CREDENTIAL),
        revokedBy("credential hash (secret)", Revocation.Kind.CREDENTIAL_HASH, "hash-a", SECRET_GRANT,
            r -> r.secrets(SECRET_A)),
        revokedBy("credential hash (node credential)", Revocation.Kind.CREDENTIAL_HASH, NODE_HASH, NODE_GRANT,
            r -> r.nodeCredentialHash = NODE_HASH),
        revokedBy("service account uid", Revocation.Kind.SERVICE_ACCOUNT_UID, "sa-uid-a", SERVICE_ACCOUNT_GRANT,
            r -> r.serviceAccount = BUILDER_A),
        revokedBy("namespace (secret)", Revocation.Kind.NAMESPACE, "team-a", SECRET_GRANT,
            r -> r.secrets(SECRET_A)),
        revokedBy("namespace (service account)", Revocation.Kind.NAMESPACE, "team-a", SERVICE_ACCOUNT_GRANT,
            r -> r.serviceAccount = BUILDER_A),
        always("a namespace revocation of a cluster revokes that cluster's secret grant, for every node of the fleet")
            .grants(PROD_SECRET_GRANT).revoke(new Revocation(Revocation.Kind.NAMESPACE, "team-a", null, "prod"))
            .request(r -> {
              r.node = "dev/" + NODE_2;
              r.secrets(SECRET_A);
            })
            .expect(Reason.REVOKED, PROD_SECRET_GRANT),
        always("a namespace revocation of a cluster revokes that cluster's service account grant")
            .grants(PROD_SERVICE_ACCOUNT_GRANT).revoke(new Revocation(Revocation.Kind.NAMESPACE, "team-a", null, "prod"))
            .request(r -> r.serviceAccount = BUILDER_A)
            .expect(Reason.REVOKED, PROD_SERVICE_ACCOUNT_GRANT),
        always("a namespace revocation of another cluster leaves the same-named namespace's grant alone")
            .grants(PROD_SECRET_GRANT).revoke(new Revocation(Revocation.Kind.NAMESPACE, "team-a", null, "dev"))
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.SECRET_HASH_MATCH, PROD_SECRET_GRANT),
        always("a namespace revocation of a cluster: the other cluster's grant for the same image still serves")
            .grants(PROD_SECRET_GRANT, DEV_SECRET_GRANT)
            .revoke(new Revocation(Revocation.Kind.NAMESPACE, "team-a", null, "prod"))
            .request(r -> r.secrets(SECRET_A, DEV_SECRET))
            .expect(Reason.SECRET_HASH_MATCH, DEV_SECRET_GRANT),
        always("a namespace revocation without a cluster revokes the namespace in every cluster")
            .grants(PROD_SECRET_GRANT, DEV_SECRET_GRANT).revoke(Revocation.Kind.NAMESPACE, "team-a")
            .request(r -> r.secrets(SECRET_A, DEV_SECRET))
            .expect(Reason.REVOKED, PROD_SECRET_GRANT),
        always("a namespace revocation of a cluster revokes a grant whose cluster is unknown (fail safe)")
            .grants(SECRET_GRANT).revoke(new Revocation(Revocation.Kind.NAMESPACE, "team-a", null, "dev"))
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.REVOKED, SECRET_GRANT),
        always("a cluster on a secret uid revocation does not narrow it: the uid names one secret fleet-wide")
            .grants(PROD_SECRET_GRANT).revoke(new Revocation(Revocation.Kind.SECRET_UID, "secret-uid-a", null, "dev"))
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.REVOKED, PROD_SECRET_GRANT),
        always("a namespace revocation of a cluster remembered for a grant recorded later")
            .revoke(new Revocation(Revocation.Kind.NAMESPACE, "team-a", null, "prod"))
            .grantsAfterRevocations(PROD_SECRET_GRANT, DEV_SECRET_GRANT)
            .request(r -> r.secrets(SECRET_A, DEV_SECRET))
            .expect(Reason.SECRET_HASH_MATCH, DEV_SECRET_GRANT),
        always("a namespace revocation leaves anonymous grants alone")
            .grants(ANONYMOUS_GRANT).revoke(Revocation.Kind.NAMESPACE, "team-a")
            .expect(Reason.ANONYMOUS, ANONYMOUS_GRANT),
        always("a secret uid revocation leaves service account grants with that uid alone")
            .grants(SERVICE_ACCOUNT_GRANT).revoke(Revocation.Kind.SECRET_UID, "sa-uid-a")
            .request(r -> r.serviceAccount = BUILDER_A)
            .expect(Reason.SERVICE_ACCOUNT_MATCH, SERVICE_ACCOUNT_GRANT),
        always("a revocation of another secret changes nothing")
            .grants(SECRET_GRANT).revoke(Revocation.Kind.SECRET_UID, "secret-uid-b")
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT),
        always("a revoked grant does not block a live one for another credential")
            .grants(SECRET_GRANT, SERVICE_ACCOUNT_GRANT)
            .revoke(Revocation.Kind.SECRET_UID, SECRET_A.ref().uid())
            .request(r -> {
              r.secrets(SECRET_A);
              r.serviceAccount = BUILDER_A;
            })
            .expect(Reason.SERVICE_ACCOUNT_MATCH, SERVICE_ACCOUNT_GRANT),
        always("a grant verified after revokedAt is a new proof")
            .grants(SECRET_GRANT)
            .revoke(new Revocation(Revocation.Kind.SECRET_UID, SECRET_A.ref().uid(), VERIFIED.minusSeconds(1)))
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT),
        always("a grant verified before revokedAt is revoked")
            .grants(SECRET_GRANT)
            .revoke(new Revocation(Revocation.Kind.SECRET_UID, SECRET_A.ref().uid(), VERIFIED))
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.REVOKED, SECRET_GRANT));
  }

  private static List<Scenario> secretsAndRotation() {
    Grant emptyHash = Grant.secret(DIGEST, APP, PullSecret.of("team-a", "pull", "secret-uid-a", ""), VERIFIED);
    PullSecret emptyHashSecret = PullSecret.of("team-a", "pull", "secret-uid-a", "");
    ObjectRef recreatedBuilder = new ObjectRef("team-a", "builder", "sa-uid-new");
    return List.of(
        always("the same hash from other secret coordinates allows and records them")
            .grants(SECRET_GRANT)
            .request(r -> r.secrets(SECRET_B_SAME_HASH))
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT)
            .expectUpdate(GrantUpdate.Kind.RECORD_SECRET_COORDINATES, Grant.secret(DIGEST, APP, SECRET_B_SAME_HASH, VERIFIED)),
        always("an empty pod secret hash matches nothing, not even by coordinates")
            .grants(SECRET_GRANT)
            .request(r -> r.secrets(emptyHashSecret))
            .expect(Reason.NO_MATCHING_CREDENTIAL),
        always("an empty granted hash is not matched by hash")
            .grants(emptyHash)
            .request(r -> r.secrets(SECRET_B))
            .expect(Reason.NO_MATCHING_CREDENTIAL),
        always("a granted empty hash is replaced by rotation, as the kubelet does")
            .grants(emptyHash)
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.SECRET_ROTATED, emptyHash)
            .expectUpdate(GrantUpdate.Kind.REPLACE_CREDENTIAL_HASH, SECRET_GRANT),
        always("a hash match wins over a rotation")
            .grants(SECRET_GRANT)
            .request(r -> r.secrets(SECRET_A_ROTATED, SECRET_B_SAME_HASH))
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT)
            .expectUpdate(GrantUpdate.Kind.RECORD_SECRET_COORDINATES, Grant.secret(DIGEST, APP, SECRET_B_SAME_HASH, VERIFIED)),
        always("an expired rotated secret")
            .maxGrantAge(ONE_DAY).grants(SECRET_GRANT)
            .request(r -> r.secrets(SECRET_A_ROTATED))
            .expect(Reason.GRANT_EXPIRED, SECRET_GRANT),
        always("at 100 secret grants a rotation no longer allows (kubelet write limit)")
            .grants(withManySecrets(SECRET_GRANT))
            .request(r -> r.secrets(SECRET_A_ROTATED))
            .expect(Reason.NO_MATCHING_CREDENTIAL),
        always("at 100 secret grants a hash match allows without recording")
            .grants(withManySecrets(SECRET_GRANT))
            .request(r -> r.secrets(SECRET_B_SAME_HASH))
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT),
        always("a service account with the same name but a new uid does not match")
            .grants(SERVICE_ACCOUNT_GRANT)
            .request(r -> r.serviceAccount = recreatedBuilder)
            .expect(Reason.NO_MATCHING_CREDENTIAL),
        always("a secret whose coordinates are a granted service account's does not match it")
            .grants(SERVICE_ACCOUNT_GRANT)
            .request(r -> r.secrets(PullSecret.of("team-a", "builder", "sa-uid-a", "hash-x")))
            .expect(Reason.NO_MATCHING_CREDENTIAL));
  }

  private static List<Scenario> precedence() {
    Grant newer = Grant.secret(DIGEST, APP, SECRET_B_SAME_HASH, VERIFIED.plusSeconds(60));
    Grant revokedSecret = Grant.secret(DIGEST, APP, SECRET_B, VERIFIED);
    return List.of(
        always("anonymous wins over a matching secret")
            .grants(SECRET_GRANT, ANONYMOUS_GRANT)
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.ANONYMOUS, ANONYMOUS_GRANT),
        always("node credential wins over a matching secret")
            .grants(SECRET_GRANT, NODE_GRANT)
            .request(r -> {
              r.secrets(SECRET_A);
              r.nodeCredentialHash = NODE_HASH;
            })
            .expect(Reason.NODE_CREDENTIAL_MATCH, NODE_GRANT),
        always("a secret wins over the service account")
            .grants(SERVICE_ACCOUNT_GRANT, SECRET_GRANT)
            .request(r -> {
              r.secrets(SECRET_A);
              r.serviceAccount = BUILDER_A;
            })
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT),
        always("same coordinates win over another secret with the same hash")
            .grants(SECRET_GRANT, newer)
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.SECRET_HASH_MATCH, SECRET_GRANT),
        always("of two equal matches the most recently verified is relied on")
            .grants(SECRET_GRANT, newer)
            .request(r -> r.secrets(PullSecret.of("team-c", "pull", "secret-uid-c", "hash-a")))
            .expect(Reason.SECRET_HASH_MATCH, newer)
            .expectUpdate(GrantUpdate.Kind.RECORD_SECRET_COORDINATES,
                Grant.secret(DIGEST, APP, PullSecret.of("team-c", "pull", "secret-uid-c", "hash-a"), newer.verifiedAt())),
        always("revoked and expired: the same grant reports REVOKED")
            .maxGrantAge(ONE_DAY).grants(SECRET_GRANT)
            .revoke(Revocation.Kind.SECRET_UID, SECRET_A.ref().uid())
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.REVOKED, SECRET_GRANT),
        always("one grant revoked, another expired: REVOKED")
            .maxGrantAge(ONE_DAY)
            .grants(Grant.secret(DIGEST, APP, SECRET_A, NOW.minusSeconds(60)), SERVICE_ACCOUNT_GRANT)
            .revoke(Revocation.Kind.SECRET_UID, SECRET_A.ref().uid())
            .request(r -> {
              r.secrets(SECRET_A);
              r.serviceAccount = BUILDER_A;
            })
            .expect(Reason.REVOKED, Grant.secret(DIGEST, APP, SECRET_A, NOW.minusSeconds(60))),
        always("a revoked grant that would not match is no reason")
            .grants(revokedSecret).revoke(Revocation.Kind.SECRET_UID, "secret-uid-b")
            .request(r -> r.secrets(SECRET_A))
            .expect(Reason.NO_MATCHING_CREDENTIAL));
  }

  /** A row deciding under AlwaysVerify, the policy that always reaches the grants. */
  private static Scenario always(String description) {
    return Scenario.of(description).policy(policy(ALWAYS_VERIFY));
  }

  /** The only matching grant was revoked by {@code kind}. */
  private static Scenario revokedBy(String what, Revocation.Kind kind, String value, Grant grant,
      java.util.function.Consumer<Scenario.Request> credentials) {
    return always("revoked by " + what).grants(grant).revoke(kind, value).request(credentials)
        .expect(Reason.REVOKED, grant);
  }

  /** {@code grant} plus 99 other secrets for the same image and name: 100 secrets in all. */
  private static Grant[] withManySecrets(Grant grant) {
    Grant[] grants = new Grant[VerdictPolicy.SECRET_WRITE_WHILE_MATCHING_LIMIT];
    grants[0] = grant;
    for (int i = 1; i < grants.length; i++) {
      grants[i] = Grant.secret(DIGEST, APP, PullSecret.of("tenant-" + i, "pull", "uid-" + i, "hash-" + i), VERIFIED);
    }
    return grants;
  }

  private static Policy policy(VerificationPolicy verificationPolicy) {
    return verificationPolicy == NEVER_VERIFY_ALLOWLISTED_IMAGES
        ? new Policy(verificationPolicy, Allowlist.of(List.of("registry.io/other/*")), null)
        : new Policy(verificationPolicy, Allowlist.empty(), null);
  }
}
