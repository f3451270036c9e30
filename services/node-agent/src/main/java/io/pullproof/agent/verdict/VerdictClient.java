package io.pullproof.agent.verdict;

import io.pullproof.events.StartVerdictIssued;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request/reply over Kafka: a pending future per request id (the correlation id), completed by
 * {@link VerdictReader} when the verdict arrives on this agent's reply slice. A verdict nobody waits
 * for (it came after the timeout, or was meant for a request before a restart) is dropped.
 */
public final class VerdictClient {
  private static final Logger LOG = LoggerFactory.getLogger(VerdictClient.class);

  private final Map<String, CompletableFuture<StartVerdictIssued>> pending = new ConcurrentHashMap<>();
  private final Duration timeout;

  public VerdictClient(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * The result of asking.
   *
   * @param verdict the verdict, or null when none came
   * @param failure null with a verdict; otherwise "timeout" or "error: ..."
   */
  public record Answer(StartVerdictIssued verdict, String failure) {
    public boolean answered() {
      return verdict != null;
    }
  }

  /**
   * Registers {@code requestId}, sends the request with {@code send}, and waits at most the
   * timeout (send included) for the verdict. Blocks the calling worker thread.
   */
  public Answer ask(String requestId, Supplier<CompletionStage<?>> send) {
    CompletableFuture<StartVerdictIssued> reply = new CompletableFuture<>();
    pending.put(requestId, reply);
    try {
      send.get().whenComplete((sent, failure) -> {
        if (failure != null) {
          reply.completeExceptionally(failure);
        }
      });
      return new Answer(reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS), null);
    } catch (TimeoutException e) {
      return new Answer(null, "timeout");
    } catch (ExecutionException e) {
      return new Answer(null, "error: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(null, "error: interrupted");
    } catch (RuntimeException e) {
      return new Answer(null, "error: " + e);
    } finally {
      pending.remove(requestId);
    }
  }

  /** Called by the reader for each verdict addressed to this node. */
  void complete(StartVerdictIssued verdict) {
    CompletableFuture<StartVerdictIssued> reply = pending.get(verdict.getRequestId());
    if (reply == null) {
      LOG.debug("verdict {} for request {} arrived with nobody waiting", verdict.getEventId(), verdict.getRequestId());
      return;
    }
    reply.complete(verdict);
  }

  public int pendingCount() {
    return pending.size();
  }
}
