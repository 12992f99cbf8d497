package dev.cotenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The conventions every command follows: help on every command of the tree, nested help, the version, shell completion. */
class CommandTreeTest {

    record Outcome(int code, String out, String err) {}

    private static Outcome cotenant(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new Outcome(code, out.toString(), err.toString());
    }

    /** Every command's path below the root, found by walking the tree the command line runs: serve's included. */
    static Stream<List<String>> paths() {
        List<List<String>> paths = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> paths) {
        for (CommandLine sub : new LinkedHashSet<>(cl.getSubcommands().values())) {
            List<String> p = new ArrayList<>(path);
            p.add(sub.getCommandName());
            paths.add(p);
            walk(sub, p, paths);
        }
    }

    @Test
    void theTreeHoldsEveryCommandTheReadmeNames() {
        List<String> names = paths().map(p -> String.join(" ", p)).toList();
        for (String c : List.of("run", "inspect", "conformance", "bench", "zoo", "zoo list", "zoo export", "corun", "plan", "demo",
                "simulate", "serve", "load", "repo", "help")) {
            assertTrue(names.contains(c), c + " in " + names);
        }
    }

    @ParameterizedTest
    @MethodSource("paths")
    void helpAndHExitZeroWithTheFullPathInTheUsageLine(List<String> path) {
        String usage = "Usage: cotenant " + String.join(" ", path);
        for (String flag : List.of("--help", "-h")) {
            List<String> args = new ArrayList<>(path);
            args.add(flag);
            Outcome o = cotenant(args);
            assertEquals(0, o.code(), () -> args + ": " + o.err());
            assertTrue(o.out().startsWith(usage + " ") || o.out().startsWith(usage + "\n"), () -> args + ": " + o.out());
            assertEquals("", o.err(), args.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("paths")
    void helpCommandShowsTheHelpOfTheWholePath(List<String> path) {
        List<String> args = new ArrayList<>(List.of("help"));
        args.addAll(path);
        List<String> direct = new ArrayList<>(path);
        direct.add("--help");
        Outcome viaHelp = cotenant(args);
        assertEquals(0, viaHelp.code(), viaHelp.err());
        assertEquals(cotenant(direct).out(), viaHelp.out(), args.toString());
    }

    @Test
    void helpOfAnUnknownCommandNamesItAndExitsTwo() {
        Outcome o = cotenant(List.of("help", "zoo", "exprot"));
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("Unknown subcommand 'exprot' of 'cotenant zoo'; its subcommands: list, export"), o.err());
    }

    @Test
    void versionNamesTheVersionCommitBuildDateJavaAndVectorUnit() {
        for (List<String> args : List.of(List.of("--version"), List.of("-V"), List.of("zoo", "export", "--version"))) {
            Outcome o = cotenant(args);
            assertEquals(0, o.code(), o.err());
            List<String> lines = o.out().lines().toList();
            assertEquals(4, lines.size(), o.out());
            assertTrue(lines.get(0).matches("cotenant \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?, commit .+"), lines.get(0));
            // Written by the build (resource filtering); a placeholder left unfilled would start with "${".
            assertTrue(lines.get(1).matches("built: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), lines.get(1));
            assertTrue(lines.get(2).startsWith("kernels: ") && lines.get(2).contains("lanes"), lines.get(2));
            assertTrue(lines.get(3).startsWith("java: " + Runtime.version()), lines.get(3));
        }
    }

    /**
     * The build writes the script (cli/pom.xml, process-classes); a build that stopped writing it
     * fails here rather than shipping without one.
     */
    @Test
    void theCompletionScriptIsGeneratedAndNamesEveryCommand() throws IOException {
        Path script = Path.of("target", "cotenant_completion");
        assertTrue(Files.isRegularFile(script), "the build did not write " + script.toAbsolutePath());
        String text = Files.readString(script);
        assertTrue(text.contains("complete -F _complete_cotenant"), "registers itself for the cotenant command");
        paths().forEach(p -> {
            String function = "function _picocli_cotenant_" + String.join("_", p) + "()";
            assertTrue(text.contains(function), function);
            assertTrue(text.contains(p.getLast()), p.getLast());
        });
        assertTrue(text.contains("--dim") && text.contains("--json") && text.contains("--help"), "options are completed too");
    }
}
