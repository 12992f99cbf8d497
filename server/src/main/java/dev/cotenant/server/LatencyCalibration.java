package dev.cotenant.server;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * How wrong a tenant's latency predictions have been lately: the errors (measured latency minus
 * the latency predicted when the request was admitted) of its last {@link #WINDOW} completed
 * requests, and a high quantile of them that admission adds to the next prediction.
 *
 * <p>Why: the regulator predicts a request's latency from its own tenant's queue and measured
 * compute, which is cheap and usually right in shape, but it does not see everything: a batch of
 * another tenant holding the cores the request will need, the host's own noise, batching that
 * makes a queue drain faster than sample by sample. A fixed margin (refuse past half the SLO) is
 * too tight when the prediction is pessimistic, refusing requests that would have made it, and too
 * loose when it is optimistic. The recent errors say which, per tenant, and the quantile makes the
 * rule "refuse when the prediction, as wrong as the worst few percent of recent ones, misses".
 *
 * <p>The errors are additive (nanoseconds), not ratios: a wait the model does not see at all (a
 * prediction of zero that waited 40 ms for a core) is exactly what must show up. Thread-safe; the
 * quantile is recomputed every {@link #REFRESH} observations, not per request.
 *
 * <p>Errors older than {@link #MAX_AGE_NANOS} do not count, and with too few recent ones there is
 * no margin. This is what keeps a bad spell from lasting: a margin only updates when requests
 * complete, and a large one (the first requests of a tenant, while its kernels compile, took
 * seconds) refuses the requests that would update it. In a trial run before this rule, the warm-up's
 * errors refused every later request of every tenant. For the same reason the errors of a tenant's
 * first {@link #WARMUP_NANOS} of completions are not kept at all: a fresh server's first requests
 * wait seconds behind kernels that still run interpreted, which says nothing about the next minute
 * (measured: errors of +4 to +7 s at the start of every run, margins that refused 5% of resnet18's
 * requests at 70% load).
 */
final class LatencyCalibration {

    static final int WINDOW = 256;
    static final int REFRESH = 16;
    /** Fewer errors than this and no quantile is given: admission keeps its fixed rule. */
    static final int MIN_SAMPLES = 32;
    /** Completions this long after the first one are not kept: the kernels are still compiling. */
    static final long WARMUP_NANOS = 10_000_000_000L;
    /** Errors older than this are forgotten: at 9 requests a second, 45 of them. */
    static final long MAX_AGE_NANOS = 5_000_000_000L;

    private final double quantile;
    private final double[] errors = new double[WINDOW];
    private final long[] times = new long[WINDOW];
    private final long warmupNanos;
    private long first = Long.MIN_VALUE;
    private int count;
    private int next;
    private int sinceRefresh;
    private volatile double margin = Double.NaN;
    private volatile long latest;

    /** @param quantile the quantile of recent errors given as the margin, in (0, 1) */
    LatencyCalibration(double quantile) {
        this(quantile, WARMUP_NANOS);
    }

    /** @param warmupNanos how long after the first completion errors start to be kept */
    LatencyCalibration(double quantile, long warmupNanos) {
        this.warmupNanos = warmupNanos;
        if (!(quantile > 0 && quantile < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), got " + quantile);
        }
        this.quantile = quantile;
    }

    /**
     * Records one completed request, at {@code nowNanos}: it took {@code measuredNanos};
     * {@code predictedNanos} was predicted.
     */
    synchronized void observe(double predictedNanos, double measuredNanos, long nowNanos) {
        if (first == Long.MIN_VALUE) {
            first = nowNanos;
        }
        if (nowNanos - first < warmupNanos) {
            return;
        }
        errors[next] = measuredNanos - predictedNanos;
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
                    recent[n++] = errors[i];
                }
            }
            if (n < MIN_SAMPLES) {
                margin = Double.NaN;
                return;
            }
            Arrays.sort(recent, 0, n);
            margin = recent[Math.min(n - 1, (int) Math.ceil(quantile * n) - 1)];
        }
    }

    /**
     * The quantile of recent errors in nanoseconds (negative: predictions ran long), or empty
     * while too few are known or none completed in the last {@link #MAX_AGE_NANOS}.
     */
    OptionalDouble margin(long nowNanos) {
        double m = margin;
        return Double.isNaN(m) || nowNanos - latest > MAX_AGE_NANOS ? OptionalDouble.empty() : OptionalDouble.of(m);
    }
}
