package io.pullproof.cli.agent;

import io.pullproof.agent.AgentConfig;
import io.pullproof.agent.AgentMain;
import io.pullproof.cli.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pullproof agent --config FILE}: runs the node agent in the foreground until SIGTERM/SIGINT.
 * Settings and the local API: {@code services/node-agent/README.md}.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
        "Run the node agent (one per node) in the foreground until interrupted.",
        "FILE is a properties file of PULLPROOF_* settings; environment variables override it.",
        "Exit code 2 names a bad setting on stderr; 1 means it failed to start (Kafka, state directory)."})
public final class AgentCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file with the agent's settings (see services/node-agent/README.md).")
  Path config;

  @Option(names = "--list-settings", description = "Print every setting with its default and exit.")
  boolean listSettings;

  @Override
  public Integer call() {
    if (listSettings) {
      AgentConfig.KEYS.forEach(key -> System.out.println(key.name() + "="
          + (key.isRequired() ? "<required>" : key.secret() ? "<secret>" : key.defaultValue()) + "    # " + key.doc()));
      return 0;
    }
    if (config != null && !Files.isReadable(config)) {
      throw new BadInputException("--config " + config + ": no such readable file");
    }
    return AgentMain.run(config, System.getenv());
  }
}
