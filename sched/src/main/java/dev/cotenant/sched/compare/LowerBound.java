package dev.cotenant.sched.compare;

import dev.cotenant.sched.device.Profile;
import java.util.List;

/**
 * The physical limit for one round of a workload on a device: no schedule can beat the total work
 * (every operator at its most efficient thread count, in core-time) spread perfectly over all
 * cores, nor the longest tenant's critical path (its operators one after another, each at its
 * fastest). Contention is ignored, which only lowers the bound.
 */
public record LowerBound(double workMs, double criticalPathMs) {

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

    public double ms() {
        return Math.max(workMs, criticalPathMs);
    }
}
