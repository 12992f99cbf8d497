package dev.cotenant.cli.common;

import picocli.CommandLine.Option;

/** Options every command takes. */
public final class Common {

    @Option(names = "--verbose", description = "Show stack traces of errors (and, with run --profile, every step).")
    public boolean verbose;
}
