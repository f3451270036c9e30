package io.pullproof.cli.agent;

import io.pullproof.agent.AgentConfig;
import io.pullproof.cli.SettingsOptions;
import io.pullproof.agent.AgentMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
  @Mixin
  SettingsOptions settings;

  @Override
  public Integer call() {
    return settings.run(AgentConfig.KEYS, AgentMain::run);
  }
}
