package io.pullproof.kafka;

import java.time.Duration;

/**
 * Exponential backoff with a cap and jitter for transient failures. The jitter spreads the retries
 * of many consumers that failed together (a database restart) so they do not return in lockstep; it
 * only ever shortens a delay, so the cap holds.
 *
 * @param initial delay before the first retry; positive
 * @param max cap on any delay; at least {@code initial}
 * @param multiplier growth per attempt; at least 1
 * @param jitter fraction in [0, 1] by which a delay may be shortened at random
 */
public record BackoffPolicy(Duration initial, Duration max, double multiplier, double jitter) {

  /** Jitter of {@link #BackoffPolicy(Duration, Duration, double)}. */
  public static final double DEFAULT_JITTER = 0.2;

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException naming the component and its value
   */
  public BackoffPolicy {
    if (initial == null || initial.isNegative() || initial.isZero()) {
      throw invalid("initial", initial, "must be positive");
    }
    if (max == null || max.compareTo(initial) < 0) {
      throw invalid("max", max, "must be at least initial (" + initial + ")");
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw invalid("multiplier", multiplier, "must be a finite number of at least 1");
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw invalid("jitter", jitter, "must be between 0 and 1");
    }
  }

  /** A policy with {@link #DEFAULT_JITTER}. */
  public BackoffPolicy(Duration initial, Duration max, double multiplier) {
    this(initial, max, multiplier, DEFAULT_JITTER);
  }

  /** 100 ms doubling up to 30 s: reaches the cap after about nine attempts. */
  public static BackoffPolicy defaults() {
    return new BackoffPolicy(Duration.ofMillis(100), Duration.ofSeconds(30), 2.0);
  }

  /**
   * The delay before retry number {@code attempt}.
   *
   * @param attempt 1 for the first retry
   * @param random a sample in [0, 1), e.g. {@code ThreadLocalRandom.current().nextDouble()}
   */
  public Duration delay(int attempt, double random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
    }
    double base = initial.toNanos() * Math.pow(multiplier, attempt - 1.0);
    double capped = Math.min(base, max.toNanos());
    return Duration.ofNanos(Math.round(capped * (1.0 - jitter * random)));
  }

  private static IllegalArgumentException invalid(String name, Object value, String why) {
    return new IllegalArgumentException("Invalid backoff " + name + "=" + value + ": " + why);
  }
}
