package dev.cotenant.server;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * How wrong a tenant's latency predictions have been lately, by how long the prediction was: the
 * errors (measured latency minus the latency predicted when the request was admitted) of its recent
 * completed requests, in {@link #BINS} bins of the prediction over the tenant's SLO, and a high
 * quantile of each bin that admission adds to the next prediction that falls there.
 *
 * <p>Why: the regulator predicts a request's latency from its own tenant's queue and measured
 * compute, which is cheap and usually right in shape, but it does not see everything: a batch of
 * another tenant holding the cores the request will need, the host's own noise, batching that
 * makes a queue drain faster than sample by sample. A fixed margin (refuse past half the SLO) is
 * too tight when the prediction is pessimistic, refusing requests that would have made it, and too
 * loose when it is optimistic. The recent errors say which, per tenant, and the quantile makes the
 * rule "refuse when the prediction, as wrong as the worst percent of recent ones, misses".
 *
 * <p>Why bins: how wrong a prediction is depends on how long it is. A request with nothing ahead
 * is off by a core wait at most; one behind a long queue is off by the sum of every batch's
 * surprise. With one quantile over all requests (measured, twice the capacity), the many short
 * predictions set the margin, the requests admitted at the edge were more wrong than it, and every
 * tenant's admitted p99 missed its SLO. So a prediction is judged by the errors of predictions of
 * its own length: 0-25%, 25-50%, 50-75% and over 75% of the SLO. A bin with too few recent errors
 * borrows the nearest bin that has enough, the longer one on a tie.
 *
 * <p>The errors are additive (nanoseconds), not ratios: a wait the model does not see at all (a
 * prediction of zero that waited 40 ms for a core) is exactly what must show up. Thread-safe; a
 * bin's quantile is recomputed every {@link #REFRESH} of its observations, not per request.
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

    /** Bins of the prediction over the SLO: [0, 1/4), [1/4, 1/2), [1/2, 3/4), [3/4, ...). */
    static final int BINS = 4;
    static final int WINDOW = 256;
    static final int REFRESH = 16;
    /** Fewer recent errors than this in a bin and it gives no quantile of its own. */
    static final int MIN_SAMPLES = 32;
    /**
     * Completions this long after the first one are not kept: the kernels may still be compiling
     * (a server runs every plan at load, so this is short).
     */
    static final long WARMUP_NANOS = 3_000_000_000L;
    /** Errors older than this are forgotten: at 9 requests a second, 45 of them. */
    static final long MAX_AGE_NANOS = 5_000_000_000L;

    /** One bin's recent errors and their quantile. */
    private static final class Bin {
        final double[] errors = new double[WINDOW];
        final long[] times = new long[WINDOW];
        int count;
        int next;
        int sinceRefresh;
        double margin = Double.NaN;
        long latest;
    }

    private final double quantile;
    private final double sloNanos;
    private final long warmupNanos;
    private final Bin[] bins = new Bin[BINS];
    private long first = Long.MIN_VALUE;

    /**
     * @param quantile the quantile of recent errors given as the margin, in (0, 1)
     * @param sloNanos the tenant's SLO, which the bins divide
     */
    LatencyCalibration(double quantile, double sloNanos) {
        this(quantile, sloNanos, WARMUP_NANOS);
    }

    /** @param warmupNanos how long after the first completion errors start to be kept */
    LatencyCalibration(double quantile, double sloNanos, long warmupNanos) {
        if (!(quantile > 0 && quantile < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), got " + quantile);
        }
        this.quantile = quantile;
        this.sloNanos = sloNanos > 0 ? sloNanos : Double.MAX_VALUE;
        this.warmupNanos = warmupNanos;
        for (int b = 0; b < BINS; b++) {
            bins[b] = new Bin();
        }
    }

    private int binOf(double predictedNanos) {
        return (int) Math.max(0, Math.min(BINS - 1, Math.floor(predictedNanos / sloNanos * BINS)));
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
        Bin b = bins[binOf(predictedNanos)];
        b.errors[b.next] = measuredNanos - predictedNanos;
        b.times[b.next] = nowNanos;
        b.next = (b.next + 1) % WINDOW;
        b.count = Math.min(WINDOW, b.count + 1);
        b.latest = nowNanos;
        if (++b.sinceRefresh >= REFRESH) {
            b.sinceRefresh = 0;
            double[] recent = new double[b.count];
            int n = 0;
            for (int i = 0; i < b.count; i++) {
                if (nowNanos - b.times[i] <= MAX_AGE_NANOS) {
                    recent[n++] = b.errors[i];
                }
            }
            if (n < MIN_SAMPLES) {
                b.margin = Double.NaN;
                return;
            }
            Arrays.sort(recent, 0, n);
            b.margin = recent[Math.min(n - 1, (int) Math.ceil(quantile * n) - 1)];
        }
    }

    /**
     * The quantile of recent errors in nanoseconds (negative: predictions ran long) for a
     * prediction of {@code predictedNanos}: from its own bin, or the nearest one with enough recent
     * errors; empty when no bin has.
     */
    synchronized OptionalDouble margin(double predictedNanos, long nowNanos) {
        int home = binOf(predictedNanos);
        for (int d = 0; d < BINS; d++) {
            for (int b : new int[] {home + d, home - d}) {
                if (b >= 0 && b < BINS && fresh(bins[b], nowNanos)) {
                    return OptionalDouble.of(bins[b].margin);
                }
            }
        }
        return OptionalDouble.empty();
    }

    private static boolean fresh(Bin b, long nowNanos) {
        return !Double.isNaN(b.margin) && nowNanos - b.latest <= MAX_AGE_NANOS;
    }
}
