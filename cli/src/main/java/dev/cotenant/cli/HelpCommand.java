package dev.cotenant.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cotenant help [COMMAND...]}: the help of the command at the end of the path, so that
 * {@code help zoo export} shows zoo export's and not zoo's. Picocli's own help command reads only
 * the first word of the path.
 */
@Command(name = "help", helpCommand = true, description = "Shows the help of a command, e.g. help zoo export.")
final class HelpCommand implements Runnable {

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, then its subcommands down to the one wanted.")
    List<String> path = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        CommandLine target = spec.commandLine().getParent();
        for (String word : path) {
            CommandLine next = target.getSubcommands().get(word);
            if (next == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Unknown subcommand '" + word + "' of '"
                        + target.getCommandSpec().qualifiedName() + "'; its subcommands: "
                        + String.join(", ", target.getSubcommands().keySet()));
            }
            target = next;
        }
        target.usage(spec.commandLine().getOut());
    }
}
