package dev.cotenant.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Writes the bash/zsh completion script of the whole command tree to the file named by its one
 * argument. The build runs it (cli/pom.xml, into {@code cli/target/cotenant_completion}), so the
 * script always names the commands and options of the jar beside it; it is picocli's generator run
 * on {@link Main#commandLine()}, which holds the help options added to every subcommand.
 */
final class CompletionScript {

    private CompletionScript() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: CompletionScript FILE");
        }
        Path file = Path.of(args[0]);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, AutoComplete.bash("cotenant", Main.commandLine()));
    }
}
