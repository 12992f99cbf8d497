package dev.cotenant.sched.device;

import dev.cotenant.kernels.Workers;
import dev.cotenant.ops.Cost;
import dev.cotenant.runtime.Plan;
import dev.cotenant.sched.schedule.CompactSchedule;
import dev.cotenant.sched.workload.TenantPlan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleConsumer;

/**
 * Measures each operator of each tenant alone on the CPU device: at every thread count from 1 to
 * the device's cores, and on one thread split into each factor of {@link CompactSchedule#SPLITS} it
 * allows (a split's relative cost is carried over to the other thread counts). The plan
 * is stepped in order so every operator sees real inputs. Unsplit operators are timed inside
 * whole runs of the plan, as they run in a schedule; split ones one operator at a time. Each
 * variant runs once to warm up and then {@code repeats} times, and the fastest is kept (noise
 * from other processes only adds time).
 * Operators shorter than {@link #SPLIT_FLOOR_NANOS} are not worth splitting and are not profiled split.
 */
public final class Profiler {

    static final long SPLIT_FLOOR_NANOS = 300_000;

    private final CpuDevice device;
    private final int repeats;

    public Profiler(CpuDevice device, int repeats) {
        this.device = device;
        this.repeats = Math.max(1, repeats);
    }

    /** Profiles every tenant; {@code progress} hears the fraction done. */
    public List<Profile> profile(List<TenantPlan> plans, DoubleConsumer progress) {
        List<Profile> result = new ArrayList<>();
        Workers[] pools = new Workers[device.cores() + 1];
        for (int t = 1; t <= device.cores(); t++) {
            pools[t] = Workers.create(t);
        }
        try {
            for (int i = 0; i < plans.size(); i++) {
                int index = i;
                result.add(profile(plans.get(i), pools, f -> progress.accept((index + f) / plans.size())));
            }
        } finally {
            for (Workers w : pools) {
                if (w != null) {
                    w.close();
                }
            }
        }
        return result;
    }

    /** The fastest of {@code samples.length} timed runs (after one untimed) of {@code op} in {@code parts} parts. */
    private static long fastest(Plan plan, int op, int parts, Workers workers, long[] samples) {
        for (int r = -1; r < samples.length; r++) {
            long t0 = System.nanoTime();
            for (int p = 0; p < parts; p++) {
                plan.runStepPart(op, p, parts, workers);
            }
            long dt = System.nanoTime() - t0;
            if (r >= 0) {
                samples[r] = dt;
            }
        }
        // Other processes on the machine only ever add time, so the fastest sample is the estimate.
        return Arrays.stream(samples).min().orElse(0);
    }

    /**
     * Each operator's fastest time on {@code workers} as it runs inside whole runs of the plan, one
     * untimed run and then {@link #repeats} timed ones. Timed one operator at a time instead, each
     * repeated alone, the operators of BERT-base on two threads summed to 183 ms where a whole run
     * took 171 and its steps 165 (Zen 3, 2 vCPUs): between operators run back to back the pool's
     * threads are still awake, and the critical path the lower bound is made of came out above what
     * sequential rounds measured.
     */
    private long[] inRunMinima(Plan plan, int ops, Workers workers) {
        long[] min = new long[ops];
        Arrays.fill(min, Long.MAX_VALUE);
        for (int r = -1; r < repeats; r++) {
            for (int op = 0; op < ops; op++) {
                long t0 = System.nanoTime();
                plan.runStep(op, workers);
                long dt = System.nanoTime() - t0;
                if (r >= 0) {
                    min[op] = Math.min(min[op], dt);
                }
            }
        }
        return min;
    }

    private Profile profile(TenantPlan tp, Workers[] pools, DoubleConsumer progress) {
        Plan plan = tp.plan();
        int ops = tp.ops();
        int cores = device.cores();
        // Warm the kernels up, so the first operators are not measured while still interpreted.
        for (int w = 0; w < 2; w++) {
            for (int op = 0; op < ops; op++) {
                plan.runStep(op, pools[cores]);
            }
        }
        long[][] inRun = new long[cores + 1][];
        for (int t = 1; t <= cores; t++) {
            inRun[t] = inRunMinima(plan, ops, pools[t]);
        }
        long[][][] nanos = new long[ops][cores + 1][CompactSchedule.SPLITS.length];
        long[][][] fastest = new long[ops][cores + 1][CompactSchedule.SPLITS.length];
        double[] bpf = new double[ops];
        long[] flops = new long[ops];
        List<String> names = new ArrayList<>();
        long[] samples = new long[repeats];
        for (int op = 0; op < ops; op++) {
            Cost c = plan.steps().get(op).op().cost();
            flops[op] = c.flops();
            bpf[op] = c.flops() == 0 ? 1e9 : (double) c.bytes() / c.flops();
            names.add(plan.steps().get(op).node().opType());
            int max = plan.steps().get(op).op().maxParts();
            for (int t = 0; t <= cores; t++) {
                Arrays.fill(nanos[op][t], -1);
                Arrays.fill(fastest[op][t], -1);
            }
            // Unsplit at every thread count, from whole runs; split only on one thread, the others estimated below.
            for (int t = 1; t <= cores; t++) {
                nanos[op][t][0] = inRun[t][op];
            }
            for (int k = 1; k < CompactSchedule.SPLITS.length; k++) {
                int parts = CompactSchedule.SPLITS[k];
                if (parts > max || nanos[op][1][0] < SPLIT_FLOOR_NANOS) {
                    continue;
                }
                nanos[op][1][k] = fastest(plan, op, parts, pools[1], samples);
                // Splitting costs about the same share of time at any thread count.
                double overhead = (double) nanos[op][1][k] / Math.max(1, nanos[op][1][0]);
                for (int t = 2; t <= cores; t++) {
                    nanos[op][t][k] = (long) (nanos[op][t][0] * overhead);
                }
            }
            for (int t = 0; t <= cores; t++) {
                fastest[op][t] = nanos[op][t].clone();
            }
            progress.accept((op + 1.0) / ops);
        }
        return new Profile(tp.tenant().label(), names, nanos, bpf, flops, fastest);
    }
}
