package dev.cotenant.cli.model;

import dev.cotenant.cli.common.Common;
import dev.cotenant.io.Npy;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.runtime.Footprint;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Runs one model and prints its outputs and latency.")
public final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL.onnx")
    Path model;

    @Option(names = "--input", paramLabel = "NAME=FILE.npy", description = "An input tensor from a .npy file (repeatable).")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--random", description = "Random values for inputs not given with --input.")
    boolean random;

    @Option(names = "--dim", paramLabel = "SYMBOL=N", description = "Size of a free input dimension for --random (repeatable); "
            + "every free dimension but the leading one must be given, the leading one is 1 when not.")
    List<String> dims = new ArrayList<>();

    @Option(names = "--threads", defaultValue = "1", description = "Intra-operator threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--repeat", defaultValue = "1", description = "Timed runs after the warm-up runs (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1",
            description = "Untimed runs before the timed ones, the first of which prints the outputs (default ${DEFAULT-VALUE}; "
                    + "the JIT compiles a small model's kernels over tens of runs, so give more to time it warm).")
    int warmup;

    @Option(names = "--out", paramLabel = "DIR", description = "Write every output to DIR/<name>.npy.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for --random (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of text: the model, inputs, outputs (summaries), latency "
            + "and, with --profile, every step.")
    boolean json;

    @Option(names = "--profile", description = "Time every step over the --repeat runs and print where the time goes: by operator kind and the slowest steps.")
    boolean profile;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (threads < 1 || repeat < 1 || warmup < 1) {
            throw new ModelException("--threads, --repeat and --warmup must be at least 1");
        }
        RunReport report = new RunReport(spec.commandLine().getOut(), json);
        long t0 = System.nanoTime();
        Prepared p = Prepared.of(OnnxImport.load(model), model.getFileName().toString(), inputs, dims, random, seed);
        int nodes = p.model().graph().nodes().size();
        int optimizedNodes = p.optimized().graph().nodes().size();
        Map<String, Tensor> feeds = p.feeds();
        Model optimized = p.optimized();
        Map<String, TensorType> types = p.types();
        long importedBytes = Footprint.weightBytes(p.model());
        // The imported graph's weights are garbage from here on; planning reuses their space.
        p = null;
        Footprint.released(importedBytes);
        try (Workers workers = Workers.create(threads)) {
            Plan plan = Planner.plan(optimized, types, workers);
            report.planned(model, nodes, optimizedNodes, plan, (System.nanoTime() - t0) / 1e6, feeds);
            Map<String, Tensor> result = plan.run(feeds);
            report.outputs(result);
            for (int i = 1; i < warmup; i++) {
                plan.run(feeds);
            }
            report.latency(Latencies.measure(plan, feeds, repeat), warmup, threads);
            if (profile) {
                report.profile(plan.interpreted() ? null : StepProfile.measure(plan, feeds, repeat), common.verbose ? Integer.MAX_VALUE : 15);
            }
            if (out != null) {
                Files.createDirectories(out);
                for (Map.Entry<String, Tensor> e : result.entrySet()) {
                    Path f = out.resolve(e.getKey().replaceAll("[^A-Za-z0-9._-]", "_") + ".npy");
                    Npy.write(e.getValue(), f);
                    report.wrote(f);
                }
            }
        }
        report.finish();
        return 0;
    }
}
