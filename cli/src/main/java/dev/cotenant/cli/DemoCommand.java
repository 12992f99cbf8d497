package dev.cotenant.cli;

import dev.cotenant.ir.Tensor;
import dev.cotenant.kernels.Workers;
import dev.cotenant.onnx.OnnxExport;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.runtime.Plan;
import dev.cotenant.zoo.Zoo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", description = "Exports a zoo model to ONNX, loads it back, runs it and reports what it did and how fast.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "resnet18", description = "Zoo model (default ${DEFAULT-VALUE}).")
    String modelName;

    @Option(names = "--repeat", defaultValue = "10", description = "Timed runs per thread count (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--out", defaultValue = "out/demo", description = "Folder for the exported model (default ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Files.createDirectories(out);
        Path file = out.resolve(modelName + ".onnx");
        long t0 = System.nanoTime();
        OnnxExport.write(Zoo.build(modelName, 1, 42), file);
        Prepared p = Prepared.of(OnnxImport.load(file), List.of(), List.of(), true, 7);
        long t1 = System.nanoTime();
        o.printf(Locale.ROOT, "%s: exported to %s and loaded back in %.0f ms; %d nodes, %d after passes (BN folded, activations fused)%n",
                modelName, file, (t1 - t0) / 1e6, p.model().graph().nodes().size(), p.optimized().graph().nodes().size());
        o.printf(Locale.ROOT, "%-8s %12s %12s %14s%n", "threads", "median ms", "p90 ms", "images/s");
        Map<String, Tensor> result = null;
        int cores = Runtime.getRuntime().availableProcessors();
        for (int threads = 1; threads <= Math.max(1, Math.min(cores, 2)); threads++) {
            try (Workers w = Workers.create(threads)) {
                Plan plan = p.plan(w);
                result = plan.run(p.feeds());
                Latencies lat = Latencies.measure(plan, p.feeds(), repeat);
                o.printf(Locale.ROOT, "%-8d %12.2f %12.2f %14.1f%n", threads, lat.medianMs(), lat.percentileMs(90), 1000 / lat.medianMs());
            }
        }
        for (Map.Entry<String, Tensor> e : result.entrySet()) {
            Tensor t = e.getValue();
            int best = 0;
            for (int i = 1; i < t.size(); i++) {
                if (t.getDouble(i) > t.getDouble(best)) {
                    best = i;
                }
            }
            o.println("output " + e.getKey() + ": " + Inputs.describe(t) + "  argmax " + best);
        }
        o.println("next: ./cotenant inspect " + file + "   |   ./cotenant run " + file + " --random --repeat 20 --threads 2");
        return 0;
    }
}
