package io.pullproof.decisionservice.state;

import io.pullproof.decision.Grant;
import io.pullproof.decision.Revocation;

/** One event of the pulls or revocations log, already turned into decision-policy values. */
public sealed interface LogEvent {

  /** A pull on {@code node} ("cluster/node") proving {@code grant}, read from pulls {@code partition}. */
  record Pull(int partition, String node, Grant grant) implements LogEvent {}

  /** A revocation with its event id (revocations are applied once per id). */
  record Revoked(String id, Revocation revocation) implements LogEvent {}
}
