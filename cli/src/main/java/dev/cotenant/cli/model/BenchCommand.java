package dev.cotenant.cli.model;

import dev.cotenant.bench.Report;
import dev.cotenant.bench.Row;
import dev.cotenant.bench.Settings;
import dev.cotenant.bench.SideBySide;
import dev.cotenant.bench.kernels.KernelReport;
import dev.cotenant.cli.common.Common;
import dev.cotenant.cli.common.DimSizes;
import dev.cotenant.cli.common.Library;
import dev.cotenant.cli.common.Progress;
import dev.cotenant.ir.ModelException;
import dev.cotenant.zoo.Zoo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = "Runs models on Cotenant and ONNX Runtime side by side, alternating run by run, and compares median latency.")
public final class BenchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODEL", arity = "0..*", description = "Zoo model names or .onnx files.")
    List<String> models = new ArrayList<>();

    @Option(names = "--batch", split = ",", paramLabel = "B[,B...]", description = "Batch sizes (default 1).")
    List<Integer> batches = new ArrayList<>(List.of(1));

    @Option(names = "--threads", split = ",", paramLabel = "T[,T...]", description = "Intra-operator thread counts, the same for both engines (default 1).")
    List<Integer> threads = new ArrayList<>(List.of(1));

    @Option(names = "--vs", defaultValue = "onnxruntime", paramLabel = "PEER", description = "The peer: onnxruntime, or none (default ${DEFAULT-VALUE}).")
    String vs;

    @Option(names = "--json", description = "Print the rows as JSON instead of a table.")
    boolean json;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed runs per engine before timing (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--runs", defaultValue = "10", description = "Timed runs per engine (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seq", defaultValue = "" + Zoo.DEFAULT_SEQUENCE, description = "Sequence length of BERT zoo models (default ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--dim", paramLabel = "SYMBOL=N",
            description = "Size of a symbolic input dimension besides the batch, e.g. sequence=128 (repeatable); the same for both engines.")
    List<String> dims = new ArrayList<>();

    @Option(names = "--no-memory", description = "Skip the peak-memory measurement (a child JVM per engine and row).")
    boolean noMemory;

    @Option(names = "--kernels", description = "Run the JMH kernel benchmarks (SGEMM, convolutions) instead, in GFLOP/s and percent of peak.")
    boolean kernels;

    @Option(names = "--filter", paramLabel = "REGEX", description = "With --kernels: only benchmarks matching REGEX, e.g. Sgemm.")
    String filter;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (kernels) {
            Library.JMH.require("`bench --kernels` (the kernel benchmarks)");
            KernelReport.run(filter, threads, o, common.verbose ? System.err : null);
            return 0;
        }
        if (models.isEmpty()) {
            throw new ModelException("bench: name at least one MODEL (a zoo name or an .onnx file)");
        }
        if (!vs.equals("onnxruntime") && !vs.equals("none")) {
            throw new ModelException("--vs " + vs + ": the peers are onnxruntime and none");
        }
        if (vs.equals("onnxruntime")) {
            Library.ONNX_RUNTIME.require("`bench` as its peer (`bench --vs none` runs Cotenant alone)");
        }
        Map<String, Integer> sizes = DimSizes.parse(dims);
        Settings s = new Settings(warmup, runs, vs.equals("onnxruntime"), !noMemory, seq, sizes);
        int rows = models.size() * batches.size() * threads.size();
        List<Row> result;
        try (Progress bar = Progress.onTerminal("bench", SideBySide.steps(rows, s))) {
            result = SideBySide.run(models, batches, threads, s, bar::step);
        }
        if (json) {
            o.println(Report.json(result));
        } else {
            Report.table(result, s, o);
        }
        return 0;
    }
}
