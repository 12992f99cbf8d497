package dev.cotenant.cli.model;

import dev.cotenant.ir.Tensor;
import dev.cotenant.runtime.Plan;
import java.util.Arrays;
import java.util.Map;

/** Latency samples in nanoseconds and their order statistics. */
record Latencies(long[] nanos) {

    /** Times {@code repeat} runs of {@code plan} on {@code feeds}; the caller warms up first. */
    static Latencies measure(Plan plan, Map<String, Tensor> feeds, int repeat) {
        long[] samples = new long[repeat];
        for (int i = 0; i < repeat; i++) {
            long s = System.nanoTime();
            plan.run(feeds);
            samples[i] = System.nanoTime() - s;
        }
        return new Latencies(samples);
    }

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
