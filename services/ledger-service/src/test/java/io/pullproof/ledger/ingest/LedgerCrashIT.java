package io.pullproof.ledger.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.events.ImagePulled;
import io.pullproof.ledger.LedgerFixture;
import io.pullproof.ledger.LedgerMain;
import io.pullproof.testkit.Events;
import io.pullproof.testkit.TestInfrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ledger runs in a child JVM that is killed with SIGKILL in the middle of the stream (no
 * shutdown hook, no close, a transaction possibly open); a second child resumes from the offsets
 * stored with the data and the ledger ends with exactly the events sent.
 */
class LedgerCrashIT {
  private static final int EVENTS = 40_000;

  @Test
  void aLedgerKilledMidBatchAndRestartedEndsWithExactlyTheEventsSent() throws Exception {
    try (LedgerFixture f = new LedgerFixture("ingest_crash")) {
      f.settings().put("PULLPROOF_LEDGER_MAX_POLL_RECORDS", "1000");
      List<ImagePulled> events = new ArrayList<>();
      Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
      for (int i = 0; i < EVENTS; i++) {
        events.add(Events.imagePulled().node("c" + (i % 3), "n" + (i % 50))
            .image("r.example/app-" + (i % 500) + ":1", "r.example/app-" + (i % 500), Events.digest("app-" + (i % 500)))
            .secret("team-" + (i % 7), "pull", "s-" + (i % 7), "hmac-sha256:k1:" + (i % 7)).at(t0.plusMillis(i)).build());
      }
      f.sendAll(f.topics().pulls(), events);

      Process first = startChild(f, "first");
      LedgerFixture.await("the first ledger to commit some batches", Duration.ofSeconds(90),
          () -> f.countQuietly("pull_events") > 0 || !first.isAlive());
      first.destroyForcibly().waitFor(); // SIGKILL on Linux
      long atKill = f.count("pull_events");
      assertThat(atKill).as("killed mid-stream").isGreaterThan(0).isLessThan(EVENTS);

      Process second = startChild(f, "second");
      try {
        LedgerFixture.await("every event stored", Duration.ofSeconds(120), () -> f.countQuietly("pull_events") >= EVENTS);
        Thread.sleep(500); // a duplicate write would show up now
        Set<String> sent = new HashSet<>();
        events.forEach(e -> sent.add(e.getEventId()));
        List<String> stored = f.strings("SELECT event_id FROM pull_events");
        assertThat(stored).hasSize(EVENTS);
        assertThat(new HashSet<>(stored)).isEqualTo(sent);
        assertThat(f.count("grants")).isEqualTo(f.count("(SELECT DISTINCT grant_id FROM pull_events) g"));
        assertThat(f.storedOffsetsSum()).isEqualTo(EVENTS);
      } finally {
        second.destroy();
        second.waitFor();
      }
    }
  }

  private static Process startChild(LedgerFixture f, String name) throws Exception {
    Path log = TestInfrastructure.root().resolve("ledger-crash-" + name + ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), LedgerMain.class.getName())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(f.settings());
    return builder.start();
  }
}
