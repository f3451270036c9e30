package io.pullproof.cli.decision;

import io.pullproof.decisionservice.DecisionMain;
import io.pullproof.cli.SettingsOptions;
import io.pullproof.decisionservice.DecisionConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pullproof decision --config FILE}: runs the decision service until SIGTERM / Ctrl-C. */
@Command(name = "decision", mixinStandardHelpOptions = true,
    description = {"Run the decision service: answer node agents' start requests with ALLOW or REPULL verdicts.",
        "Settings (PULLPROOF_* keys, see services/decision-service/README.md) come from the properties file,",
        "overridden by environment variables of the same name. A bad setting or policy file exits 2 naming it."})
public final class DecisionCommand implements Callable<Integer> {
  @Mixin
  SettingsOptions settings;

  @Override
  public Integer call() {
    return settings.run(DecisionConfig.KEYS, DecisionMain::run);
  }
}
