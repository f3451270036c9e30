package io.pullproof.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

  private final BackoffPolicy policy =
      new BackoffPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.5);

  @Test
  void delayGrowsByTheMultiplierUntilTheCap() {
    assertThat(policy.delay(1, 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.delay(2, 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.delay(4, 0.0)).isEqualTo(Duration.ofMillis(800));
    assertThat(policy.delay(5, 0.0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.delay(10_000, 0.0)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void jitterOnlyShortensTheDelay() {
    assertThat(policy.delay(2, 0.5)).isEqualTo(Duration.ofMillis(150));
    assertThat(policy.delay(9, 0.999)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  @Test
  void invalidComponentsAreRejectedNamingThem() {
    assertThatThrownBy(() -> new BackoffPolicy(Duration.ZERO, Duration.ofSeconds(1), 2.0))
        .hasMessageContaining("initial=PT0S");
    assertThatThrownBy(() -> new BackoffPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 2.0))
        .hasMessageContaining("max=PT1S");
    assertThatThrownBy(() -> new BackoffPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5))
        .hasMessageContaining("multiplier=0.5");
    assertThatThrownBy(
            () -> new BackoffPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 2.0, 1.5))
        .hasMessageContaining("jitter=1.5");
  }
}
