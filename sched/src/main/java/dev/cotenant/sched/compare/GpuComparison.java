package dev.cotenant.sched.compare;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.KernelTimeline;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.gpusim.sim.Submission;
import dev.cotenant.sched.device.ScheduleLowering;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.policy.SimulatedPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sharing mechanisms side by side on one simulated GPU, with a lower bound, in the columns and the
 * JSON shape of {@code corun}.
 *
 * @param lowerBoundMs {@link LowerBound#onGpu}
 * @param policies one result per mechanism, in the order asked
 * @param wallMs host time spent simulating (all mechanisms and solo runs)
 * @param tenants the tenants' names, in the order of each result's {@code latencyMs}
 */
public record GpuComparison(double lowerBoundMs, List<Result> policies, double wallMs, List<String> tenants) {

    /** One mechanism's outcome. */
    public record Result(String name, double makespanMs, double throughput, double speedupVsSequential,
                         double speedupVsBestBaseline, double efficiency, double smBusy, double wallMs, KernelTimeline timeline,
                         double[] latencyMs) {}

    /**
     * Simulates {@code mechanisms} for {@code tenants} (with their batch sizes), {@code rounds}
     * inferences each.
     */
    public static GpuComparison run(Gpu gpu, List<LoweredModel> tenants, List<Integer> batches, List<SimulatedPolicy> mechanisms,
                                 int rounds) {
        return run(gpu, tenants, batches, mechanisms, rounds, Sharing.Host.DEFAULT);
    }

    /** As above, every mechanism (and the baselines the speedups are against) fed as {@code host} says. */
    public static GpuComparison run(Gpu gpu, List<LoweredModel> tenants, List<Integer> batches, List<SimulatedPolicy> mechanisms,
                                 int rounds, Sharing.Host host) {
        long t0 = System.nanoTime();
        double bound = LowerBound.onGpu(gpu, tenants, rounds, host).ms() * 1e3;
        double sequential = Simulator.run(gpu, SimulatedPolicy.of(new Policy.Sequential()).submission(tenants, rounds, gpu, host))
                .makespanUs();
        double multistream = Simulator.run(gpu, SimulatedPolicy.of(new Policy.Multistream(false)).submission(tenants, rounds, gpu, host))
                .makespanUs();
        double best = Math.min(sequential, multistream);
        double inferences = rounds * batches.stream().mapToInt(Integer::intValue).sum();
        List<Result> results = new ArrayList<>();
        for (SimulatedPolicy m : mechanisms) {
            Submission w = m.submission(tenants, rounds, gpu, host);
            long s0 = System.nanoTime();
            KernelTimeline t = Simulator.run(gpu, w);
            double wall = (System.nanoTime() - s0) / 1e6;
            double us = t.makespanUs();
            results.add(new Result(m.name(), us / 1e3, inferences / (us / 1e6), sequential / us, best / us, bound / us,
                    t.meanSmBusy(), wall, t, ScheduleLowering.latencyMs(t, tenants)));
        }
        return new GpuComparison(bound / 1e3, results, (System.nanoTime() - t0) / 1e6, tenants.stream().map(LoweredModel::name).toList());
    }

    /** The {@code corun} JSON shape: {@link SimulatorJson#comparison}. */
    public String json() {
        return SimulatorJson.comparison(this);
    }

    /** A plain table, one line per mechanism. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-22s %12s %14s %10s %10s %10s %8s %12s", "policy", "makespan ms", "inferences/s",
                "vs seq", "vs best", "efficiency", "SM busy", "simulated in"));
        for (String t : tenants) {
            b.append(String.format(Locale.ROOT, " %14s", t + " ms"));
        }
        b.append(System.lineSeparator());
        for (Result r : policies) {
            b.append(String.format(Locale.ROOT, "%-22s %12.3f %14.1f %9.2fx %9.2fx %9.0f%% %7.0f%% %9.0f ms", r.name(),
                    r.makespanMs(), r.throughput(), r.speedupVsSequential(), r.speedupVsBestBaseline(), 100 * r.efficiency(),
                    100 * r.smBusy(), r.wallMs()));
            for (double l : r.latencyMs()) {
                b.append(String.format(Locale.ROOT, " %14.3f", l));
            }
            b.append(System.lineSeparator());
        }
        b.append(String.format(Locale.ROOT, "lower bound %.3f ms (work at device capacity, longest tenant's critical path); "
                + "per-tenant ms: when its last kernel ended%n", lowerBoundMs));
        return b.toString();
    }

    /** Every mechanism's run as one Chrome/Perfetto trace: {@link SimulatorJson#chromeTrace}. */
    public String chromeTrace() {
        return SimulatorJson.chromeTrace(this);
    }
}
