package io.pullproof.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AllowlistTest {

  @ParameterizedTest(name = "accepts \"{0}\"")
  @ValueSource(strings = {
      "registry.io/team/app",
      "registry.io/team/*",
      "registry.io/*",
      "registry.io:5000/*",
      "localhost:5000/app",
      "localhost/*",
      "docker.io/library/nginx",
      "docker.io/*",
      "docker.io/library/*",
      "Registry.IO/team/app",
      "[::1]:5000/team/app",
      "registry.io/team/app-x_y.z"})
  void acceptsNormalisedNamesAndTrailingWildcards(String entry) {
    assertThat(Allowlist.of(List.of(entry)).entries()).containsExactly(entry);
  }

  @ParameterizedTest(name = "rejects \"{0}\": {1}")
  @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
      "''|must not be empty",
      "' registry.io/team/app'|leading/trailing whitespace",
      "'registry.io/team/app '|leading/trailing whitespace",
      "'registry.io/team/*\t'|leading/trailing whitespace",
      "registry.io/te am/app|whitespace is not allowed",
      "registry.io/te am/*|whitespace is not allowed",
      "*|only a trailing '/*' is allowed",
      "/*|at least a registry host",
      "registry.io/*/app|only a trailing '/*' is allowed",
      "registry.io/team*|only a trailing '/*' is allowed",
      "registry.io/team/**|only a trailing '/*' is allowed",
      "registry.io/team/*/|only a trailing '/*' is allowed",
      "*.registry.io/app|only a trailing '/*' is allowed",
      "registry.io/team/|must not end with '/'",
      "registry.io/team/app:1|neither tag nor digest",
      "registry.io/team/app:latest|neither tag nor digest",
      "registry.io/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|neither tag nor digest",
      "registry.io/team/app:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|neither tag nor digest",
      "nginx|use docker.io/library/nginx",
      "docker.io/nginx|use docker.io/library/nginx",
      "index.docker.io/library/nginx|use docker.io/library/nginx",
      "team/app|use docker.io/team/app",
      "registry.io/Team/app|not an image name",
      "registry.io//app|not an image name",
      "myteam/*|use docker.io/myteam/*",
      "index.docker.io/*|use docker.io/*",
      "registry.io/Team/*|not a registry host and repository path",
      "registry.io//*|not a registry host and repository path",
      "registry.io/team:1/*|not a registry host and repository path"})
  void rejectsOtherEntriesNamingThem(String entry, String problem) {
    assertThatThrownBy(() -> Allowlist.of(List.of("registry.io/ok/*", entry)))
        .isInstanceOfSatisfying(InvalidPolicyException.class, e -> {
          assertThat(e.field()).isEqualTo("allowlist[1]");
          assertThat(e.value()).isEqualTo(entry);
          assertThat(e.getMessage()).startsWith("allowlist[1] ").contains(problem);
        });
  }

  @Test
  void matchesExactNamesAndPrefixesWithTheirSlash() {
    Allowlist allowlist = Allowlist.of(List.of("registry.io/team/*", "docker.io/library/nginx"));

    assertThat(allowlist.matches("registry.io/team/app")).isTrue();
    assertThat(allowlist.matches("registry.io/team/a/b")).isTrue();
    assertThat(allowlist.matches("registry.io/team")).isFalse();
    assertThat(allowlist.matches("registry.io/teamx/app")).isFalse();
    assertThat(allowlist.matches("docker.io/library/nginx")).isTrue();
    assertThat(allowlist.matches("docker.io/library/nginx-x")).isFalse();
    assertThat(Allowlist.empty().matches("docker.io/library/nginx")).isFalse();
  }

  @Test
  void anAllowlistNeedsTheAllowlistPolicy() {
    Allowlist allowlist = Allowlist.of(List.of("registry.io/*"));

    assertThatThrownBy(() -> new Policy(VerificationPolicy.ALWAYS_VERIFY, allowlist, null))
        .isInstanceOfSatisfying(InvalidPolicyException.class, e -> {
          assertThat(e.field()).isEqualTo("allowlist");
          assertThat(e.getMessage()).contains("NeverVerifyAllowlistedImages").contains("AlwaysVerify");
        });
  }

  @Test
  void maxGrantAgeMustBePositive() {
    assertThatThrownBy(() -> new Policy(VerificationPolicy.ALWAYS_VERIFY, null, Duration.ZERO))
        .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.field()).isEqualTo("maxGrantAge"));
  }

  @Test
  void unknownVerificationPolicyListsTheValidOnes() {
    assertThatThrownBy(() -> VerificationPolicy.fromConfigName("NeverVerifyPreloaded"))
        .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.getMessage())
            .isEqualTo("verificationPolicy \"NeverVerifyPreloaded\": valid options are NeverVerify, "
                + "NeverVerifyPreloadedImages, NeverVerifyAllowlistedImages, AlwaysVerify"));
  }

  @Test
  void aNamespaceOverrideInheritsWhatItDoesNotSet() {
    Policy cluster = new Policy(VerificationPolicy.NEVER_VERIFY_ALLOWLISTED_IMAGES,
        Allowlist.of(List.of("registry.io/*")), Duration.ofDays(7));

    Policy always = cluster.overriddenBy(VerificationPolicy.ALWAYS_VERIFY, null, null);
    Policy shorter = cluster.overriddenBy(null, null, Duration.ofHours(1));

    assertThat(always).isEqualTo(new Policy(VerificationPolicy.ALWAYS_VERIFY, Allowlist.empty(), Duration.ofDays(7)));
    assertThat(shorter.allowlist().entries()).containsExactly("registry.io/*");
    assertThat(shorter.maxGrantAge()).isEqualTo(Duration.ofHours(1));
  }
}
