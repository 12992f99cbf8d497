package dev.cotenant.sched.compare;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.policy.GpuGacer;
import dev.cotenant.sched.policy.Policies;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.workload.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Where a regulator pays: the co-location mixes at several batch sizes, on several GPUs, under
 * each host runtime, with gacer against the mechanisms a user would otherwise pick (sequential,
 * in-process multistream, a process per tenant under MPS) and the lower bound. One round (one
 * inference of every tenant), FP16, interference on, default work queues. The table in
 * bench/RESULTS.md comes from here ({@code bench.colocation.RegimeTable}).
 */
public final class Regimes {

    /** The six mixes of the earlier simulator tables (bench/RESULTS.md, "The scheduler's policies"). */
    public static final List<List<String>> MIXES = List.of(
            List.of("(a)", "resnet50,mobilenetv2,bert-base"),
            List.of("(b)", "vgg16,mobilenetv2"),
            List.of("(c)", "yolov4-tiny,unet,resnet18"),
            List.of("(d)", "bert-base,bert-tiny,efficientnet-b0"),
            List.of("8-A", "resnet50,bert-base,mobilenetv2,efficientnet-b0,resnet18,yolov4-tiny,unet,bert-tiny"),
            List.of("8-B", "resnet50,mobilenetv2,efficientnet-b0,resnet18,bert-base,bert-tiny,bert-base,bert-tiny"));

    private static final String POLICIES = "sequential,multistream,mps,gacer";

    /**
     * One row: a mix at a batch size on a GPU under a runtime; makespans in ms. {@code boundMs} is
     * {@link LowerBound#onGpu} under the runtime: the work at device capacity, or the longest
     * tenant run alone with its host's enqueueing, which no mechanism can hide.
     */
    public record Row(String gpu, String runtime, int batch, String mix, double boundMs, double sequentialMs, double multistreamMs,
                      double mpsMs, double gacerMs, String choice) {

        /** The fastest of the mechanisms gacer competes with. */
        public double bestMechanismMs() {
            return Math.min(sequentialMs, Math.min(multistreamMs, mpsMs));
        }
    }

    private Regimes() {}

    /** Simulates every mix at every batch size on {@code gpu} under {@code runtime}; {@code done} hears each row. */
    public static List<Row> run(String gpu, String runtime, List<Integer> batches, GpuGacer.Settings settings, Consumer<Row> done) {
        Gpu g = Gpu.load(gpu);
        HostRuntime r = HostRuntime.load(runtime);
        Sharing.Host host = new Sharing.Host(r, Sharing.DEFAULT_WORK_QUEUES, true);
        SimulatedGpu device = new SimulatedGpu("sim:" + gpu, g, Precision.FP16);
        List<Row> rows = new ArrayList<>();
        for (int batch : batches) {
            for (List<String> mix : MIXES) {
                String spec = String.join(",", Arrays.stream(mix.get(1).split(",")).map(m -> m + ":" + batch).toList());
                List<LoweredModel> tenants = device.lower(Workload.parse(spec), r);
                List<Policy> asked = Policy.parse(POLICIES, device, tenants.size());
                Policies p = Policies.resolve(asked, tenants, Collections.nCopies(tenants.size(), 0), g, 1, host, settings, (n, f) -> { });
                GpuComparison c = GpuComparison.run(g, tenants, Collections.nCopies(tenants.size(), batch), p.policies(), 1, host);
                Row row = new Row(g.name(), r.name(), batch, mix.getFirst(), c.lowerBoundMs(), c.policies().get(0).makespanMs(),
                        c.policies().get(1).makespanMs(), c.policies().get(2).makespanMs(), c.policies().get(3).makespanMs(),
                        p.gacer().getFirst().choice());
                rows.add(row);
                done.accept(row);
            }
        }
        return rows;
    }

    /** The heading of {@link #markdown(Row)}'s rows. */
    public static String header() {
        return "| GPU | runtime | batch | mix | bound | sequential | multistream | mps | gacer | gacer vs seq | vs multistream | vs mps "
                + "| vs best mechanism | gacer efficiency | gacer's choice |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    /** One row of the table: makespans in ms, gains as speedups (above 1: gacer is faster). */
    public static String markdown(Row r) {
        return String.format(Locale.ROOT, "| %s | %s | %d | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.2fx | %.2fx | %.2fx | %.2fx | %.0f%% | %s |",
                r.gpu(), r.runtime(), r.batch(), r.mix(), r.boundMs(), r.sequentialMs(), r.multistreamMs(), r.mpsMs(), r.gacerMs(),
                r.sequentialMs() / r.gacerMs(), r.multistreamMs() / r.gacerMs(), r.mpsMs() / r.gacerMs(),
                r.bestMechanismMs() / r.gacerMs(), 100 * r.boundMs() / r.gacerMs(), r.choice());
    }

    /**
     * Medians of gacer's gain over the best mechanism and its efficiency, for the rows of each
     * runtime and batch size: the regimes of the summary.
     */
    public static String summary(List<Row> rows) {
        StringBuilder b = new StringBuilder("| runtime | batch | rows | gacer vs best mechanism: median (min, max) | gacer vs sequential: median "
                + "| best mechanism | gacer efficiency: median |\n|---|---|---|---|---|---|---|\n");
        for (String runtime : rows.stream().map(Row::runtime).distinct().toList()) {
            for (int batch : rows.stream().mapToInt(Row::batch).distinct().toArray()) {
                List<Row> sel = rows.stream().filter(r -> r.runtime().equals(runtime) && r.batch() == batch).toList();
                double[] best = sel.stream().mapToDouble(r -> r.bestMechanismMs() / r.gacerMs()).sorted().toArray();
                double[] seq = sel.stream().mapToDouble(r -> r.sequentialMs() / r.gacerMs()).sorted().toArray();
                double[] eff = sel.stream().mapToDouble(r -> r.boundMs() / r.gacerMs()).sorted().toArray();
                b.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2fx (%.2fx, %.2fx) | %.2fx | %s | %.0f%% |%n", runtime, batch, sel.size(),
                        median(best), best[0], best[best.length - 1], median(seq), mostOftenBest(sel), 100 * median(eff)));
            }
        }
        return b.toString();
    }

    /** Which mechanism is fastest most often among {@code rows}, with how often (multistream and mps may tie). */
    private static String mostOftenBest(List<Row> rows) {
        String[] names = {"sequential", "multistream", "mps", "multistream = mps"};
        int[] wins = new int[names.length];
        for (Row r : rows) {
            double best = r.bestMechanismMs();
            wins[best == r.sequentialMs() ? 0 : best == r.mpsMs() && best == r.multistreamMs() ? 3 : best == r.mpsMs() ? 2 : 1]++;
        }
        int top = 0;
        for (int i = 1; i < wins.length; i++) {
            top = wins[i] > wins[top] ? i : top;
        }
        return names[top] + " (" + wins[top] + "/" + rows.size() + ")";
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
