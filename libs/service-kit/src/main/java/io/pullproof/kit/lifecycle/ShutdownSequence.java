package io.pullproof.kit.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root registers each component right after starting it; one shutdown hook stops
 * them in reverse order (Strimzi's {@code Main}), so consumers stop before the stores they write to.
 * A component that fails to stop is logged and the rest still stop.
 */
public final class ShutdownSequence implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSequence.class);

  private final Deque<Step> steps = new ArrayDeque<>();
  private boolean closed;

  private record Step(String name, AutoCloseable component) {}

  /** Registers {@code component}, already started, and returns it for chaining in Main. */
  public synchronized <T extends AutoCloseable> T started(String name, T component) {
    if (closed) {
      throw new IllegalStateException("shutting down: cannot register " + name);
    }
    steps.push(new Step(name, component));
    LOG.info("started {}", name);
    return component;
  }

  /**
   * Runs a composition root's {@code build} against a fresh sequence. If building fails half-way,
   * what was already started is stopped again before the failure propagates, so a service that
   * cannot start leaves no consumer, server or pool behind.
   */
  public static <T> T build(java.util.function.Function<ShutdownSequence, T> build) {
    ShutdownSequence shutdown = new ShutdownSequence();
    try {
      return build.apply(shutdown);
    } catch (RuntimeException | Error e) {
      shutdown.close();
      throw e;
    }
  }

  /** Installs the JVM hook that calls {@link #close()} on SIGTERM / SIGINT. */
  public ShutdownSequence onJvmExit() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "pullproof-shutdown"));
    return this;
  }

  @Override
  public void close() {
    Deque<Step> toStop;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = new ArrayDeque<>(steps);
    }
    for (Step step : toStop) {
      long start = System.nanoTime();
      try {
        step.component().close();
        LOG.info("stopped {} in {} ms", step.name(), (System.nanoTime() - start) / 1_000_000);
      } catch (Exception e) {
        LOG.error("stopping {} failed; continuing with the rest", step.name(), e);
      }
    }
  }
}
