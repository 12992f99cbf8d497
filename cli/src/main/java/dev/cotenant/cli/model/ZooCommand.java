package dev.cotenant.cli.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.cli.common.Common;
import dev.cotenant.cli.common.Json;
import dev.cotenant.cli.common.Progress;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.kernels.Workers;
import dev.cotenant.onnx.OnnxExport;
import dev.cotenant.ops.Cost;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import dev.cotenant.runtime.Step;
import dev.cotenant.zoo.Zoo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "zoo", description = "The built-in model zoo: list it, or export one model to ONNX.",
        subcommands = {ZooCommand.List.class, ZooCommand.Export.class})
public final class ZooCommand {

    @Command(name = "list", description = "Every zoo model with its parameters and GFLOPs, computed from the built graph, beside the published figures.")
    static final class List implements Callable<Integer> {

        @Mixin
        Common common;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print one JSON object instead of the table: every model's computed and published figures.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter o = spec.commandLine().getOut();
            ObjectNode root = Json.object().put("batch", 1).put("sequence", Zoo.DEFAULT_SEQUENCE);
            ArrayNode models = root.putArray("models");
            if (!json) {
                o.printf(Locale.ROOT, "%-16s %-15s %10s %10s %9s %9s  %s%n", "model", "task", "params M", "published",
                        "GFLOPs", "published", "reference");
            }
            try (Progress bar = Progress.onTerminal("zoo", Zoo.entries().size())) {
                for (Zoo.Entry e : Zoo.entries()) {
                    bar.step(e.name());
                    Figures f = figures(Zoo.build(e.name(), 1, 1));
                    Double published = e.publishedGmacs() > 0 ? 2 * e.publishedGmacs() : null;
                    models.addObject().put("name", e.name()).put("task", e.task()).put("parameters", f.params())
                            .put("published_parameters_m", e.publishedParamsM()).put("flops", f.flops())
                            .put("published_gflops", published).put("reference", e.reference());
                    if (!json) {
                        o.printf(Locale.ROOT, "%-16s %-15s %10.2f %10.1f %9.2f %9s  %s%n", e.name(), e.task(), f.params() / 1e6,
                                e.publishedParamsM(), f.flops() / 1e9,
                                published != null ? String.format(Locale.ROOT, "%.2f", published) : "-", e.reference());
                    }
                }
            }
            if (json) {
                o.println(Json.write(root));
            } else {
                o.println("batch 1, images at the published resolution, BERT at sequence length " + Zoo.DEFAULT_SEQUENCE
                        + "; GFLOPs count a multiply-add as 2 (published GFLOPs = 2 x published GMACs)");
            }
            return 0;
        }
    }

    @Command(name = "export", description = "Writes one zoo model, with seeded random weights, as an ONNX file.")
    static final class Export implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--batch", defaultValue = "1", description = "Batch size; 0 leaves it symbolic (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--seq", description = "Sequence length of BERT models (default " + Zoo.DEFAULT_SEQUENCE + ").")
        Integer seq;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of the random weights (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.onnx", description = "Where to write the model.")
        Path output;

        @Mixin
        Common common;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (batch < 0) {
                throw new ModelException("--batch " + batch + ": expected a positive size, or 0 for a symbolic batch");
            }
            if (seq != null && !Zoo.takesSequence(name) && Zoo.entries().stream().anyMatch(e -> e.name().equals(name))) {
                throw new ModelException("--seq: zoo model '" + name + "' takes images, not sequences");
            }
            Model m = Zoo.build(name, batch == 0 ? -1 : batch, seq == null ? Zoo.DEFAULT_SEQUENCE : seq, seed);
            if (output.getParent() != null) {
                Files.createDirectories(output.getParent());
            }
            OnnxExport.write(m, output);
            PrintWriter o = spec.commandLine().getOut();
            StringBuilder inputs = new StringBuilder();
            for (ValueInfo in : m.graph().feeds()) {
                inputs.append(inputs.isEmpty() ? "" : ", ").append(in.name()).append(' ').append(in.type());
            }
            o.printf(Locale.ROOT, "wrote %s (%s, %.1f MiB): inputs %s%n", output, name, Files.size(output) / 1048576.0, inputs);
            return 0;
        }
    }

    record Figures(long params, long flops) {}

    /** Parameters (floating-point values the graph holds) and FLOPs of the planned graph at its declared shapes. */
    static Figures figures(Model m) {
        long params = m.graph().parameterCount();
        Map<String, TensorType> types = new LinkedHashMap<>();
        for (ValueInfo in : m.graph().feeds()) {
            types.put(in.name(), in.type());
        }
        Plan plan = Planner.plan(Passes.optimize(m, types), types, Workers.single());
        long flops = 0;
        for (Step s : plan.steps()) {
            Cost c = s.op().cost();
            flops += c.flops();
        }
        return new Figures(params, flops);
    }
}
