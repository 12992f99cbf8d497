package dev.cotenant.cli;

import dev.cotenant.cli.colocate.CorunCommand;
import dev.cotenant.cli.colocate.DemoCommand;
import dev.cotenant.cli.colocate.PlanCommand;
import dev.cotenant.cli.colocate.SimulateCommand;
import dev.cotenant.cli.model.BenchCommand;
import dev.cotenant.cli.model.ConformanceCommand;
import dev.cotenant.cli.model.InspectCommand;
import dev.cotenant.cli.model.RunCommand;
import dev.cotenant.cli.model.ZooCommand;
import dev.cotenant.cli.serve.LoadCommand;
import dev.cotenant.cli.serve.RepoCommand;
import dev.cotenant.cli.serve.ServeCommand;
import dev.cotenant.ir.ModelException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code cotenant} command. A user error (bad file, bad shape, unknown operator) prints one
 * line, {@code cotenant: error: ...}, and exits 1; {@code --verbose} adds the stack trace.
 */
@Command(name = "cotenant", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Runs several deep-learning models at once on one device, scheduled together.",
        subcommands = {DemoCommand.class, CorunCommand.class, PlanCommand.class, RunCommand.class, InspectCommand.class, ConformanceCommand.class, ServeCommand.class, LoadCommand.class, RepoCommand.class, ZooCommand.class, BenchCommand.class, SimulateCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    /** The version, and the vector unit the kernels were shaped for on this machine. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cotenant 0.1.0 (commit " + System.getProperty("cotenant.commit", "unknown") + ")",
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
        CommandLine cl = new CommandLine(new Main());
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
}
