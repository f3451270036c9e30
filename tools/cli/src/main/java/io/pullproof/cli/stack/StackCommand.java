package io.pullproof.cli.stack;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pullproof stack}: the embedded infrastructure on this machine (Kafka, registry, PostgreSQL, OCI registry). */
@Command(
    name = "stack",
    description = {
        "Run the embedded infrastructure on 127.0.0.1: Kafka (KRaft), the schema registry, PostgreSQL",
        "and a token-auth OCI registry. Data stays in the data directory between runs."},
    subcommands = {StackUpCommand.class, StackRunCommand.class, StackStatusCommand.class, StackDownCommand.class},
    mixinStandardHelpOptions = true)
public final class StackCommand {

  /** The --data-dir option every stack verb shares. */
  public static final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Where the stack keeps its data and state (default: .pullproof/stack in the repository).")
    Path dataDir;

    public Path resolve() {
      if (dataDir != null) {
        return dataDir.toAbsolutePath();
      }
      return defaultDataDir();
    }
  }

  /** {@code <repo>/.pullproof/stack}: the launcher passes the repository root as pullproof.home. */
  public static Path defaultDataDir() {
    String home = System.getProperty("pullproof.home");
    return Path.of(home != null ? home : ".").toAbsolutePath().normalize().resolve(".pullproof").resolve("stack");
  }
}
