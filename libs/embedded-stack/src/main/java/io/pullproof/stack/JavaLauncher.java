package io.pullproof.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds command lines for server JVMs we start as children (Kafka, the schema registry). */
final class JavaLauncher {
  private JavaLauncher() {}

  /** The JDK running us; {@code PULLPROOF_SERVER_JAVA_HOME} picks another one for the servers. */
  static Path javaHome() {
    String override = System.getenv("PULLPROOF_SERVER_JAVA_HOME");
    return Path.of(override != null && !override.isBlank() ? override : System.getProperty("java.home"));
  }

  static List<String> command(List<String> jvmOptions, List<String> mainAndArgs) {
    Path java = javaHome().resolve("bin").resolve("java");
    if (!Files.isExecutable(java)) {
      throw new IllegalStateException("no java executable at " + java + " (PULLPROOF_SERVER_JAVA_HOME)");
    }
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmOptions);
    command.addAll(mainAndArgs);
    return command;
  }
}
