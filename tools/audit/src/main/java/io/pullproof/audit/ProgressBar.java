package io.pullproof.audit;

import io.pullproof.audit.read.TopicReader;
import java.io.PrintStream;

/**
 * A one-line progress bar with rate and ETA, redrawn at most ten times a second, for a terminal
 * only: {@link #forTerminal} returns a silent one when output is not a console, so files, pipes
 * and CI logs get no carriage-return noise.
 */
public final class ProgressBar implements TopicReader.Progress {
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final long started = System.nanoTime();
  private long lastDraw;
  private boolean drawn;

  private ProgressBar(PrintStream out) {
    this.out = out;
  }

  public static TopicReader.Progress forTerminal(PrintStream out) {
    return System.console() != null ? new ProgressBar(out) : (read, total) -> { };
  }

  @Override
  public void read(long records, long total) {
    long now = System.nanoTime();
    boolean done = records >= total;
    if (!done && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    double seconds = Math.max(1e-3, (now - started) / 1e9);
    double rate = records / seconds;
    double fraction = total == 0 ? 1 : Math.min(1, (double) records / total);
    int filled = (int) Math.round(fraction * WIDTH);
    long etaSeconds = rate <= 0 ? 0 : Math.round((total - records) / rate);
    out.printf("\r[%s%s] %3d%% %,d/%,d events  %,.0f ev/s  ETA %ds   ", "#".repeat(filled), " ".repeat(WIDTH - filled),
        Math.round(fraction * 100), records, total, rate, etaSeconds);
    drawn = true;
    if (done) {
      out.println();
      drawn = false;
    }
    out.flush();
  }

  /** Ends the line if a bar was left unfinished. */
  public static void finish(TopicReader.Progress progress) {
    if (progress instanceof ProgressBar bar && bar.drawn) {
      bar.out.println();
    }
  }
}
