package io.pullproof.cli.creds;

import picocli.CommandLine.Command;

/** {@code pullproof creds}: which registry credentials the kubelet would use. */
@Command(
    name = "creds",
    description = "Registry credentials, selected with the kubelet's keyring rules. Never prints secrets.",
    subcommands = {CredsMatchCommand.class},
    mixinStandardHelpOptions = true)
public final class CredsCommand {}
