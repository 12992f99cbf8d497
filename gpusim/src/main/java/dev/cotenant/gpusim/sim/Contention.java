package dev.cotenant.gpusim.sim;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Interference;
import dev.cotenant.gpusim.kernel.Kernel;
import java.util.Arrays;
import java.util.List;

/**
 * The rate of every running cohort, from what it competes with: issue slots inside the SMs it
 * holds, and its bandwidth pool's DRAM bandwidth, split max-min fairly among the cohorts that
 * draw on it. The model itself is described in {@link Simulator}'s class comment; this is the
 * part of the event loop that runs each time the set of cohorts changes.
 *
 * <h2>Interference (when a simulation asks for it)</h2>
 * Splitting the bandwidth is not all co-running kernels do to each other. Two effects are modelled,
 * with the device sheet's {@link Interference} figures:
 * <ul>
 *   <li><b>L2.</b> A kernel's DRAM bytes, as lowered, assume it has the L2 to itself. Beside other
 *       kernels, their lines evict its own, and it reads again from DRAM what it would have found in
 *       L2: its bytes grow by {@code l2 x (others' share of the pool's traffic)}. A kernel among
 *       heavy neighbours thus pays more DRAM time, and adds to the traffic everyone shares.</li>
 *   <li><b>DRAM.</b> Interleaved access streams of unrelated kernels break each other's row-buffer
 *       locality: a pool delivers {@code 1 - dram x min(1, 2 x (1 - largest kernel's share))} of its
 *       bandwidth: all of it when one kernel draws the traffic, {@code 1 - dram} from two equal ones
 *       on (locality once lost is lost; more streams take little more).</li>
 * </ul>
 * Kernels of one stream never run at once, so "others" are always other streams' kernels. With
 * interference off, the rates are those of the bandwidth model alone, bit for bit.
 */
final class Contention {

    private final Gpu gpu;
    private final Sms sms;
    private final double[] poolBytesPerUs;
    private final double[] poolDemand;
    private final double smBytesMax;
    /** Interference figures, or null when the simulation asks for none (or the sheet has none). */
    private final Interference interference;
    private final double[] poolTraffic;
    private final double[] poolLargest;
    private final double[] poolCapacity;
    private Cohort[] order = new Cohort[16];
    private double bytesRate;

    Contention(Gpu gpu, Sms sms, double[] bandwidthShares, boolean interfere) {
        this.gpu = gpu;
        this.sms = sms;
        this.interference = interfere && !gpu.interference().none() ? gpu.interference() : null;
        poolTraffic = new double[bandwidthShares.length];
        poolLargest = new double[bandwidthShares.length];
        poolCapacity = new double[bandwidthShares.length];
        poolBytesPerUs = new double[bandwidthShares.length];
        for (int p = 0; p < bandwidthShares.length; p++) {
            poolBytesPerUs[p] = gpu.dramBytesPerUs() * bandwidthShares[p];
        }
        poolDemand = new double[bandwidthShares.length];
        smBytesMax = gpu.dramBytesPerUs() / gpu.sms() * gpu.smBandwidthSharesMax();
    }

    /** DRAM bytes per µs the cohorts drew at the rates last set. */
    double bytesRate() {
        return bytesRate;
    }

    /** Re-evaluates every cohort's rate at {@code now}, after the running set changed. */
    void rate(List<Cohort> cohorts, double now) {
        int m = cohorts.size();
        if (m == 0) {
            return;
        }
        double wocc = sms.occupied == 0 ? 0 : (double) sms.totalWarps / sms.occupied;
        double denom = Math.max(gpu.warpsToSaturate(), wocc);
        double latency = gpu.blockLatencyUs();
        if (order.length < m) {
            order = new Cohort[Math.max(m, 2 * order.length)];
        }
        for (int i = 0; i < m; i++) {
            Cohort c = cohorts.get(i);
            // Progress is brought up to date only here, when rates change; between changes each
            // cohort's finish time stays valid.
            c.left -= c.rate * (now - c.since);
            c.since = now;
            Kernel kk = c.k.kernel;
            // A kernel's blocks compete at least with each other on the SMs they hold, so sparse
            // neighbours elsewhere never make it faster than it runs alone.
            double own = (double) c.k.residentWarps / c.k.smsHeld;
            c.share = c.k.warpsPerBlock / Math.max(denom, own);
            double f = kk.flopsPerBlock();
            c.computeUs = f > 0 ? c.k.fullSmUs / c.share : 0;
            c.bytes = kk.bytesPerBlock();
            c.demand = demand(c, c.bytes, latency);
            order[i] = c;
        }
        System.arraycopy(poolBytesPerUs, 0, poolCapacity, 0, poolCapacity.length);
        if (interference != null) {
            interfere(m, latency);
        }
        boolean over = oversubscribed(m);
        if (over) {
            for (int p = 0; p < poolCapacity.length; p++) {
                Cohort.waterFill(order, m, p, poolCapacity[p]);
            }
        }
        bytesRate = 0;
        for (int i = 0; i < m; i++) {
            Cohort c = order[i];
            double b = c.bytes;
            if (!over) {
                c.bytesPerUs = c.demand;
            }
            double memUs = b > 0 ? b / c.bytesPerUs : 0;
            double t = Math.max(c.computeUs, memUs) + latency;
            c.rate = 1 / Math.max(t, 1e-6);
            c.finishAt = now + Math.max(0, c.left) / c.rate;
            bytesRate += c.blocks * b * c.rate;
        }
    }

    /** DRAM bytes per microsecond one block of {@code c} asks for: its bytes over its compute time, capped per SM. */
    private double demand(Cohort c, double b, double latency) {
        double cap = smBytesMax * Math.min(1, c.share);
        double busy = c.computeUs + latency;
        return b <= 0 ? 0 : busy > 0 ? Math.min(cap, b / busy) : cap;
    }

    /**
     * Applies interference to the first {@code m} cohorts of {@code order}: each kernel's bytes grow
     * with the others' share of its pool's traffic (L2), and each pool loses bandwidth as the
     * traffic spreads over kernels (DRAM). Traffic is counted per kernel: its cohorts together.
     */
    private void interfere(int m, double latency) {
        java.util.Arrays.fill(poolTraffic, 0);
        java.util.Arrays.fill(poolLargest, 0);
        for (int i = 0; i < m; i++) {
            order[i].k.traffic = 0;
        }
        for (int i = 0; i < m; i++) {
            Cohort c = order[i];
            c.k.traffic += c.demand * c.blocks;
            poolTraffic[c.k.pool] += c.demand * c.blocks;
        }
        for (int i = 0; i < m; i++) {
            Launched k = order[i].k;
            poolLargest[k.pool] = Math.max(poolLargest[k.pool], k.traffic);
        }
        for (int i = 0; i < m; i++) {
            Cohort c = order[i];
            double total = poolTraffic[c.k.pool];
            if (total > 0 && c.bytes > 0) {
                c.bytes *= 1 + interference.l2() * (total - c.k.traffic) / total;
                c.demand = demand(c, c.bytes, latency);
            }
        }
        for (int p = 0; p < poolCapacity.length; p++) {
            if (poolTraffic[p] > 0) {
                double spread = 1 - poolLargest[p] / poolTraffic[p];
                // Locality is lost once two access streams interleave; more streams lose little more.
                poolCapacity[p] = poolBytesPerUs[p] * (1 - interference.dram() * Math.min(1, 2 * spread));
            }
        }
    }

    /**
     * Whether the first {@code m} cohorts of {@code order} ask some pool for more than it has:
     * water filling needs the cohorts by demand only then.
     */
    private boolean oversubscribed(int m) {
        double[] asked = poolDemand;
        Arrays.fill(asked, 0);
        for (int i = 0; i < m; i++) {
            asked[order[i].k.pool] += order[i].demand * order[i].blocks;
        }
        boolean over = false;
        for (int p = 0; p < asked.length; p++) {
            over |= asked[p] > poolCapacity[p];
        }
        return over;
    }
}
