package dev.cotenant.gpusim.sim;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.kernel.Kernel;
import java.util.Arrays;
import java.util.List;

/**
 * The rate of every running cohort, from what it competes with: issue slots inside the SMs it
 * holds, and its bandwidth pool's DRAM bandwidth, split max-min fairly among the cohorts that
 * draw on it. The model itself is described in {@link Simulator}'s class comment; this is the
 * part of the event loop that runs each time the set of cohorts changes.
 */
final class Contention {

    private final Gpu gpu;
    private final Sms sms;
    private final double[] poolBytesPerUs;
    private final double[] poolDemand;
    private final double smBytesMax;
    private Cohort[] order = new Cohort[16];
    private double bytesRate;

    Contention(Gpu gpu, Sms sms, double[] bandwidthShares) {
        this.gpu = gpu;
        this.sms = sms;
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
            double b = kk.bytesPerBlock();
            double cap = smBytesMax * Math.min(1, c.share);
            double busy = c.computeUs + latency;
            c.demand = b <= 0 ? 0 : busy > 0 ? Math.min(cap, b / busy) : cap;
            order[i] = c;
        }
        boolean over = oversubscribed(m);
        if (over) {
            for (int p = 0; p < poolBytesPerUs.length; p++) {
                Cohort.waterFill(order, m, p, poolBytesPerUs[p]);
            }
        }
        bytesRate = 0;
        for (int i = 0; i < m; i++) {
            Cohort c = order[i];
            double b = c.k.kernel.bytesPerBlock();
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
            over |= asked[p] > poolBytesPerUs[p];
        }
        return over;
    }
}
