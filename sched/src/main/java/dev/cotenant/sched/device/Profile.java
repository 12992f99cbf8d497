package dev.cotenant.sched.device;

import dev.cotenant.sched.schedule.CompactSchedule;
import dev.cotenant.sched.schedule.Task;
import java.util.List;

/**
 * One tenant's operators measured alone on the device. {@code nanos[op][threads][k]} is the time
 * to run the whole operator split into {@link CompactSchedule#SPLITS}[k] parts (all parts, one after
 * another) on {@code threads} threads (index 0 unused), or -1 where it was not profiled that way
 * (it cannot be split so far, or is too short to be worth it). {@code bytesPerFlop} is its memory traffic per unit of work, for the contention model.
 */
public record Profile(String tenant, List<String> opNames, long[][][] nanos, double[] bytesPerFlop, long[] flops, long[][][] fastest) {

    public int ops() {
        return nanos.length;
    }

    /** Time of operator {@code op} on {@code threads} threads, split {@code parts} ways (parts a value of SPLITS). */
    public long nanos(int op, int threads, int parts) {
        long v = nanos[op][threads][splitIndex(parts)];
        // Operators too short to be worth profiling split cost about the same whole or split.
        return v >= 0 ? v : nanos[op][threads][0];
    }

    static int splitIndex(int parts) {
        for (int k = 0; k < CompactSchedule.SPLITS.length; k++) {
            if (CompactSchedule.SPLITS[k] == parts) {
                return k;
            }
        }
        throw new IllegalArgumentException("split factor " + parts + " is not one of the profiled ones");
    }

    /** The fastest time of {@code op} alone, at any thread count, unsplit (fastest sample, for the lower bound). */
    public long bestNanos(int op) {
        long best = Long.MAX_VALUE;
        for (int t = 1; t < fastest[op].length; t++) {
            best = Math.min(best, fastest[op][t][0]);
        }
        return best;
    }

    /** The least core-time {@code op} needs (time x threads, at its most efficient thread count; fastest samples). */
    public double bestCoreNanos(int op) {
        double best = Double.MAX_VALUE;
        for (int t = 1; t < fastest[op].length; t++) {
            best = Math.min(best, (double) fastest[op][t][0] * t);
        }
        return best;
    }

    /**
     * How many cores the operator can use: its one-thread time over its time on all cores (1 for an
     * operator that does not scale, the core count for one that scales perfectly).
     */
    public double demand(int op) {
        int cores = nanos[op].length - 1;
        return (double) nanos[op][1][0] / Math.max(1, nanos[op][cores][0]);
    }

    /**
     * This profile with each operator's fastest times also taken from what tenant {@code tenant}
     * ran in {@code timelines}: a task that ran an operator unsplit on t threads is one more sample
     * of its time on t threads. Running beside other tenants only slows an operator down, so the
     * fewest nanoseconds seen anywhere are still no less than its fastest time, and nearer to it
     * than a profile taken while the machine was slow. The measured times ({@link #nanos}) are
     * left as profiled: they are what a schedule is planned with.
     */
    public Profile withFastestSeen(int tenant, List<Timeline> timelines) {
        long[][][] seen = new long[fastest.length][][];
        for (int op = 0; op < seen.length; op++) {
            seen[op] = new long[fastest[op].length][];
            for (int t = 0; t < fastest[op].length; t++) {
                seen[op][t] = fastest[op][t].clone();
            }
        }
        for (Timeline tl : timelines) {
            for (int i = 0; i < tl.tasks().size(); i++) {
                Task task = tl.tasks().get(i);
                if (task.tenant() != tenant || task.parts() != 1 || task.op() >= seen.length || task.threads() >= seen[task.op()].length) {
                    continue;
                }
                long[] at = seen[task.op()][task.threads()];
                for (int r = 0; r < tl.rounds(); r++) {
                    long d = tl.end()[r][i] - tl.start()[r][i];
                    if (d > 0 && (at[0] < 0 || d < at[0])) {
                        at[0] = d;
                    }
                }
            }
        }
        return new Profile(tenant(), opNames, nanos, bytesPerFlop, flops, seen);
    }

    /** Sum of the best solo times: the tenant alone, one operator after another. */
    public long criticalPathNanos() {
        long sum = 0;
        for (int op = 0; op < ops(); op++) {
            sum += bestNanos(op);
        }
        return sum;
    }
}
