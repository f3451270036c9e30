package io.pullproof.cli.ref;

import picocli.CommandLine.Command;

/** {@code pullproof ref}: image references as the kubelet reads them. */
@Command(
    name = "ref",
    description = "Image references, parsed and normalised as the distribution reference grammar does.",
    subcommands = {RefNormalizeCommand.class},
    mixinStandardHelpOptions = true)
public final class RefCommand {}
