package io.pullproof.cli.audit;

import picocli.CommandLine.Command;

/** {@code pullproof audit}: forensic replay of the event log (docs/audit.md). */
@Command(
    name = "audit",
    description = {"Forensic audit: replay a window of the log with the decision service's own code and report",
        "divergent verdicts, bypasses, ALLOWs on revoked or expired grants, fallbacks and who ran what (docs/audit.md)."},
    subcommands = {AuditReplayCommand.class, AuditWhoRanCommand.class},
    mixinStandardHelpOptions = true)
public final class AuditCommand {}
