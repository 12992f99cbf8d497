package dev.cotenant.server;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one tenant has done: Triton's per-model counters (success, failure by reason, inferences,
 * executions, cumulative request/queue/compute nanoseconds), a latency histogram for Prometheus and
 * a ring of recent latencies for the dashboard's rolling percentiles. Writers are the request and
 * scheduler threads; readers (metrics, stats, dashboard) see a consistent-enough snapshot.
 */
final class TenantStats {

    /** Histogram bucket bounds in seconds. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};
    private static final int RECENT = 8192;

    final LongAdder success = new LongAdder();
    final Map<InferError.Kind, LongAdder> failures = new EnumMap<>(InferError.Kind.class);
    final LongAdder inferences = new LongAdder();
    final LongAdder executions = new LongAdder();
    final LongAdder requestNanos = new LongAdder();
    final LongAdder failNanos = new LongAdder();
    final LongAdder queueNanos = new LongAdder();
    final LongAdder inputNanos = new LongAdder();
    final LongAdder inferNanos = new LongAdder();
    final LongAdder outputNanos = new LongAdder();
    final LongAdder[] buckets = new LongAdder[BUCKETS.length + 1];
    /** Executions and their infer time by batch size. */
    final Map<Integer, long[]> byBatch = new ConcurrentSkipListMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    volatile long lastInferenceMillis;

    private final long[] recentAt = new long[RECENT];
    private final long[] recentLatency = new long[RECENT];
    private int recentNext;

    TenantStats() {
        for (InferError.Kind k : InferError.Kind.values()) {
            failures.put(k, new LongAdder());
        }
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void success(long latencyNanos, long queue, long input, long infer, long output) {
        success.increment();
        requestNanos.add(latencyNanos);
        queueNanos.add(queue);
        inputNanos.add(input);
        inferNanos.add(infer);
        outputNanos.add(output);
        lastInferenceMillis = System.currentTimeMillis();
        double s = latencyNanos / 1e9;
        int b = 0;
        while (b < BUCKETS.length && s > BUCKETS[b]) {
            b++;
        }
        buckets[b].increment();
        synchronized (recentAt) {
            recentAt[recentNext] = System.nanoTime();
            recentLatency[recentNext] = latencyNanos;
            recentNext = (recentNext + 1) % RECENT;
        }
    }

    void failure(InferError.Kind kind, long latencyNanos) {
        failures.get(kind).increment();
        failNanos.add(latencyNanos);
    }

    void execution(int batch, int samples, long inferNs) {
        executions.increment();
        inferences.add(samples);
        byBatch.compute(batch, (k, v) -> {
            long[] a = v == null ? new long[2] : v;
            a[0]++;
            a[1] += inferNs;
            return a;
        });
    }

    long failureTotal() {
        long n = 0;
        for (LongAdder a : failures.values()) {
            n += a.sum();
        }
        return n;
    }

    /** Successes in the last {@code windowNanos} and their latency percentiles (ms) at {@code ps}. */
    Window recent(long windowNanos, double... ps) {
        long now = System.nanoTime();
        long[] lat;
        int n = 0;
        synchronized (recentAt) {
            lat = new long[RECENT];
            for (int i = 0; i < RECENT; i++) {
                if (recentAt[i] != 0 && now - recentAt[i] <= windowNanos) {
                    lat[n++] = recentLatency[i];
                }
            }
        }
        Arrays.sort(lat, 0, n);
        double[] out = new double[ps.length];
        for (int i = 0; i < ps.length; i++) {
            out[i] = n == 0 ? 0 : lat[Math.min(n - 1, (int) Math.ceil(ps[i] / 100.0 * n) - 1 < 0 ? 0 : (int) Math.ceil(ps[i] / 100.0 * n) - 1)] / 1e6;
        }
        return new Window(n, out);
    }

    /** Count of recent successes and their latency percentiles in milliseconds. */
    record Window(int count, double[] percentilesMs) {}
}
