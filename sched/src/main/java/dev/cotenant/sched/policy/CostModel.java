package dev.cotenant.sched.policy;

import dev.cotenant.sched.device.Profile;
import dev.cotenant.sched.schedule.Instruction;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.schedule.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The analytical cost model: it predicts a schedule's round makespan on the CPU device from the
 * tenants' profiles by replaying the schedule as a discrete-event simulation with the executor's
 * rules (streams in order, events, a core pool served by priority with left-over backfill).
 *
 * <p>Contention: co-running tasks share the memory system and caches. A running task progresses
 * at rate {@code 1 / (1 + c * others / cores)}, where {@code others} is the number of cores busy
 * with other tasks and {@code c} grows with the task's bytes per FLOP (memory-bound operators
 * suffer most). Each task also pays a fixed dispatch cost and each cross-stream wait a wake-up.
 * These few constants are what the learned correction ({@link Correction}) adjusts for.
 *
 * <p>The simulation also yields the features the correction is fitted on.
 */
final class CostModel {

    /** Contention sensitivity of a compute-bound task, and the extra for a memory-bound one. */
    static final double COMPUTE_CONTENTION = 0.08;
    static final double MEMORY_CONTENTION = 0.5;
    /** Bytes per FLOP at which an operator counts as fully memory-bound. */
    static final double MEMORY_BOUND_BPF = 0.5;
    static final double TASK_OVERHEAD_NANOS = 4_000;
    static final double WAKE_NANOS = 20_000;

    private final List<Profile> profiles;
    private final int cores;

    CostModel(List<Profile> profiles, int cores) {
        this.profiles = profiles;
        this.cores = cores;
    }

    /** What the simulation says about one schedule. */
    record Prediction(double makespanNanos, int tasks, int crossWaits, double soloWorkNanos, double contentionNanos, double idleCoreNanos) {

        /** Features for the learned correction: the prediction and what it may get wrong. */
        double[] features() {
            return new double[] {makespanNanos / 1e6, contentionNanos / 1e6, idleCoreNanos / 1e6};
        }
    }

    Prediction predict(Schedule s) {
        int n = s.streams().size();
        // Flatten.
        int[][] kind = new int[n][];
        int[][] arg = new int[n][];
        double[][] work = new double[n][];
        int[][] threads = new int[n][];
        double[][] sens = new double[n][];
        Map<String, Integer> events = new HashMap<>();
        int tasks = 0;
        double solo = 0;
        for (int si = 0; si < n; si++) {
            List<Instruction> ins = s.streams().get(si).instructions();
            kind[si] = new int[ins.size()];
            arg[si] = new int[ins.size()];
            work[si] = new double[ins.size()];
            threads[si] = new int[ins.size()];
            sens[si] = new double[ins.size()];
            for (int i = 0; i < ins.size(); i++) {
                switch (ins.get(i)) {
                    case Instruction.Run r -> {
                        Task t = r.task();
                        Profile p = profiles.get(t.tenant());
                        kind[si][i] = 0;
                        work[si][i] = (double) p.nanos(t.op(), Math.min(t.threads(), cores), t.parts()) / t.parts() + TASK_OVERHEAD_NANOS;
                        threads[si][i] = Math.min(t.threads(), cores);
                        double mem = Math.min(1, p.bytesPerFlop()[t.op()] / MEMORY_BOUND_BPF);
                        sens[si][i] = COMPUTE_CONTENTION + MEMORY_CONTENTION * mem;
                        solo += work[si][i];
                        tasks++;
                    }
                    case Instruction.Record r -> {
                        kind[si][i] = 1;
                        arg[si][i] = events.computeIfAbsent(r.event(), e -> events.size());
                    }
                    case Instruction.Wait w -> {
                        kind[si][i] = 2;
                        arg[si][i] = events.computeIfAbsent(w.event(), e -> events.size());
                    }
                }
            }
        }
        int[] prio = new int[n];
        for (int si = 0; si < n; si++) {
            prio[si] = s.streams().get(si).priority();
        }
        double[] eventTime = new double[events.size()];
        java.util.Arrays.fill(eventTime, -1);
        int[] pc = new int[n];
        // Per stream: 0 free to advance, 1 waiting for cores, 2 running, 3 blocked on an event, 4 done.
        int[] state = new int[n];
        double[] remaining = new double[n];
        double[] readyAt = new double[n];
        long[] arrival = new long[n];
        long ticket = 0;
        int free = cores;
        double now = 0;
        int crossWaits = 0;
        double contention = 0;
        double idle = 0;
        boolean changed = true;
        while (true) {
            // Advance every stream that can move, until nothing changes.
            while (changed) {
                changed = false;
                for (int si = 0; si < n; si++) {
                    while (state[si] == 0 || state[si] == 3) {
                        if (pc[si] >= kind[si].length) {
                            state[si] = 4;
                            break;
                        }
                        int k = kind[si][pc[si]];
                        if (k == 1) {
                            eventTime[arg[si][pc[si]]] = Math.max(now, readyAt[si]);
                            pc[si]++;
                            state[si] = 0;
                            changed = true;
                        } else if (k == 2) {
                            double et = eventTime[arg[si][pc[si]]];
                            if (et < 0) {
                                state[si] = 3;
                                break;
                            }
                            crossWaits++;
                            readyAt[si] = Math.max(readyAt[si], et + WAKE_NANOS);
                            pc[si]++;
                            state[si] = 0;
                            changed = true;
                        } else {
                            state[si] = 1;
                            arrival[si] = ticket++;
                            changed = true;
                        }
                    }
                }
                // Grant cores: highest priority first, then arrival; left-over backfill.
                while (free > 0) {
                    int best = -1;
                    for (int si = 0; si < n; si++) {
                        if (state[si] == 1 && readyAt[si] <= now && threads[si][pc[si]] <= free
                                && (best < 0 || prio[si] > prio[best] || prio[si] == prio[best] && arrival[si] < arrival[best])) {
                            best = si;
                        }
                    }
                    if (best < 0) {
                        break;
                    }
                    free -= threads[best][pc[best]];
                    state[best] = 2;
                    remaining[best] = work[best][pc[best]];
                    changed = true;
                }
            }
            // Next event: a running task ends, or a stream's wake-up delay passes.
            int busy = cores - free;
            double next = Double.MAX_VALUE;
            boolean anyRunning = false;
            for (int si = 0; si < n; si++) {
                if (state[si] == 2) {
                    anyRunning = true;
                    next = Math.min(next, remaining[si] / rate(sens[si][pc[si]], busy - threads[si][pc[si]]));
                } else if (state[si] == 1 && readyAt[si] > now) {
                    next = Math.min(next, readyAt[si] - now);
                }
            }
            if (next == Double.MAX_VALUE) {
                break;
            }
            idle += (double) free * next;
            for (int si = 0; si < n; si++) {
                if (state[si] == 2) {
                    double r = rate(sens[si][pc[si]], busy - threads[si][pc[si]]);
                    remaining[si] -= next * r;
                    contention += next * (1 - r) * threads[si][pc[si]];
                }
            }
            now += next;
            for (int si = 0; si < n; si++) {
                if (state[si] == 2 && remaining[si] <= 1e-6) {
                    free += threads[si][pc[si]];
                    pc[si]++;
                    state[si] = 0;
                    readyAt[si] = now;
                    changed = true;
                }
            }
            changed = true;
            if (!anyRunning && next == 0) {
                break;
            }
        }
        return new Prediction(now, tasks, crossWaits, solo, contention, idle);
    }

    private double rate(double sensitivity, int othersBusy) {
        return 1.0 / (1.0 + sensitivity * othersBusy / cores);
    }
}
