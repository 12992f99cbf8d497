package dev.cotenant.sched.place;

import dev.cotenant.sched.workload.Tenant;
import dev.cotenant.sched.workload.TenantPlan;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * Each model's service time on one CPU core: its plan at batch 1 on one thread (what the server's
 * CPU scheduler runs a single request as), timed over {@code samples} runs after a warm-up long
 * enough for the JIT to compile its kernels.
 *
 * <p>Each timed run starts with cold caches: a server whose requests arrive apart, between other
 * models' requests, finds its weights evicted, and back-to-back runs in a loop (what {@code run
 * --repeat} times) keep them in the last-level cache. On a Zen 3 core MobileNetV2 took 12 ms in a
 * loop and 17-26 ms of compute per request in a server pinned to the same core at 2 requests a
 * second beside EfficientNet-B0 (bench/RESULTS.md, "Placement"). So before each timed run the
 * measurement streams through {@link #EVICT_BYTES}, more than the last-level caches of the CPUs
 * this engine runs on.
 */
public final class CpuServiceTimes {

    /** Warm-up: at least this many runs and this long, whichever ends later. */
    static final int WARMUP_RUNS = 10;
    static final long WARMUP_NANOS = 2_000_000_000L;

    /** Passes over all the models, each taking a share of the samples. */
    static final int PASSES = 3;

    /** Keeps the eviction loops' results alive: a volatile write the JIT cannot drop. */
    private static volatile long sink;

    /** Bytes streamed through before each timed run to evict the caches: above a 32 MiB L3, and a 64 MiB one's half. */
    static final int EVICT_BYTES = 96 << 20;

    private CpuServiceTimes() {}

    /** A pass spread above this says the host's speed moved while measuring (a plain core keeps within 10-20%). */
    public static final double UNSTEADY_SPREAD = 1.5;

    /**
     * What was measured: each model's service time over all passes, and how far apart its passes
     * were, as the slowest pass's mean over the quickest's.
     */
    public record Measured(Map<String, ServiceTime> times, Map<String, Double> passSpread) {

        public Measured {
            times = Map.copyOf(times);
            passSpread = Map.copyOf(passSpread);
        }

        /** The model whose passes were furthest apart, or null with no models. */
        public String unsteadiest() {
            return passSpread.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        }

        /** Whether some model's passes differ by more than {@link #UNSTEADY_SPREAD}: the host's speed moved. */
        public boolean unsteady() {
            String m = unsteadiest();
            return m != null && passSpread.get(m) > UNSTEADY_SPREAD;
        }
    }

    /** Reads and writes every cache line of a buffer larger than the caches; returns a value so the JIT keeps the loop. */
    private static long evict(long[] buffer) {
        long sum = 0;
        for (int i = 0; i < buffer.length; i += 8) {
            buffer[i] += 1;
            sum += buffer[i];
        }
        return sum;
    }

    /**
     * Measures every model; {@code progress} hears each model's name as it starts. The {@code samples}
     * runs of a model are taken in {@link #PASSES} passes over all the models, and all of them count.
     * A plan is about sustained capacity: on a shared virtual machine whose speed drops by half for
     * seconds at a time (bench/RESULTS.md, "The host's noise") a server meets those phases too, and
     * a plan from the quietest pass alone put a device at 68% busy that ran ResNet-50 at 120-135 ms
     * in one second and 250 in the next, its queue past the SLO (bench/RESULTS.md, "Placement").
     * Spreading the samples over passes spreads them over the phases, so a single slow (or quiet)
     * stretch does not decide the plan.
     */
    public static Measured measure(List<String> models, int samples, Consumer<String> progress) {
        long[] buffer = new long[EVICT_BYTES / Long.BYTES];
        Map<String, TenantPlan> plans = new LinkedHashMap<>();
        for (String m : models) {
            progress.accept(m);
            TenantPlan p = TenantPlan.load(new Tenant(m, 1, OptionalDouble.empty(), 0), 42);
            long start = System.nanoTime();
            for (int i = 0; i < WARMUP_RUNS || System.nanoTime() - start < WARMUP_NANOS; i++) {
                p.plan().run(p.inputs());
            }
            plans.put(m, p);
        }
        int perPass = Math.max(1, (samples + PASSES - 1) / PASSES);
        Map<String, double[]> all = new LinkedHashMap<>();
        Map<String, double[]> passMeans = new LinkedHashMap<>();
        for (int pass = 0; pass < PASSES; pass++) {
            for (var e : plans.entrySet()) {
                double[] t = timed(e.getValue(), perPass, buffer);
                all.merge(e.getKey(), t, CpuServiceTimes::concat);
                passMeans.merge(e.getKey(), new double[] {ServiceTime.of(t).meanMs()}, CpuServiceTimes::concat);
            }
        }
        Map<String, ServiceTime> out = new LinkedHashMap<>();
        all.forEach((m, t) -> out.put(m, ServiceTime.of(t)));
        Map<String, Double> spread = new LinkedHashMap<>();
        passMeans.forEach((m, means) -> spread.put(m, Arrays.stream(means).max().orElse(1) / Arrays.stream(means).min().orElse(1)));
        return new Measured(out, spread);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** {@code n} runs of {@code p}, each after evicting the caches, in milliseconds. */
    private static double[] timed(TenantPlan p, int n, long[] buffer) {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            sink += evict(buffer);
            long t0 = System.nanoTime();
            p.plan().run(p.inputs());
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }
}
