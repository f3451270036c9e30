package io.pullproof.stack.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting a directory tree a command or a test run created for its own servers and data. */
public final class ScratchDirectory {
  private ScratchDirectory() {}

  /** Deletes {@code dir} and everything under it; a missing directory is fine. */
  public static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }

  /** {@link #delete} at the end of a run: a leftover file is reported, never fatal. */
  public static void deleteQuietly(Path dir) {
    try {
      delete(dir);
    } catch (UncheckedIOException e) {
      System.err.println("pullproof: " + e.getMessage());
    }
  }
}
