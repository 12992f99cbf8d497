package dev.cotenant.gpusim.sim;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.kernel.Kernel;
/** A kernel launch in flight on the simulated device: which blocks are out, which are done. */
final class Launched {

    final Kernel kernel;
    final int stream;
    final int item;
    final long seq;
    final int priority;
    final int context;
    final int smFirst;
    final int smCount;
    final int pool;
    final int warpsPerBlock;
    final int regsPerBlock;
    final int smemPerBlock;
    /** One block's compute time with a whole SM to itself, in microseconds. */
    final double fullSmUs;
    final int blocksPerEmptySm;
    /** Resident blocks of this kernel per SM (a pooled row, held while the kernel runs). */
    int[] onSm;
    int smsHeld;
    long residentWarps;
    /** Release-log position when it was last left with blocks it could not place; -1 if none. */
    long seenLog = -1;
    /** DRAM bytes per microsecond all its cohorts ask for, while rates are worked out (interference). */
    double traffic;
    int dispatched;
    int finished;
    double start = -1;

    Launched(Kernel kernel, int stream, int item, long seq, GpuStream s, Gpu gpu) {
        this.kernel = kernel;
        this.stream = stream;
        this.item = item;
        this.seq = seq;
        this.priority = s.priority();
        this.context = s.context();
        this.smFirst = s.smCount() == 0 ? 0 : s.smFirst() % gpu.sms();
        this.smCount = s.smCount() == 0 ? gpu.sms() : Math.min(s.smCount(), gpu.sms());
        this.pool = s.bandwidthPool();
        this.warpsPerBlock = kernel.warps();
        this.regsPerBlock = kernel.registersPerBlock(gpu);
        this.smemPerBlock = kernel.sharedMemoryPerBlock();
        this.blocksPerEmptySm = kernel.blocksPerSm(gpu);
        this.fullSmUs = kernel.flopsPerBlock() / (gpu.smFlopsPerUs(kernel.unit()) * kernel.efficiency());
    }

    /** Whether the two launches' SM ranges (on the ring of {@code ring} SMs) share an SM. */
    boolean overlaps(Launched o, int ring) {
        return Math.floorMod(o.smFirst - smFirst, ring) < smCount || Math.floorMod(smFirst - o.smFirst, ring) < o.smCount;
    }
}
