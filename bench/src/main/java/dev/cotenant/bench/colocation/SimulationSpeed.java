package dev.cotenant.bench.colocation;


import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.KernelTimeline;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.gpusim.sim.Submission;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.policy.SimulatedPolicy;
import dev.cotenant.sched.workload.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How long the simulator takes for many rounds of a mix: {@code java ... SimulationSpeed GPU
 * TENANTS ROUNDS REPEATS}. Mechanisms alternate within each repeat; two warm-up repeats are
 * dropped; medians are printed. Lowering is not timed.
 */
public final class SimulationSpeed {

    private SimulationSpeed() {}

    public static void main(String[] args) {
        Gpu gpu = Gpu.load(args.length > 0 ? args[0] : "h200");
        String spec = args.length > 1 ? args[1]
                : "resnet50:8,bert-base:8,mobilenetv2:8,efficientnet-b0:8,resnet18:8,yolov4-tiny:8,unet:8,bert-tiny:8";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        List<LoweredModel> tenants = new SimulatedGpu("sim:" + gpu.name(), gpu, Precision.FP16).lower(Workload.parse(spec));
        List<SimulatedPolicy> mechanisms = List.of(SimulatedPolicy.of(new Policy.Sequential()), SimulatedPolicy.of(new Policy.Multistream(false)), SimulatedPolicy.of(new Policy.Timeslice()));
        List<Submission> workloads = new ArrayList<>();
        for (SimulatedPolicy m : mechanisms) {
            workloads.add(m.submission(tenants, rounds, gpu));
        }
        int kernels = tenants.stream().mapToInt(t -> t.kernels().size()).sum() * rounds;
        double[][] ms = new double[mechanisms.size()][repeats];
        double[][] cpu = new double[mechanisms.size()][repeats];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] events = new long[mechanisms.size()];
        for (int r = -2; r < repeats; r++) {
            for (int i = 0; i < mechanisms.size(); i++) {
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                KernelTimeline t = Simulator.run(gpu, workloads.get(i));
                double wall = (System.nanoTime() - t0) / 1e6;
                if (r >= 0) {
                    ms[i][r] = wall;
                    cpu[i][r] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
                    events[i] = t.events;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s, %d tenants (%s), %d rounds, %d kernels; median of %d after 2 warm-ups%n", gpu.name(),
                tenants.size(), spec, rounds, kernels, repeats);
        for (int i = 0; i < mechanisms.size(); i++) {
            double[] s = ms[i].clone();
            Arrays.sort(s);
            double[] c = cpu[i].clone();
            Arrays.sort(c);
            double median = s[repeats / 2];
            System.out.printf(Locale.ROOT, "%-12s wall median %6.0f ms (min %5.0f, max %5.0f), thread CPU median %6.0f ms, %8d events, %.2f us CPU/event%n",
                    mechanisms.get(i).name(), median, s[0], s[repeats - 1], c[repeats / 2], events[i], c[repeats / 2] * 1e3 / events[i]);
        }
    }
}
