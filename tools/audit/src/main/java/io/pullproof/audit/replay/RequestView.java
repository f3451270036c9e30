package io.pullproof.audit.replay;

import io.pullproof.decision.DecisionState;
import io.pullproof.decision.GrantIndex;
import io.pullproof.decision.InMemoryDecisionState;

/**
 * The state one request is decided against, as the decision service builds it: the fleet's grants
 * and node pulls, and the request's own word ({@code intentPending}) on a pull in flight — the
 * service keeps no pull intents of its own (decision-service README, Missing knobs).
 */
final class RequestView implements DecisionState {
  private final InMemoryDecisionState state;
  private boolean intentPending;

  RequestView(InMemoryDecisionState state) {
    this.state = state;
  }

  RequestView with(boolean pending) {
    this.intentPending = pending;
    return this;
  }

  @Override
  public GrantIndex grants() {
    return state.grants();
  }

  @Override
  public boolean pulledOnNode(String node, String name) {
    return state.pulledOnNode(node, name);
  }

  @Override
  public boolean pullIntentPending(String node, String image) {
    return intentPending;
  }
}
