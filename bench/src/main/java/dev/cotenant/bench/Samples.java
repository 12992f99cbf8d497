package dev.cotenant.bench;

import java.util.Arrays;

/** Latency samples of one side of a row, in nanoseconds, and their order statistics. */
public record Samples(long[] nanos) {

    public Samples {
        nanos = nanos.clone();
        Arrays.sort(nanos);
    }

    public int count() {
        return nanos.length;
    }

    public double medianMs() {
        int n = nanos.length;
        return (n % 2 == 1 ? nanos[n / 2] : (nanos[n / 2 - 1] + nanos[n / 2]) / 2.0) / 1e6;
    }

    /** The nearest-rank percentile. */
    public double percentileMs(double p) {
        int i = (int) Math.ceil(p / 100.0 * nanos.length) - 1;
        return nanos[Math.max(0, Math.min(nanos.length - 1, i))] / 1e6;
    }
}
