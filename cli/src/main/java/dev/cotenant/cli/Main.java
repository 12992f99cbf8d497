package dev.cotenant.cli;

import dev.cotenant.cli.colocate.CorunCommand;
import dev.cotenant.cli.colocate.DemoCommand;
import dev.cotenant.cli.colocate.PlanCommand;
import dev.cotenant.cli.colocate.SimulateCommand;
import dev.cotenant.cli.common.BuildInfo;
import dev.cotenant.cli.model.BenchCommand;
import dev.cotenant.cli.model.ConformanceCommand;
import dev.cotenant.cli.model.InspectCommand;
import dev.cotenant.cli.model.RunCommand;
import dev.cotenant.cli.model.ZooCommand;
import dev.cotenant.cli.serve.LoadCommand;
import dev.cotenant.cli.serve.PlaceCommand;
import dev.cotenant.cli.serve.RepoCommand;
import dev.cotenant.cli.serve.ServeCommand;
import dev.cotenant.ir.ModelException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

/**
 * The {@code cotenant} command. A user error (bad file, bad shape, unknown operator) prints one
 * line, {@code cotenant: error: ...}, and exits 1; {@code --verbose} adds the stack trace.
 */
@Command(name = "cotenant", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Runs several deep-learning models at once on one device, scheduled together.",
        subcommands = {DemoCommand.class, CorunCommand.class, PlanCommand.class, RunCommand.class, InspectCommand.class, ConformanceCommand.class, ServeCommand.class, LoadCommand.class, RepoCommand.class, PlaceCommand.class, ZooCommand.class, BenchCommand.class, SimulateCommand.class,
                HelpCommand.class})
public final class Main {

    /** The version, commit and build date, the Java runtime, and the vector unit the kernels were shaped for on this machine. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            BuildInfo b = BuildInfo.current();
            return new String[] {"cotenant " + b.version() + ", commit " + b.commit(),
                    "built: " + b.date(),
                    "kernels: " + dev.cotenant.kernels.VectorUnit.describe(),
                    "java: " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code, without exiting (for tests). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output and error streams. */
    public static int execute(PrintWriter out, PrintWriter errOut, String... args) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(errOut);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof ModelException) {
                err.println("cotenant: error: " + e.getMessage());
            } else {
                err.println("cotenant: internal error: " + e + (verbose ? "" : " (run with --verbose for details)"));
            }
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return e instanceof ModelException ? 1 : 70;
        });
        return cl.execute(args);
    }

    /** The command tree, as the shell completion script generated at build time sees it too. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        helpEverywhere(cl);
        return cl;
    }

    /**
     * Gives every subcommand, nested ones and serve's included, the root's {@code -h/--help} and
     * {@code -V/--version}. Done here rather than by picocli's inherited scope, which asks the
     * version provider for its lines once per subcommand on every start, and rather than on each
     * command, where a new one could forget it.
     */
    private static void helpEverywhere(CommandLine parent) {
        // A command under two names (an alias) is one object; give it the options once.
        for (CommandLine sub : new java.util.LinkedHashSet<>(parent.getSubcommands().values())) {
            CommandSpec spec = sub.getCommandSpec();
            if (!spec.helpCommand() && !spec.mixinStandardHelpOptions()) {
                spec.mixinStandardHelpOptions(true);
                spec.versionProvider(parent.getCommandSpec().versionProvider());
            }
            helpEverywhere(sub);
        }
    }
}
