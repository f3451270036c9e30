package io.pullproof.cli.bench;

import picocli.CommandLine.Command;

/** {@code pullproof bench}: benchmarks that measure their raw baseline in the same run (PERFORMANCE.md). */
@Command(
    name = "bench",
    description = {"Benchmarks on the embedded servers (127.0.0.1 only; they stop by themselves).",
        "Each prints a table and writes JSON with the ratio against a raw baseline measured in the same run."},
    subcommands = {LedgerBenchCommand.class, LedgerApiBenchCommand.class, DecisionBenchCommand.class,
        AuditBenchCommand.class, E2eBenchCommand.class, CriBenchCommand.class, SoakBenchCommand.class},
    mixinStandardHelpOptions = true)
public final class BenchCommand {}
