package dev.cotenant.server.serving;

import dev.cotenant.server.protocol.InferError;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one served model has done: Triton's per-model counters (success, failure by reason, and
 * apart from failures the client errors by reason, inferences, executions, cumulative request/queue/compute nanoseconds), a latency histogram for
 * Prometheus and a ring of recent latencies for the dashboard's rolling percentiles. Writers are the
 * request and scheduler threads; readers (metrics, statistics, dashboard) see a consistent-enough
 * snapshot.
 */
public final class ModelStats {

    /** Histogram bucket bounds in seconds. */
    private static final double[] BUCKETS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};
    private static final int RECENT = 8192;

    private final LongAdder success = new LongAdder();
    private final Map<InferError.Kind, LongAdder> failures = new EnumMap<>(InferError.Kind.class);
    private final LongAdder inferences = new LongAdder();
    private final LongAdder executions = new LongAdder();
    private final LongAdder requestNanos = new LongAdder();
    private final LongAdder failNanos = new LongAdder();
    private final LongAdder queueNanos = new LongAdder();
    private final LongAdder inputNanos = new LongAdder();
    private final LongAdder inferNanos = new LongAdder();
    private final LongAdder outputNanos = new LongAdder();
    private final LongAdder[] buckets = new LongAdder[BUCKETS.length + 1];
    /** Executions and their infer time by batch size. */
    private final Map<Integer, long[]> byBatch = new ConcurrentSkipListMap<>();
    /** Requests {@link RequestState#RUNNING}; only {@link InferRequest#moveTo} changes it. */
    final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastInferenceMillis;

    private final long[] recentAt = new long[RECENT];
    private final long[] recentLatency = new long[RECENT];
    private int recentNext;

    ModelStats() {
        for (InferError.Kind k : InferError.Kind.values()) {
            failures.put(k, new LongAdder());
        }
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Counts an answered request: its end-to-end latency and where the time went. */
    void answered(long latencyNanos, long queue, long input, long infer, long output) {
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

    /**
     * Counts a request that ended without an answer: a failure of the server, or a client error
     * ({@link InferError.Kind#clientError}: a bad request, which the fronts count here when they
     * refuse it before it is decoded whole), kept apart so that failures mean the server's own.
     */
    public void failure(InferError.Kind kind, long latencyNanos) {
        failures.get(kind).increment();
        if (!kind.clientError()) {
            failNanos.add(latencyNanos);
        }
    }

    /** Counts one execution: a batch of {@code batch} rows holding {@code samples} samples, run in {@code inferNs}. */
    void execution(int batch, int samples, long inferNs) {
        executions.increment();
        inferences.add(samples);
        synchronized (byBatch) { // instances of one model end batches at the same time; the arrays are updated in place
            long[] a = byBatch.computeIfAbsent(batch, k -> new long[2]);
            a[0]++;
            a[1] += inferNs;
        }
    }

    public long successes() {
        return success.sum();
    }

    public long failures(InferError.Kind kind) {
        return failures.get(kind).sum();
    }

    /** Requests the server failed (client errors not counted). */
    public long failureTotal() {
        long n = 0;
        for (Map.Entry<InferError.Kind, LongAdder> e : failures.entrySet()) {
            n += e.getKey().clientError() ? 0 : e.getValue().sum();
        }
        return n;
    }

    /** Requests refused because the client asked wrongly. */
    public long clientErrors() {
        long n = 0;
        for (Map.Entry<InferError.Kind, LongAdder> e : failures.entrySet()) {
            n += e.getKey().clientError() ? e.getValue().sum() : 0;
        }
        return n;
    }

    /** Inferences performed: a batch of n samples counts n. */
    public long inferences() {
        return inferences.sum();
    }

    /** Model executions (batches) performed. */
    public long executions() {
        return executions.sum();
    }

    /** Cumulative end-to-end nanoseconds of successful requests. */
    public long requestNanos() {
        return requestNanos.sum();
    }

    /** Cumulative nanoseconds of requests the server failed. */
    public long failNanos() {
        return failNanos.sum();
    }

    public long queueNanos() {
        return queueNanos.sum();
    }

    public long inputNanos() {
        return inputNanos.sum();
    }

    public long inferNanos() {
        return inferNanos.sum();
    }

    public long outputNanos() {
        return outputNanos.sum();
    }

    /** Upper bounds of the latency histogram's buckets in seconds; one more bucket holds the rest. */
    public static List<Double> bucketBounds() {
        return Arrays.stream(BUCKETS).boxed().toList();
    }

    /** Successful requests in latency bucket {@code i} (not cumulative), {@code i} up to {@code bucketBounds().size()}. */
    public long bucket(int i) {
        return buckets[i].sum();
    }

    /** Per batch size: executions and their cumulative infer nanoseconds, a copy. */
    public Map<Integer, long[]> byBatch() {
        Map<Integer, long[]> out = new TreeMap<>();
        synchronized (byBatch) {
            byBatch.forEach((k, v) -> out.put(k, v.clone()));
        }
        return out;
    }

    /** Requests running now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Wall-clock milliseconds of the last success (0: none yet). */
    public long lastInferenceMillis() {
        return lastInferenceMillis;
    }

    /** Successes in the last {@code windowNanos} and their latency percentiles (ms) at {@code ps}. */
    public Window recent(long windowNanos, double... ps) {
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
    public record Window(int count, double[] percentilesMs) {}
}
