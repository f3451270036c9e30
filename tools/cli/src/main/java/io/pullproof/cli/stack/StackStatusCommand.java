package io.pullproof.cli.stack;

import io.pullproof.cli.PullproofCommand;
import io.pullproof.stack.StackState;
import io.pullproof.stack.process.FreePort;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Whether each server of the stack is alive (by PID) and listening (by port). Exit 0 only when all are. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show whether each server of the stack runs and answers.", "Exit code 0 when all do, 1 otherwise."})
public final class StackStatusCommand implements Callable<Integer> {
  @Mixin
  StackCommand.DataDirOption dataDir;

  @Option(names = "--json", description = "Print the stack state as JSON.")
  boolean json;

  @Override
  public Integer call() {
    Optional<StackState> read = StackState.read(dataDir.resolve());
    if (read.isEmpty()) {
      System.out.println("stack: not running (no state in " + dataDir.resolve() + ")");
      return PullproofCommand.EXIT_FAILURE;
    }
    StackState state = read.get();
    if (json) {
      System.out.println(state.toJson());
    }
    boolean supervisor = StackUpCommand.isAlive(state.supervisorPid());
    boolean allUp = supervisor && "UP".equals(state.status());
    System.out.printf("%-16s %-8s %-7s %s%n", "SERVER", "PID", "STATE", "ENDPOINT");
    System.out.printf("%-16s %-8d %-7s %s%n", "supervisor", state.supervisorPid(), supervisor ? "up" : "down", state.dataDir());
    Map<String, Integer> ports = Map.of(
        "postgres", state.ports().postgres(), "kafka", state.ports().kafka(),
        "schema-registry", state.ports().schemaRegistry(), "oci-registry", state.ports().ociRegistry());
    for (Map.Entry<String, Long> server : state.pids().entrySet()) {
      int port = ports.getOrDefault(server.getKey(), 0);
      boolean alive = StackUpCommand.isAlive(server.getValue()) && FreePort.isListening(port);
      allUp &= alive;
      System.out.printf("%-16s %-8d %-7s 127.0.0.1:%d%n", server.getKey(), server.getValue(), alive ? "up" : "down", port);
    }
    boolean issuer = FreePort.isListening(URI.create(state.tokenRealm()).getPort());
    allUp &= issuer;
    System.out.printf("%-16s %-8s %-7s %s%n", "token-issuer", "-", issuer ? "up" : "down", state.tokenRealm());
    System.out.println(allUp ? "stack: up" : "stack: not fully up (state " + state.status() + "); see " + state.dataDir() + "/supervisor.log");
    return allUp ? PullproofCommand.EXIT_OK : PullproofCommand.EXIT_FAILURE;
  }
}
