package io.pullproof.cli.stack;

import io.pullproof.stack.Stack;
import io.pullproof.stack.StackPorts;
import io.pullproof.stack.StackState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs the stack in the foreground until SIGINT/SIGTERM. {@code stack up} starts this same command
 * detached; being the parent of every server, this JVM is the one place that stops them.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the stack in the foreground until interrupted (stack up runs this in the background).")
public final class StackRunCommand implements Callable<Integer> {
  @Mixin
  StackCommand.DataDirOption dataDir;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir.resolve();
    Files.createDirectories(dir);
    StackPorts ports = StackState.read(dir).map(StackState::ports).orElse(StackPorts.any());
    Stack stack = Stack.start(dir, ports, line -> System.out.println("stack: " + line));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("stack: stopping");
      try {
        stack.close();
        stack.state("STOPPED").write();
      } finally {
        stopped.countDown();
      }
    }, "pullproof-stack-stop"));
    StackState state = stack.state("UP");
    state.write();
    StackPrinter.print(state, System.out);
    stopped.await();
    return 0;
  }
}
