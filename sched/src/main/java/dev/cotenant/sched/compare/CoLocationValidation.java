package dev.cotenant.sched.compare;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.kernel.Lowering;
import dev.cotenant.gpusim.kernel.ZooModels;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.policy.SimulatedPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The simulator against published measurements of models co-running on real NVIDIA GPUs: the
 * second table of {@code simulate --validate}. Every figure is a throughput ratio, a co-run against
 * a baseline run of the same models (one copy alone, or the same copies time sliced), because a
 * ratio carries over from the measuring setup (its host, its server, its client) to the simulator's
 * kernels, while an absolute figure would carry the setup's overheads too. Each row is simulated
 * with the runtime and mechanism the publication used, interference on, {@link #ROUNDS} inferences
 * per process, and its error is {@code predicted / published - 1}.
 *
 * <p>The figures and where they come from are listed in {@link CoLocationFigures}.
 */
public final class CoLocationValidation {

    /** Inferences each process runs in a simulated co-run: enough for the processes to drift apart. */
    static final int ROUNDS = 6;

    /** How a row's ratio combines the batch sizes it covers, as the publication states it. */
    public enum Over {
        /** One batch size. */
        ONE,
        /** The best of the batch sizes ("up to +18% at batch 1 and 8"). */
        BEST,
        /** The worst of them ("-11% for the others"). */
        WORST
    }

    /**
     * One published co-location figure.
     *
     * @param name what was run, for the table
     * @param source the publication: title and address
     * @param gpu built-in device sheet
     * @param precision of the kernels
     * @param runtime the host runtime the measured system used (a built-in sheet, or one fitted to the source's host)
     * @param model zoo model every process runs
     * @param batches batch sizes the figure covers
     * @param copies processes co-running
     * @param corun how they co-run
     * @param baseline what the co-run is compared with: null for one copy alone
     * @param over how the batch sizes combine
     * @param published the published throughput ratio, co-run over baseline
     * @param regime whether the models fill the GPU or leave it idle, for the reader
     * @param partner a second, different model that co-runs with one copy of {@code model} (one
     *                process each, at its own batch), or null; with it the baseline runs both
     */
    public record Figure(String name, String source, String gpu, Precision precision, HostRuntime runtime, String model,
                         List<Integer> batches, int copies, Policy corun, Policy baseline, Over over, double published, String regime,
                         ZooModels.Entry partner) {
        public Figure {
            batches = List.copyOf(batches);
        }
    }

    /** A figure and what the simulator predicts for it. */
    public record Row(Figure figure, double predicted) {
        public double error() {
            return predicted / figure.published() - 1;
        }
    }

    private CoLocationValidation() {}

    /** The published figures, each with its source ({@link CoLocationFigures}). */
    public static List<Figure> figures() {
        return CoLocationFigures.ALL;
    }

    /** Simulates every figure. */
    public static List<Row> simulate(List<Figure> figures) {
        List<Row> rows = new ArrayList<>();
        // Lowering builds the model with its weights (VGG-16's are half a gigabyte): once per model, batch and setting.
        Map<String, LoweredModel> lowered = new HashMap<>();
        for (Figure f : figures) {
            rows.add(new Row(f, predict(f, lowered)));
        }
        return rows;
    }

    /** The figure's ratio as the simulator sees it, combined over its batch sizes. */
    static double predict(Figure f, Map<String, LoweredModel> lowered) {
        Gpu gpu = Gpu.load(f.gpu());
        HostRuntime runtime = f.runtime();
        Sharing.Host host = new Sharing.Host(runtime, Sharing.DEFAULT_WORK_QUEUES, true);
        List<Double> ratios = new ArrayList<>();
        for (int b : f.batches()) {
            LoweredModel m = lower(f.model(), b, f, gpu, runtime, lowered);
            List<LoweredModel> tenants = f.partner() == null ? copies(m, f.copies())
                    : List.of(m, lower(f.partner().model(), f.partner().batch(), f, gpu, runtime, lowered));
            // MIG instances share nothing the simulator models, so their processes cannot drift apart: one round says it all.
            int rounds = f.corun() instanceof Policy.Mig ? 1 : ROUNDS;
            double corun = throughput(gpu, host, f.corun(), tenants, rounds);
            double base = switch (f.baseline()) {
                case null -> throughput(gpu, host, new Policy.Sequential(), tenants.subList(0, 1), rounds);
                // One copy per MIG instance: a baseline of one whole-GPU instance runs one copy.
                case Policy.Mig mig -> throughput(gpu, host, mig, copies(m, mig.slices().size()), rounds);
                default -> throughput(gpu, host, f.baseline(), tenants, rounds);
            };
            ratios.add(corun / base);
        }
        return switch (f.over()) {
            case ONE -> ratios.getFirst();
            case BEST -> Collections.max(ratios);
            case WORST -> Collections.min(ratios);
        };
    }

    private static LoweredModel lower(String model, int batch, Figure f, Gpu gpu, HostRuntime runtime, Map<String, LoweredModel> lowered) {
        String key = String.join("/", model, Integer.toString(batch), f.precision().name(), f.gpu(), f.runtime().name());
        return lowered.computeIfAbsent(key, k -> ZooModels.lower(List.of(new ZooModels.Entry(model, batch)), f.precision(), gpu,
                Lowering.Fusion.of(runtime)).getFirst());
    }

    private static List<LoweredModel> copies(LoweredModel m, int copies) {
        List<LoweredModel> tenants = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            tenants.add(new LoweredModel(m.name() + "#" + i, m.precision(), m.operators(), m.kernelsPerStep()));
        }
        return tenants;
    }

    /** Inferences per microsecond of {@code tenants}, one process each running {@code rounds} inferences, under {@code policy}. */
    private static double throughput(Gpu gpu, Sharing.Host host, Policy policy, List<LoweredModel> tenants, int rounds) {
        double us = Simulator.run(gpu, SimulatedPolicy.of(policy).submission(tenants, rounds, gpu, host)).makespanUs();
        return tenants.size() * (double) rounds / us;
    }

    /** Mean absolute error, as a fraction. */
    public static double mape(List<Row> rows) {
        return rows.stream().mapToDouble(r -> Math.abs(r.error())).average().orElse(0);
    }

    /** The rows as a Markdown table, with the mean absolute error under it. */
    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| co-run | GPU | precision | runtime | regime | published | predicted | error | source |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            Figure f = r.figure();
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.3f | %.3f | %+.0f%% | %s |%n", f.name(),
                    f.gpu().toUpperCase(Locale.ROOT), f.precision(), f.runtime().name(), f.regime(), f.published(), r.predicted(),
                    100 * r.error(), f.source()));
        }
        b.append(String.format(Locale.ROOT, "mean absolute error %.1f%% over %d rows; largest %.1f%%%n", 100 * mape(rows), rows.size(),
                100 * rows.stream().mapToDouble(r -> Math.abs(r.error())).max().orElse(0)));
        return b.toString();
    }

    /** Prints the table. */
    public static void main(String[] args) {
        System.out.print(table(simulate(CoLocationFigures.ALL)));
    }
}
