package io.pullproof.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root of {@code ./pullproof}: one command class per verb, grouped by noun (STYLE.md §3).
 * Register a new noun in {@code subcommands} below; nothing is discovered by reflection.
 */
@Command(
    name = "pullproof",
    mixinStandardHelpOptions = true,
    versionProvider = PullproofCommand.Version.class,
    description = {
        "Fleet-wide enforcement of image pull credentials for Kubernetes.",
        "Run a subcommand with --help for its options."
    },
    subcommands = {
        CommandLine.HelpCommand.class,
        io.pullproof.cli.demo.DemoCommand.class,
        io.pullproof.cli.sim.SimCommand.class,
        io.pullproof.cli.decide.DecideCommand.class,
        io.pullproof.cli.ref.RefCommand.class,
        io.pullproof.cli.creds.CredsCommand.class,
        io.pullproof.cli.stack.StackCommand.class,
        io.pullproof.cli.ledger.LedgerCommand.class,
        io.pullproof.cli.decision.DecisionCommand.class,
        io.pullproof.cli.bench.BenchCommand.class,
        io.pullproof.cli.agent.AgentCommand.class,
        io.pullproof.cli.audit.AuditCommand.class,
        io.pullproof.cli.agent.CriProxyCommand.class,
        io.pullproof.cli.chaos.ChaosCommand.class,
    })
public final class PullproofCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Exit codes shared by every subcommand: 0 fine, 2 bad input (named on stderr), 1 failure. */
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_BAD_INPUT = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests execute it in-process. */
  public static CommandLine commandLine() {
    // picocli already exits 2 (ExitCode.USAGE) on an unknown option or a bad value.
    CommandLine cli = new CommandLine(new PullproofCommand());
    cli.setExecutionExceptionHandler(new BadInputHandler());
    // Command descriptions are written as lines of up to 118 characters; at picocli's default width
    // of 80 every one of them broke in mid-sentence.
    cli.setUsageHelpWidth(120);
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@link BadInputException} → its message on stderr, exit 2; anything else propagates (exit 1). */
  static final class BadInputHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) throws Exception {
      if (e instanceof BadInputException) {
        cli.getErr().println("pullproof: " + e.getMessage());
        return EXIT_BAD_INPUT;
      }
      throw e;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = PullproofCommand.class.getPackage().getImplementationVersion();
      return new String[] {"pullproof " + (version == null ? "development build" : version)};
    }
  }
}
