package dev.cotenant.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
final class Common {

    @Option(names = "--verbose", description = "Show stack traces of errors (and, with run --profile, every step).")
    boolean verbose;
}
