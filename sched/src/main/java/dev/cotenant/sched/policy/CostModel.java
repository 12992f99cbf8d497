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
        Replay r = new Replay(s);
        r.run();
        return new Prediction(r.now, r.tasks, r.crossWaits, r.solo, r.contention, r.idle);
    }

    /**
     * One replay of a schedule. The instructions are flattened into arrays first (kind 0 run,
     * 1 record, 2 wait; a run's work, threads and contention sensitivity), because the event loop
     * visits every stream's current instruction at each event.
     */
    private final class Replay {

        // Stream states.
        private static final int FREE = 0;
        private static final int WAITING_FOR_CORES = 1;
        private static final int RUNNING = 2;
        private static final int BLOCKED = 3;
        private static final int DONE = 4;

        private final int n;
        private final int[][] kind;
        private final int[][] arg;
        private final double[][] work;
        private final int[][] threads;
        private final double[][] sens;
        private final int[] prio;
        private final double[] eventTime;
        private final int[] pc;
        private final int[] state;
        private final double[] remaining;
        private final double[] readyAt;
        private final long[] arrival;
        private long ticket;
        private int free = cores;
        double now;
        int tasks;
        double solo;
        int crossWaits;
        double contention;
        double idle;

        Replay(Schedule s) {
            n = s.streams().size();
            kind = new int[n][];
            arg = new int[n][];
            work = new double[n][];
            threads = new int[n][];
            sens = new double[n][];
            Map<String, Integer> events = new HashMap<>();
            for (int si = 0; si < n; si++) {
                flatten(si, s.streams().get(si).instructions(), events);
            }
            prio = new int[n];
            for (int si = 0; si < n; si++) {
                prio[si] = s.streams().get(si).priority();
            }
            eventTime = new double[events.size()];
            java.util.Arrays.fill(eventTime, -1);
            pc = new int[n];
            state = new int[n];
            remaining = new double[n];
            readyAt = new double[n];
            arrival = new long[n];
        }

        /** Flattens stream {@code si}, numbering events in order of first mention. */
        private void flatten(int si, List<Instruction> ins, Map<String, Integer> events) {
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

        void run() {
            while (true) {
                settle();
                // Next event: a running task ends, or a stream's wake-up delay passes.
                int busy = cores - free;
                double next = Double.MAX_VALUE;
                boolean anyRunning = false;
                for (int si = 0; si < n; si++) {
                    if (state[si] == RUNNING) {
                        anyRunning = true;
                        next = Math.min(next, remaining[si] / rate(sens[si][pc[si]], busy - threads[si][pc[si]]));
                    } else if (state[si] == WAITING_FOR_CORES && readyAt[si] > now) {
                        next = Math.min(next, readyAt[si] - now);
                    }
                }
                if (next == Double.MAX_VALUE) {
                    break;
                }
                progress(next, busy);
                if (!anyRunning && next == 0) {
                    break;
                }
            }
        }

        /** Advances every stream that can move and grants cores, until nothing changes. */
        private void settle() {
            boolean changed = true;
            while (changed) {
                changed = false;
                for (int si = 0; si < n; si++) {
                    changed |= advance(si);
                }
                changed |= grant();
            }
        }

        /**
         * Takes stream {@code si} through its records and passable waits to its next run, which
         * then waits for cores; true when anything changed.
         */
        private boolean advance(int si) {
            boolean changed = false;
            while (state[si] == FREE || state[si] == BLOCKED) {
                if (pc[si] >= kind[si].length) {
                    state[si] = DONE;
                    break;
                }
                int k = kind[si][pc[si]];
                if (k == 1) {
                    eventTime[arg[si][pc[si]]] = Math.max(now, readyAt[si]);
                    pc[si]++;
                    state[si] = FREE;
                    changed = true;
                } else if (k == 2) {
                    double et = eventTime[arg[si][pc[si]]];
                    if (et < 0) {
                        state[si] = BLOCKED;
                        break;
                    }
                    crossWaits++;
                    readyAt[si] = Math.max(readyAt[si], et + WAKE_NANOS);
                    pc[si]++;
                    state[si] = FREE;
                    changed = true;
                } else {
                    state[si] = WAITING_FOR_CORES;
                    arrival[si] = ticket++;
                    changed = true;
                }
            }
            return changed;
        }

        /** Grants cores: highest priority first, then arrival; left-over backfill. True when any were granted. */
        private boolean grant() {
            boolean changed = false;
            while (free > 0) {
                int best = -1;
                for (int si = 0; si < n; si++) {
                    if (state[si] == WAITING_FOR_CORES && readyAt[si] <= now && threads[si][pc[si]] <= free
                            && (best < 0 || prio[si] > prio[best] || prio[si] == prio[best] && arrival[si] < arrival[best])) {
                        best = si;
                    }
                }
                if (best < 0) {
                    break;
                }
                free -= threads[best][pc[best]];
                state[best] = RUNNING;
                remaining[best] = work[best][pc[best]];
                changed = true;
            }
            return changed;
        }

        /** Lets {@code next} ns pass with {@code busy} cores busy, and ends the tasks that are done. */
        private void progress(double next, int busy) {
            idle += (double) free * next;
            for (int si = 0; si < n; si++) {
                if (state[si] == RUNNING) {
                    double r = rate(sens[si][pc[si]], busy - threads[si][pc[si]]);
                    remaining[si] -= next * r;
                    contention += next * (1 - r) * threads[si][pc[si]];
                }
            }
            now += next;
            for (int si = 0; si < n; si++) {
                if (state[si] == RUNNING && remaining[si] <= 1e-6) {
                    free += threads[si][pc[si]];
                    pc[si]++;
                    state[si] = FREE;
                    readyAt[si] = now;
                }
            }
        }
    }

    private double rate(double sensitivity, int othersBusy) {
        return 1.0 / (1.0 + sensitivity * othersBusy / cores);
    }
}
