package io.pullproof.cli.decide;

import io.pullproof.cli.PullproofCommand;
import io.pullproof.decision.StartRequest;
import io.pullproof.decision.Verdict;
import io.pullproof.decision.VerdictPolicy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pullproof decide}: the decision service's verdict for one container start, computed
 * offline from a state file and a request file. Answers "why was this pod repulled?" (docs/decide.md).
 */
@Command(
    name = "decide",
    mixinStandardHelpOptions = true,
    description = {
        "Decide one container start offline, exactly as the decision service does.",
        "Prints {\"verdict\": ALLOW|REPULL, \"reason\": CODE, \"grant\": {...}|null}; exit 2 names a bad file, field or value."
    })
public final class DecideCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--state", required = true, paramLabel = "STATE.json",
      description = "Policy, grants, node pulls, pull intents and revocations.")
  Path state;

  @Option(names = "--request", required = true, paramLabel = "REQUEST.json",
      description = "The container start: node, image, imageRef, pullPolicy, credentials, now.")
  Path request;

  @Option(names = "--with-update",
      description = "Also print \"update\": what the ledger records after a secret match (new coordinates or a rotated hash).")
  boolean withUpdate;

  @Override
  public Integer call() {
    StateFile stateFile = StateFile.read(state);
    StartRequest startRequest = RequestFile.read(request);
    Verdict verdict = new VerdictPolicy(stateFile.policy()).decide(stateFile.state(), startRequest);
    spec.commandLine().getOut().println(VerdictJson.verdict(verdict, withUpdate).toString());
    spec.commandLine().getOut().flush();
    return PullproofCommand.EXIT_OK;
  }
}
