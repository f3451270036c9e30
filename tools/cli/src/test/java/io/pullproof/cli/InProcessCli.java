package io.pullproof.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code pullproof} in this JVM, capturing what it prints. */
public record InProcessCli(int exitCode, String out, String err) {

  public static InProcessCli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = PullproofCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exitCode = cli.execute(args);
    return new InProcessCli(exitCode, out.toString(), err.toString());
  }
}
