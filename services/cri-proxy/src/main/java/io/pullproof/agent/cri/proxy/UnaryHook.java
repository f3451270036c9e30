package io.pullproof.agent.cri.proxy;

import io.grpc.Status;

/**
 * What the proxy does around one unary CRI method (PullImage, CreateContainer). Runs on a worker
 * thread, so it may block (a verdict wait, a registry check, a Kubernetes API read).
 */
public interface UnaryHook {

  /**
   * @param request the kubelet's request bytes, exactly as received
   * @param runtime forwards bytes to the runtime and returns its complete answer
   * @return the runtime's reply to relay unchanged, or a refusal
   */
  Outcome handle(byte[] request, Forward runtime);

  /** Sends request bytes to the runtime (the same method) and returns what it answered. */
  @FunctionalInterface
  interface Forward {
    RuntimeReply send(byte[] request);
  }

  /** Either the runtime's reply, relayed as is, or a status the proxy answers itself. */
  record Outcome(RuntimeReply reply, Status refusal) {
    public static Outcome relay(RuntimeReply reply) {
      return new Outcome(reply, null);
    }

    public static Outcome refuse(Status status) {
      return new Outcome(null, status);
    }
  }
}
