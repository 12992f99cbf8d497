package dev.cotenant.cli.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.cli.common.Common;
import dev.cotenant.cli.common.Json;
import dev.cotenant.cli.common.Progress;
import dev.cotenant.conformance.Case;
import dev.cotenant.conformance.CaseResult;
import dev.cotenant.conformance.Conformance;
import dev.cotenant.conformance.Report;
import dev.cotenant.ir.ModelException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "conformance", description = "Runs every ONNX backend-test case found below the given folders.")
public final class ConformanceCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Folders holding node-style or light-style cases.")
    List<Path> dirs;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Option(names = "--filter", paramLabel = "REGEX", description = "Only cases whose name contains a match.")
    String filter;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-operator threads per case (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300", description = "Time limit per case (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new ModelException("conformance: '" + d + "' is not a folder");
            }
        }
        if (threads < 1 || timeoutSeconds < 1) {
            throw new ModelException("--threads and --timeout must be at least 1");
        }
        Predicate<String> names;
        try {
            Pattern p = filter == null ? null : Pattern.compile(filter);
            names = name -> p == null || p.matcher(name).find();
        } catch (PatternSyntaxException e) {
            throw new ModelException("--filter '" + filter + "' is not a regular expression: " + e.getDescription());
        }
        List<Case> cases = Conformance.find(dirs, names);
        if (cases.isEmpty()) {
            throw new ModelException("conformance: no test cases below " + dirs
                    + " (expected model.onnx with test_data_set_*/ or light_*.onnx with its _output_0.pb)");
        }
        List<CaseResult> results = new ArrayList<>();
        try (Conformance runner = new Conformance(threads, Duration.ofSeconds(timeoutSeconds));
             Progress progress = Progress.onTerminal("conformance", cases.size())) {
            for (Case c : cases) {
                progress.step(c.name());
                results.add(runner.run(c));
            }
        }
        Report r = new Report(results);
        o.print(json ? json(r) + "\n" : r.text());
        o.flush();
        return r.failed() > 0 ? 1 : 0;
    }

    /** {@code {"passed":N,"failed":N,"skipped":N,"cases":[{"name","status","reason"}]}}. */
    static String json(Report r) {
        ObjectNode root = Json.object().put("passed", r.passed()).put("failed", r.failed()).put("skipped", r.skipped());
        ArrayNode cases = root.putArray("cases");
        for (CaseResult c : r.cases()) {
            cases.addObject().put("name", c.name()).put("status", c.status().label()).put("reason", c.reason());
        }
        return Json.write(root);
    }
}
