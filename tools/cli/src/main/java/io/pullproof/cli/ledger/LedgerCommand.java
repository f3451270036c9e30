package io.pullproof.cli.ledger;

import io.pullproof.ledger.LedgerMain;
import io.pullproof.cli.ServiceRun;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pullproof ledger --config FILE}: runs the ledger service until SIGTERM / Ctrl-C. */
@Command(name = "ledger", mixinStandardHelpOptions = true,
    description = {"Run the ledger service: ingest the event topics into PostgreSQL and serve the REST ledger API.",
        "Settings (PULLPROOF_* keys, see services/ledger-service/README.md) come from the properties file,",
        "overridden by environment variables of the same name."})
public final class LedgerCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with PULLPROOF_* settings (optional).")
  Path config;

  @Override
  public Integer call() throws Exception {
    return ServiceRun.run(config, LedgerMain::run);
  }
}
