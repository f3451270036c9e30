package io.pullproof.agent.enforce;

import io.pullproof.events.DecisionSource;
import io.pullproof.events.StartOutcome;
import io.pullproof.events.StartVerdictIssued;

/**
 * What the runtime hook must do with a container start.
 *
 * @param action START, BLOCK, or PULL (the image is absent or the policy is Always: the runtime
 *     pulls with the pod's credentials, which is itself the verification, then reports the pull)
 * @param outcome the enforced outcome (null for PULL)
 * @param source where the decision came from (null for PULL)
 * @param kubeletReason {@code ErrImagePull} or {@code ErrImageNeverPull} when blocked, else null
 * @param message the message the pod should show when blocked, else a short explanation
 * @param requestId the start request's id, null when none was sent
 * @param verdict the verdict received, or null
 * @param registryStatus HTTP status of the registry verification, or null
 */
public record StartDecision(
    Action action, StartOutcome outcome, DecisionSource source, String kubeletReason, String message,
    String requestId, StartVerdictIssued verdict, Integer registryStatus) {

  /** What the runtime does next. */
  public enum Action { START, BLOCK, PULL }

  static StartDecision pull(String message) {
    return new StartDecision(Action.PULL, null, null, null, message, null, null, null);
  }
}
