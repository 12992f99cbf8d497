package dev.cotenant.sched.compare;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.kernel.Kernel;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.GpuStream;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.sched.device.Profile;
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
     * On a simulated GPU, for {@code rounds} inferences of each tenant: the work is the larger of
     * the sum over kernels of FLOPs / (peak x the kernel's efficiency) and the sum of bytes /
     * achievable bandwidth, because concurrent kernels overlap one's arithmetic with another's
     * DRAM traffic (so not the sum of each kernel's larger part); the path is the longest tenant's
     * solo time, once per round, for the kernels as lowered (a schedule that splits kernels
     * launches different ones).
     */
    public static LowerBound onGpu(Gpu gpu, List<LoweredModel> tenants, int rounds) {
        double critical = 0;
        for (LoweredModel t : tenants) {
            critical = Math.max(critical, rounds * Simulator.solo(gpu, GpuStream.of(t.name(), 0, t.launches())).makespanUs());
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
