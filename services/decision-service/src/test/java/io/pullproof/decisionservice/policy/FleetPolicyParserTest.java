package io.pullproof.decisionservice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.decision.FleetPolicy;
import io.pullproof.decision.Policy;
import io.pullproof.decision.VerificationPolicy;
import io.pullproof.kit.config.InvalidConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetPolicyParserTest {
  private static final String ORIGIN = "PULLPROOF_DECISION_POLICY_FILE policy.json";

  @Test
  void clusterPolicyWithNamespaceOverridesIsParsedAndInherits() {
    FleetPolicy fleet = FleetPolicyParser.parse("""
        {"default": {"verificationPolicy": "NeverVerify"},
         "clusters": {"prod": {"verificationPolicy": "AlwaysVerify", "maxGrantAgeSeconds": 3600,
           "namespaces": {"kube-system": {"verificationPolicy": "NeverVerifyAllowlistedImages",
                                          "allowlist": ["registry.k8s.io/*", "docker.io/library/nginx"]},
                          "ci": {"maxGrantAgeSeconds": 60}}}}}
        """, ORIGIN);

    assertThat(fleet.forCluster("elsewhere").policy().cluster().verificationPolicy()).isEqualTo(VerificationPolicy.NEVER_VERIFY);
    Policy prod = fleet.forCluster("prod").policy().cluster();
    assertThat(prod.verificationPolicy()).isEqualTo(VerificationPolicy.ALWAYS_VERIFY);
    assertThat(prod.maxGrantAge()).isEqualTo(Duration.ofHours(1));
    Policy kubeSystem = fleet.forCluster("prod").policy().forNamespace("kube-system");
    assertThat(kubeSystem.allowlist().matches("registry.k8s.io/pause")).isTrue();
    assertThat(kubeSystem.maxGrantAge()).as("inherited from the cluster").isEqualTo(Duration.ofHours(1));
    Policy ci = fleet.forCluster("prod").policy().forNamespace("ci");
    assertThat(ci.verificationPolicy()).as("inherited").isEqualTo(VerificationPolicy.ALWAYS_VERIFY);
    assertThat(ci.maxGrantAge()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void emptyDocumentMeansTheKubeletDefaultEverywhere() {
    FleetPolicy fleet = FleetPolicyParser.parse("{}", ORIGIN);
    assertThat(fleet.forCluster("any").policy().cluster()).isEqualTo(Policy.DEFAULT);
  }

  @Test
  void badAllowlistEntryIsNamedWithItsFullPath() {
    assertThatThrownBy(() -> FleetPolicyParser.parse("""
        {"clusters": {"prod": {"namespaces": {"ci": {"verificationPolicy": "NeverVerifyAllowlistedImages",
                                                     "allowlist": ["registry.io/team/*", "registry.io/team:1"]}}}}}
        """, ORIGIN))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(ORIGIN + ": clusters.prod.namespaces.ci.allowlist[1] \"registry.io/team:1\"");
  }

  @Test
  void bareWildcardInTheDefaultIsRejected() {
    assertThatThrownBy(() -> FleetPolicyParser.parse(
        "{\"default\": {\"verificationPolicy\": \"NeverVerifyAllowlistedImages\", \"allowlist\": [\"*\"]}}", ORIGIN))
        .hasMessageContaining("default.allowlist[0] \"*\"");
  }

  @Test
  void unknownVerificationPolicyListsTheValidOnes() {
    assertThatThrownBy(() -> FleetPolicyParser.parse("{\"clusters\": {\"c1\": {\"verificationPolicy\": \"Sometimes\"}}}", ORIGIN))
        .hasMessageContaining("clusters.c1.verificationPolicy \"Sometimes\"")
        .hasMessageContaining("NeverVerifyPreloadedImages");
  }

  @Test
  void allowlistWithAnotherPolicyIsRejected() {
    assertThatThrownBy(() -> FleetPolicyParser.parse(
        "{\"clusters\": {\"c1\": {\"verificationPolicy\": \"AlwaysVerify\", \"allowlist\": [\"a.io/x\"]}}}", ORIGIN))
        .hasMessageContaining("clusters.c1.allowlist");
  }

  @Test
  void unknownFieldIsNamed() {
    assertThatThrownBy(() -> FleetPolicyParser.parse("{\"clusters\": {\"c1\": {\"verficationPolicy\": \"NeverVerify\"}}}", ORIGIN))
        .hasMessageContaining("clusters.c1.verficationPolicy unknown field");
  }

  @Test
  void nonPositiveMaxGrantAgeIsRejected() {
    assertThatThrownBy(() -> FleetPolicyParser.parse("{\"default\": {\"maxGrantAgeSeconds\": 0}}", ORIGIN))
        .hasMessageContaining("default.maxGrantAgeSeconds expected a positive whole number of seconds");
  }

  @Test
  void registryGrantAgesApplyToEveryCluster() {
    FleetPolicy policy = FleetPolicyParser.parse("""
        {"clusters": {"prod": {"verificationPolicy": "AlwaysVerify"}},
         "registries": {"registry.io": {"maxGrantAgeSeconds": 3600}, "localhost:5000": {"maxGrantAgeSeconds": 60}}}
        """, ORIGIN);

    Map<String, Duration> expected = Map.of("registry.io", Duration.ofHours(1), "localhost:5000", Duration.ofMinutes(1));
    assertThat(policy.defaultPolicy().registryMaxGrantAges()).isEqualTo(expected);
    assertThat(policy.clusters().get("prod").registryMaxGrantAges()).isEqualTo(expected);
    assertThat(policy.forCluster("prod").policy().registryMaxGrantAges()).isEqualTo(expected);
  }

  @Test
  void badRegistryEntriesAreNamed() {
    assertThatThrownBy(() -> FleetPolicyParser.parse("{\"registries\": {\"registry.io/team\": {\"maxGrantAgeSeconds\": 60}}}", ORIGIN))
        .hasMessageContaining(ORIGIN + ": registries \"registry.io/team\": a registry is the domain");
    assertThatThrownBy(() -> FleetPolicyParser.parse("{\"registries\": {\"registry.io\": {\"maxGrantAgeSeconds\": -1}}}", ORIGIN))
        .hasMessageContaining("registries.registry.io.maxGrantAgeSeconds expected a positive whole number of seconds");
    assertThatThrownBy(() -> FleetPolicyParser.parse("{\"registries\": {\"registry.io\": {\"maxAge\": 60}}}", ORIGIN))
        .hasMessageContaining("registries.registry.io.maxAge unknown field");
    assertThatThrownBy(() -> FleetPolicyParser.parse("{\"registries\": {\"registry.io\": {}}}", ORIGIN))
        .hasMessageContaining("registries.registry.io missing maxGrantAgeSeconds");
  }

  @Test
  void invalidJsonIsReportedWithTheOrigin() {
    assertThatThrownBy(() -> FleetPolicyParser.parse("{\"default\": ", ORIGIN))
        .hasMessageStartingWith(ORIGIN + ": not valid JSON");
  }
}
