package io.pullproof.cli.ledger;

import io.pullproof.ledger.LedgerMain;
import io.pullproof.cli.SettingsOptions;
import io.pullproof.ledger.LedgerConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pullproof ledger --config FILE}: runs the ledger service until SIGTERM / Ctrl-C. */
@Command(name = "ledger", mixinStandardHelpOptions = true,
    description = {"Run the ledger service: ingest the event topics into PostgreSQL and serve the REST ledger API.",
        "Settings (PULLPROOF_* keys, see services/ledger-service/README.md) come from the properties file,",
        "overridden by environment variables of the same name."})
public final class LedgerCommand implements Callable<Integer> {
  @Mixin
  SettingsOptions settings;

  @Override
  public Integer call() {
    return settings.run(LedgerConfig.KEYS, LedgerMain::run);
  }
}
