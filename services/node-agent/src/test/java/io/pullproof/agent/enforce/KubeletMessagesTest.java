package io.pullproof.agent.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KubeletMessagesTest {
  @Test
  void neverPullIsWordedExactlyAsTheKubeletsImageNotPresentMessage() {
    // pkg/kubelet/images/image_manager.go:
    // fmt.Sprintf("Container image %q is not present with pull policy of Never", container.Image)
    assertThat(KubeletMessages.neverPull("registry.example.com/team-a/app:1"))
        .isEqualTo("Container image \"registry.example.com/team-a/app:1\" is not present with pull policy of Never");
  }

  @Test
  void theImageIsQuotedAsWrittenInThePodSpecNotNormalised() {
    assertThat(KubeletMessages.neverPull("nginx")).isEqualTo("Container image \"nginx\" is not present with pull policy of Never");
  }

  @Test
  void goQuoteEscapesQuotesBackslashesAndControlCharacters() {
    assertThat(KubeletMessages.goQuote("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\x01\"");
  }

  @Test
  void pullFailureFollowsTheKubeletFormat() {
    assertThat(KubeletMessages.pullFailed("app:1", "denied")).isEqualTo("Failed to pull image \"app:1\": denied");
  }
}
