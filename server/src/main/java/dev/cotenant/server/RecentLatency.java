package dev.cotenant.server;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * A tenant's recent end-to-end latencies (the last {@link #WINDOW} completed requests of the last
 * {@link #MAX_AGE_NANOS}) and their 99th percentile: what its clients have actually been getting,
 * which SLO admission weighs against its own prediction.
 *
 * <p>Why the outcome and not only the prediction: the regulator's prediction (the samples ahead,
 * at the measured time per sample, stretched by the tenants sharing the cores) is right about
 * overload, where it keeps admitted requests within their SLO, and pessimistic below it, where it
 * refused 3-4% of resnet18's requests at 70% load while that tenant's p99 was under half its SLO.
 * Whether the device has slack shows in what requests get. Attempts to correct the prediction by
 * its recent errors instead (a quantile of measured minus predicted, also per prediction length)
 * admitted more at twice the capacity and let every tenant's admitted p99 past its SLO: under
 * sustained overload the errors come in bursts the last seconds do not foresee
 * (bench/RESULTS.md, "Admission, model warm-up and searched round schedules").
 *
 * <p>Latencies of a tenant's first {@link #WARMUP_NANOS} of completions are not kept (a fresh
 * server's first requests may still meet cold kernels), and with fewer than {@link #MIN_SAMPLES}
 * recent ones there is no percentile. Thread-safe; the percentile is recomputed every
 * {@link #REFRESH} observations, not per request.
 */
final class RecentLatency {

    static final int WINDOW = 256;
    static final int REFRESH = 16;
    /** Fewer recent latencies than this and no percentile is given. */
    static final int MIN_SAMPLES = 32;
    /** Completions this soon after the first one are not kept. */
    static final long WARMUP_NANOS = 3_000_000_000L;
    /** Latencies older than this are forgotten: at 9 requests a second, about 45 of them. */
    static final long MAX_AGE_NANOS = 5_000_000_000L;

    private final double quantile;
    private final long warmupNanos;
    private final double[] latencies = new double[WINDOW];
    private final long[] times = new long[WINDOW];
    private long first = Long.MIN_VALUE;
    private int count;
    private int next;
    private int sinceRefresh;
    private double value = Double.NaN;
    private long latest;

    RecentLatency() {
        this(0.99, WARMUP_NANOS);
    }

    /**
     * @param quantile    the quantile given, in (0, 1)
     * @param warmupNanos how long after the first completion latencies start to be kept
     */
    RecentLatency(double quantile, long warmupNanos) {
        if (!(quantile > 0 && quantile < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), got " + quantile);
        }
        this.quantile = quantile;
        this.warmupNanos = warmupNanos;
    }

    /** Records a request that completed at {@code nowNanos} after {@code latencyNanos}. */
    synchronized void observe(double latencyNanos, long nowNanos) {
        if (first == Long.MIN_VALUE) {
            first = nowNanos;
        }
        if (nowNanos - first < warmupNanos) {
            return;
        }
        latencies[next] = latencyNanos;
        times[next] = nowNanos;
        next = (next + 1) % WINDOW;
        count = Math.min(WINDOW, count + 1);
        latest = nowNanos;
        if (++sinceRefresh >= REFRESH) {
            sinceRefresh = 0;
            double[] recent = new double[count];
            int n = 0;
            for (int i = 0; i < count; i++) {
                if (nowNanos - times[i] <= MAX_AGE_NANOS) {
                    recent[n++] = latencies[i];
                }
            }
            if (n < MIN_SAMPLES) {
                value = Double.NaN;
                return;
            }
            Arrays.sort(recent, 0, n);
            value = recent[Math.min(n - 1, (int) Math.ceil(quantile * n) - 1)];
        }
    }

    /** The quantile of recent latencies, or empty while too few are known or none completed lately. */
    synchronized OptionalDouble quantile(long nowNanos) {
        return Double.isNaN(value) || nowNanos - latest > MAX_AGE_NANOS ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
}
