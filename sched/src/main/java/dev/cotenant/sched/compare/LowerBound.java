package dev.cotenant.sched.compare;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.kernel.Kernel;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.GpuStream;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.gpusim.sim.Submission;
import dev.cotenant.sched.device.Profile;
import dev.cotenant.sched.device.Timeline;
import java.util.ArrayList;
import java.util.List;

/**
 * The physical limit for a workload on a device, reported beside every policy: no schedule can
 * beat the total work spread perfectly over the whole device, nor the longest tenant's critical
 * path. Contention is ignored, which only lowers the bound. The one place both devices' bounds are
 * computed.
 */
public record LowerBound(double workMs, double criticalPathMs) {

    /**
     * On the CPU, for one round: the work is every operator at its most efficient thread count, in
     * core-time, over all cores; the path is each tenant's operators one after another, each at its
     * fastest.
     */
    public static LowerBound of(List<Profile> profiles, int cores) {
        double work = 0;
        double path = 0;
        for (Profile p : profiles) {
            for (int op = 0; op < p.ops(); op++) {
                work += p.bestCoreNanos(op);
            }
            path = Math.max(path, p.criticalPathNanos());
        }
        return new LowerBound(work / cores / 1e6, path / 1e6);
    }

    /**
     * As {@link #of(List, int)}, with every operator's fastest time also taken from the rounds in
     * {@code seen} ({@link Profile#withFastestSeen}): a profile taken through a slow spell of a
     * shared machine put the bound above a makespan that was then measured (mix (h), 2026-12-07,
     * bench/RESULTS.md). Every operator of the sequential policy runs whole, so with its rounds
     * among {@code seen} the bound is at most sequential's fastest round.
     */
    public static LowerBound of(List<Profile> profiles, int cores, List<Timeline> seen) {
        List<Profile> refined = new ArrayList<>();
        for (int t = 0; t < profiles.size(); t++) {
            refined.add(profiles.get(t).withFastestSeen(t, seen));
        }
        return of(refined, cores);
    }

    /**
     * On a simulated GPU, for {@code rounds} inferences of each tenant: the work is the larger of
     * the sum over kernels of FLOPs / (peak x the kernel's efficiency) and the sum of bytes /
     * achievable bandwidth, because concurrent kernels overlap one's arithmetic with another's
     * DRAM traffic (so not the sum of each kernel's larger part); the path is the longest tenant's
     * solo time, once per round, for the kernels as lowered (a schedule that splits kernels
     * launches different ones).
     */
    public static LowerBound onGpu(Gpu gpu, List<LoweredModel> tenants, int rounds) {
        return onGpu(gpu, tenants, rounds, Sharing.Host.DEFAULT);
    }

    /**
     * As above, each tenant's path run alone under {@code host}'s runtime: its host's enqueueing
     * (a framework's dispatch, a graph's shorter gaps) is part of the path no policy can shorten.
     */
    public static LowerBound onGpu(Gpu gpu, List<LoweredModel> tenants, int rounds, Sharing.Host host) {
        double critical = 0;
        Sharing alone = Sharing.SHARED.withHost(new Sharing.Host(host.runtime(), host.workQueues(), false));
        for (LoweredModel t : tenants) {
            Submission solo = new Submission(List.of(GpuStream.of(t.name(), 0, t.inference(host.runtime()))), alone);
            critical = Math.max(critical, rounds * Simulator.run(gpu, solo).makespanUs());
        }
        double compute = 0;
        double memory = 0;
        for (LoweredModel t : tenants) {
            for (Kernel k : t.kernels()) {
                compute += k.flops() / (gpu.smFlopsPerUs(k.unit()) * gpu.sms() * k.efficiency());
                memory += k.bytes() / gpu.dramBytesPerUs();
            }
        }
        return new LowerBound(rounds * Math.max(compute, memory) / 1e3, critical / 1e3);
    }

    public double ms() {
        return Math.max(workMs, criticalPathMs);
    }
}
