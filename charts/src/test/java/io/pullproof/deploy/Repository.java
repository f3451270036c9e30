package io.pullproof.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the checkout the deployment tests read (surefire passes {@code pullproof.home}). */
final class Repository {
  private Repository() {}

  static Path home() {
    Path home = Path.of(System.getProperty("pullproof.home", "..")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(home.resolve("charts/pullproof/Chart.yaml"))) {
      throw new IllegalStateException("pullproof.home=" + home + " is not the repository root");
    }
    return home;
  }

  static Path file(String relative) {
    return home().resolve(relative);
  }
}
