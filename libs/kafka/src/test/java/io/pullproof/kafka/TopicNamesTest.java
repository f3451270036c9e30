package io.pullproof.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicNamesTest {

  @Test
  void defaultPrefixNamesEveryTopicOfTheSystem() {
    TopicNames topics = TopicNames.withDefaultPrefix();

    assertThat(topics.pulls()).isEqualTo("pullproof.pulls");
    assertThat(topics.startRequests()).isEqualTo("pullproof.start-requests");
    assertThat(topics.verdicts()).isEqualTo("pullproof.verdicts");
    assertThat(topics.startOutcomes()).isEqualTo("pullproof.start-outcomes");
    assertThat(topics.revocations()).isEqualTo("pullproof.revocations");
    assertThat(topics.deadLetters()).isEqualTo("pullproof.dead-letters");
  }

  @Test
  void customPrefixIsPrependedVerbatim() {
    TopicNames topics = new TopicNames("it-7f3a.pullproof.");

    assertThat(topics.pulls()).isEqualTo("it-7f3a.pullproof.pulls");
    assertThat(topics.all())
        .hasSize(6)
        .allSatisfy(name -> assertThat(name).startsWith("it-7f3a.pullproof."));
  }

  @Test
  void prefixWithIllegalCharactersIsRejectedNamingIt() {
    assertThatThrownBy(() -> new TopicNames("team a/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'team a/'");
    assertThatThrownBy(() -> new TopicNames(null)).hasMessageContaining("'null'");
  }

  @Test
  void prefixThatWouldMakeNamesLongerThanKafkaAllowsIsRejected() {
    String tooLong = "p".repeat(236);

    assertThatThrownBy(() -> new TopicNames(tooLong)).hasMessageContaining("at most 235");
    assertThat(new TopicNames("p".repeat(235)).startRequests()).hasSize(249);
  }
}
