package io.pullproof.stack.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the files our servers read: keys, the registry config (it holds http.secret) and the
 * htpasswd file. Each is written to a temporary file first, which the JDK creates readable by our
 * user only, then moved into place, so a reader never sees half a file and nobody else sees any.
 */
final class OwnerOnlyFile {
  private OwnerOnlyFile() {}

  static Path write(Path target, byte[] content) {
    try {
      Path directory = Files.createDirectories(target.toAbsolutePath().getParent());
      Path partial = Files.createTempFile(directory, target.getFileName().toString(), ".partial");
      Files.write(partial, content);
      return Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + target, e);
    }
  }
}
