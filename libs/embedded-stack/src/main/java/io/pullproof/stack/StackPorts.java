package io.pullproof.stack;

/**
 * The loopback ports of a dev stack; 0 means "pick a free one". A stack restarted on the same
 * data directory asks for the ports it had, so endpoints printed earlier stay valid.
 */
public record StackPorts(int kafka, int kafkaController, int schemaRegistry, int postgres, int ociRegistry, int tokenIssuer) {
  public static StackPorts any() {
    return new StackPorts(0, 0, 0, 0, 0, 0);
  }

  /** {@code wanted} when it is free now, otherwise a fresh free port. */
  static int freeOr(int wanted) {
    return wanted > 0 && !io.pullproof.stack.process.FreePort.isListening(wanted) ? wanted : io.pullproof.stack.process.FreePort.pick();
  }
}
