package dev.cotenant.bench.kernels;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the JMH kernel benchmarks and turns their times into GFLOP/s and percent of the detected
 * peak of the cores they used. Never part of the tests: {@code ./cotenant bench --kernels}, or
 * {@code java --add-modules=jdk.incubator.vector -cp ... dev.cotenant.bench.kernels.KernelReport [REGEX] [THREADS,...]}.
 */
public final class KernelReport {

    private KernelReport() {}

    /**
     * Runs the benchmarks whose {@code Class.method} matches {@code filter} (every one when
     * {@code null}) at each thread count; JMH's own log goes to {@code log} ({@code null}: silent).
     */
    public static void run(String filter, List<Integer> threads, PrintWriter out, PrintStream log) throws RunnerException {
        Machine machine = Machine.detect();
        out.println(machine.describe());
        out.flush();
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(filter == null ? KernelReport.class.getPackageName() + ".*Benchmark.*" : filter)
                .param("threads", threads.stream().map(String::valueOf).toArray(String[]::new))
                .shouldFailOnError(true)
                .verbosity(log == null ? VerboseMode.SILENT : VerboseMode.NORMAL);
        Runner runner = log == null ? new Runner(b.build()) : new Runner(b.build(), OutputFormatFactory.createFormatInstance(log, VerboseMode.NORMAL));
        Collection<RunResult> results = runner.run();
        List<RunResult> sorted = new ArrayList<>(results);
        // A kernel faster on one core than the FMA loop proves the core can do that much.
        Machine before = machine;
        for (RunResult r : sorted) {
            int t = Integer.parseInt(r.getParams().getParam("threads"));
            machine = machine.atLeast(flops(r) / (r.getPrimaryResult().getStatistics().getMin() * 1e3) / Math.min(t, machine.cores()));
        }
        if (machine != before) {
            out.println("a kernel ran faster than the FMA loop, so the peak is taken from it: " + machine.describe());
        }
        out.printf(Locale.ROOT, "%-52s %7s %12s %10s %10s %14s %10s%n", "benchmark", "threads", "us/op", "GFLOP/s", "% of peak",
                "best GFLOP/s", "% of peak");
        for (RunResult r : sorted) {
            String bench = r.getParams().getBenchmark();
            String cls = bench.substring(0, bench.lastIndexOf('.'));
            cls = cls.substring(cls.lastIndexOf('.') + 1);
            String key = r.getParams().getParam(cls.equals("SgemmBenchmark") ? "shape" : "conv");
            double flops = flops(r);
            int t = Integer.parseInt(r.getParams().getParam("threads"));
            double us = r.getPrimaryResult().getScore();
            double gflops = flops / (us * 1e3);
            double best = flops / (r.getPrimaryResult().getStatistics().getMin() * 1e3);
            double peak = machine.peakGflops(t);
            out.printf(Locale.ROOT, "%-52s %7d %12.1f %10.1f %9.1f%% %14.1f %9.1f%%%n", cls.replace("Benchmark", "") + " " + key, t, us, gflops,
                    100 * gflops / peak, best, 100 * best / peak);
        }
        out.println("% of peak: of the peak of as many cores as threads; JMH average time over 1 fork, 3 warm-up and 5 measured "
                + "iterations of 1 s; best: the fastest 1-s iteration (on a shared machine, the one least disturbed)");
        out.flush();
    }

    private static double flops(RunResult r) {
        String bench = r.getParams().getBenchmark();
        return bench.contains("SgemmBenchmark") ? SgemmBenchmark.flops(r.getParams().getParam("shape"))
                : ConvBenchmark.flops(r.getParams().getParam("conv"));
    }

    public static void main(String[] args) throws RunnerException {
        String filter = args.length > 0 ? args[0] : null;
        List<Integer> threads = args.length > 1 ? java.util.Arrays.stream(args[1].split(",")).map(Integer::valueOf).toList() : List.of(1);
        run(filter, threads, new PrintWriter(System.out, true), System.err);
    }
}
