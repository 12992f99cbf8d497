package dev.cotenant.bench.colocation;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.sched.compare.GpuComparison;
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

/**
 * The co-location mixes under the scheduler's policies on simulated GPUs, as markdown rows:
 * {@code java ... GacerTable GPU[,GPU...] BUDGET_SECONDS MAX_EVALUATIONS}. One round per mix (one
 * inference of every tenant), FP16, batch 1 and 8, seed 1. Each row gives gacer against sequential
 * and against the multistream of the same host model, and the search's wall time.
 */
public final class GacerTable {

    static final String[][] MIXES = {
        {"(a)", "resnet50,mobilenetv2,bert-base"},
        {"(b)", "vgg16,mobilenetv2"},
        {"(c)", "yolov4-tiny,unet,resnet18"},
        {"(d)", "bert-base,bert-tiny,efficientnet-b0"},
        {"8-A", "resnet50,bert-base,mobilenetv2,efficientnet-b0,resnet18,yolov4-tiny,unet,bert-tiny"},
        {"8-B", "resnet50,mobilenetv2,efficientnet-b0,resnet18,bert-base,bert-tiny,bert-base,bert-tiny"},
    };

    private GacerTable() {}

    public static void main(String[] args) {
        String[] gpus = (args.length > 0 ? args[0] : "h200,a100").split(",");
        double budget = args.length > 1 ? Double.parseDouble(args[1]) : 60;
        int evaluations = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
        GpuGacer.Settings settings = new GpuGacer.Settings(1, budget, evaluations);
        for (String g : gpus) {
            Gpu gpu = Gpu.load(g);
            System.out.printf(Locale.ROOT, "%n**%s, FP16, one round** (ms; gacer x sequential; x multistream of the same host model; efficiency = bound / makespan, the one-host bound for the one-host-thread columns)%n%n", gpu.name());
            System.out.println("| mix | batch | lower bound | one-host bound | sequential | multistream | multistream-1host | interleave | gacer | gacer-1host | SMs busy (multistream, gacer) | search s (gacer, -1host) | gacer's choice |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            List<double[]> ratios = new ArrayList<>();
            for (int batch : new int[] {1, 8}) {
                for (String[] mix : MIXES) {
                    String spec = String.join(",", Arrays.stream(mix[1].split(",")).map(m -> m + ":" + batch).toList());
                    List<LoweredModel> tenants = new SimulatedGpu("sim:" + g, gpu, Precision.FP16).lower(Workload.parse(spec));
                    SimulatedGpu device = new SimulatedGpu("sim:" + g, gpu, Precision.FP16);
                    List<Policy> asked = Policy.parse("sequential,multistream,multistream-1host,interleave,gacer,gacer-1host", device,
                            tenants.size());
                    Policies p = Policies.resolve(asked, tenants, Collections.nCopies(tenants.size(), 0), gpu, 1, settings, (name, f) -> { });
                    List<Integer> batches = tenants.stream().map(t -> batch).toList();
                    GpuComparison c = GpuComparison.run(gpu, tenants, batches, p.policies(), 1);
                    double seq = c.policies().get(0).makespanMs();
                    double ms = c.policies().get(1).makespanMs();
                    double ms1 = c.policies().get(2).makespanMs();
                    double il = c.policies().get(3).makespanMs();
                    double ga = c.policies().get(4).makespanMs();
                    double ga1 = c.policies().get(5).makespanMs();
                    double lb = c.lowerBoundMs();
                    // One host thread enqueues every launch of the round, each at the sheet's launch cost.
                    double host = Math.max(lb, tenants.stream().mapToInt(t -> t.kernels().size()).sum() * gpu.launchUs() / 1e3);
                    ratios.add(new double[] {seq / ga, ms / ga, seq / ga1, ms1 / ga1, lb / ga, host / ga1, lb / ms, host / ms1});
                    GpuGacer.Outcome o = p.gacer().get(0);
                    GpuGacer.Outcome o1 = p.gacer().get(1);
                    System.out.printf(Locale.ROOT, "| %s %s | %d | %.3f | %.3f | %.3f (%.0f%%) | %.3f (%.0f%%) | %.3f (%.0f%%) | %.3f | %.3f (%.2fx, %.2fx, %.0f%%) | %.3f (%.2fx, %.2fx, %.0f%%) | %.0f%%, %.0f%% | %.1f, %.1f | %s: %s |%n",
                            mix[0], mix[1], batch, lb, host, seq, 100 * lb / seq, ms, 100 * lb / ms, ms1, 100 * host / ms1, il,
                            ga, seq / ga, ms / ga, 100 * lb / ga, ga1, seq / ga1, ms1 / ga1, 100 * host / ga1,
                            100 * c.policies().get(1).smBusy(), 100 * c.policies().get(4).smBusy(), o.seconds(), o1.seconds(),
                            o.choice(), GpuGacer.describe(o.chosen()));
                }
            }
            String[] names = {"gacer / sequential", "gacer / multistream", "gacer-1host / sequential", "gacer-1host / multistream-1host",
                "gacer efficiency", "gacer-1host efficiency (against the one-host bound)", "multistream efficiency",
                "multistream-1host efficiency (against the one-host bound)"};
            System.out.println();
            for (int k = 0; k < names.length; k++) {
                double[] v = new double[ratios.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = ratios.get(i)[k];
                }
                Arrays.sort(v);
                double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
                System.out.printf(Locale.ROOT, "- %s: median %.2f, min %.2f, max %.2f (%d rows)%n", names[k], median, v[0], v[v.length - 1], v.length);
            }
        }
    }
}
