package dev.cotenant.cli;

import java.util.Arrays;

/** Latency samples in nanoseconds and their order statistics. */
record Latencies(long[] nanos) {

    double percentileMs(double p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))] / 1e6;
    }

    double medianMs() {
        long[] s = nanos.clone();
        Arrays.sort(s);
        int n = s.length;
        return (n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0) / 1e6;
    }
}
