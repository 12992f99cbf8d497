package dev.cotenant.sched.place;

import dev.cotenant.sched.workload.Tenant;
import dev.cotenant.sched.workload.TenantPlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * Each model's service time on one CPU core: its plan at batch 1 on one thread (what the server's
 * CPU scheduler runs a single request as), timed over {@code samples} runs after a warm-up long
 * enough for the JIT to compile its kernels. The server adds request decoding and encoding on top,
 * tenths of a millisecond (bench/RESULTS.md, "REST overhead"); the placement's measurements include
 * them.
 */
public final class CpuServiceTimes {

    /** Warm-up: at least this many runs and this long, whichever ends later. */
    static final int WARMUP_RUNS = 10;
    static final long WARMUP_NANOS = 2_000_000_000L;

    private CpuServiceTimes() {}

    /** Measures every model; {@code progress} hears each model's name as it starts. */
    public static Map<String, ServiceTime> measure(List<String> models, int samples, Consumer<String> progress) {
        Map<String, ServiceTime> out = new LinkedHashMap<>();
        for (String m : models) {
            progress.accept(m);
            TenantPlan p = TenantPlan.load(new Tenant(m, 1, OptionalDouble.empty(), 0), 42);
            long start = System.nanoTime();
            for (int i = 0; i < WARMUP_RUNS || System.nanoTime() - start < WARMUP_NANOS; i++) {
                p.plan().run(p.inputs());
            }
            double[] ms = new double[samples];
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                p.plan().run(p.inputs());
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            out.put(m, ServiceTime.of(ms));
        }
        return out;
    }
}
