package io.pullproof.kafka;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The topic names of the system, all under one prefix so that a fleet can run several installations
 * on one cluster and each integration test can own its topics.
 *
 * @param prefix prepended verbatim to every name, usually ending in {@code .}; may be empty. Legal
 *     Kafka topic characters only ({@code a-z A-Z 0-9 . _ -}), and short enough that the longest
 *     name stays within Kafka's 249 characters.
 */
public record TopicNames(String prefix) {

  /** Prefix used when the installation configures none. */
  public static final String DEFAULT_PREFIX = "pullproof.";

  private static final int MAX_TOPIC_LENGTH = 249;
  private static final String PULLS = "pulls";
  private static final String START_REQUESTS = "start-requests";
  private static final String VERDICTS = "verdicts";
  private static final String START_OUTCOMES = "start-outcomes";
  private static final String REVOCATIONS = "revocations";
  private static final String DEAD_LETTERS = "dead-letters";
  private static final List<String> SUFFIXES =
      List.of(PULLS, START_REQUESTS, VERDICTS, START_OUTCOMES, REVOCATIONS, DEAD_LETTERS);
  private static final int MAX_PREFIX_LENGTH =
      MAX_TOPIC_LENGTH - SUFFIXES.stream().mapToInt(String::length).max().orElseThrow();
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

  /**
   * Validates the prefix.
   *
   * @throws IllegalArgumentException naming the prefix and what is wrong with it
   */
  public TopicNames {
    if (prefix == null || !LEGAL.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "Invalid topic prefix '"
              + prefix
              + "': Kafka topic names allow only ASCII letters, digits, '.', '_' and '-'");
    }
    if (prefix.length() > MAX_PREFIX_LENGTH) {
      throw new IllegalArgumentException(
          "Invalid topic prefix '"
              + prefix
              + "': "
              + prefix.length()
              + " characters, at most "
              + MAX_PREFIX_LENGTH
              + " fit Kafka's "
              + MAX_TOPIC_LENGTH
              + "-character topic names");
    }
  }

  /** Names under {@link #DEFAULT_PREFIX}. */
  public static TopicNames withDefaultPrefix() {
    return new TopicNames(DEFAULT_PREFIX);
  }

  /** {@code ImagePulled} events from node agents, keyed by image digest. */
  public String pulls() {
    return prefix + PULLS;
  }

  /** {@code ContainerStartRequested} events, keyed by image digest. */
  public String startRequests() {
    return prefix + START_REQUESTS;
  }

  /** {@code StartVerdictIssued} events for the agents. */
  public String verdicts() {
    return prefix + VERDICTS;
  }

  /** {@code ContainerStartObserved} events, the audit trail of what actually ran. */
  public String startOutcomes() {
    return prefix + START_OUTCOMES;
  }

  /** Revocations of secrets, credential hashes, service accounts or namespaces. */
  public String revocations() {
    return prefix + REVOCATIONS;
  }

  /** Records no consumer could use, with the original bytes and a reason header. */
  public String deadLetters() {
    return prefix + DEAD_LETTERS;
  }

  /** Every name, e.g. for creating the topics of a test or an installation. */
  public List<String> all() {
    return SUFFIXES.stream().map(suffix -> prefix + suffix).toList();
  }
}
