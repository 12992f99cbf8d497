package dev.cotenant.sched.place;

import java.util.Arrays;

/**
 * How long one request of a model occupies a server of the device, in milliseconds: the mean, the
 * second moment (for the queue's variability) and the 99th percentile (the request's own share of
 * its latency).
 */
public record ServiceTime(double meanMs, double secondMomentMs2, double p99Ms) {

    /** From measured samples. */
    public static ServiceTime of(double[] samplesMs) {
        if (samplesMs.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] s = samplesMs.clone();
        Arrays.sort(s);
        double sum = 0;
        double sq = 0;
        for (double x : s) {
            sum += x;
            sq += x * x;
        }
        int p99 = Math.min(s.length - 1, (int) Math.ceil(0.99 * s.length) - 1);
        return new ServiceTime(sum / s.length, sq / s.length, s[Math.max(0, p99)]);
    }

    /** A time that does not vary (a simulated kernel sequence). */
    public static ServiceTime fixed(double ms) {
        return new ServiceTime(ms, ms * ms, ms);
    }

    /** This time stretched by {@code factor} (a slowdown from co-running). */
    public ServiceTime times(double factor) {
        return new ServiceTime(meanMs * factor, secondMomentMs2 * factor * factor, p99Ms * factor);
    }
}
