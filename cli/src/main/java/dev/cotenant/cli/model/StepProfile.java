package dev.cotenant.cli.model;

import dev.cotenant.ir.Tensor;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Step;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a plan's time goes: every step timed on every run, summarised by the median per step (one
 * disturbed run does not move it), then grouped by operator kind and shape class. The sum of step
 * medians is printed beside the whole run's median so the overhead between steps shows.
 */
record StepProfile(Plan plan, long[][] nanos, long[] runNanos) {

    static StepProfile measure(Plan plan, Map<String, Tensor> feeds, int runs) {
        int n = plan.steps().size();
        long[][] samples = new long[n][runs];
        long[] whole = new long[runs];
        long[] scratch = new long[n];
        for (int r = 0; r < runs; r++) {
            Arrays.fill(scratch, 0);
            long t0 = System.nanoTime();
            plan.run(feeds, scratch);
            whole[r] = System.nanoTime() - t0;
            for (int s = 0; s < n; s++) {
                samples[s][r] = scratch[s];
            }
        }
        return new StepProfile(plan, samples, whole);
    }

    void print(PrintWriter o, int top) {
        List<Step> steps = plan.steps();
        double[] median = new double[steps.size()];
        double total = 0;
        for (int s = 0; s < steps.size(); s++) {
            median[s] = medianMs(nanos[s]);
            total += median[s];
        }
        double sum = total;
        double sumBest = 0;
        for (long[] n : nanos) {
            sumBest += Arrays.stream(n).min().orElse(0) / 1e6;
        }
        o.printf(Locale.ROOT, "profile over %d runs: whole run median %.3f ms (best %.3f), sum of step medians %.3f ms (of bests %.3f)%n",
                runNanos.length, medianMs(runNanos), Arrays.stream(runNanos).min().orElse(0) / 1e6, sum, sumBest);
        Map<String, double[]> byKind = new LinkedHashMap<>();
        for (int s = 0; s < steps.size(); s++) {
            double[] acc = byKind.computeIfAbsent(kind(steps.get(s)), k -> new double[4]);
            acc[0] += median[s];
            acc[1] += steps.get(s).op().cost().flops();
            acc[2]++;
            acc[3] += Arrays.stream(nanos[s]).min().orElse(0) / 1e6;
        }
        o.println("by kind:");
        o.printf(Locale.ROOT, "  %-34s %6s %10s %7s %9s %10s %9s%n", "kind", "steps", "median ms", "share", "GFLOP/s", "best ms", "GFLOP/s");
        byKind.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[0]))
                .forEach(e -> {
                    double[] a = e.getValue();
                    o.printf(Locale.ROOT, "  %-34s %6d %10.3f %6.1f%% %9s %10.3f %9s%n", e.getKey(), (int) a[2], a[0],
                            100 * a[0] / sum, rate(a[1], a[0]), a[3], rate(a[1], a[3]));
                });
        List<Integer> order = new ArrayList<>();
        for (int s = 0; s < steps.size(); s++) {
            order.add(s);
        }
        order.sort(Comparator.comparingDouble(s -> -median[s]));
        o.printf(Locale.ROOT, "slowest %d steps:%n", Math.min(top, order.size()));
        for (int i = 0; i < Math.min(top, order.size()); i++) {
            int s = order.get(i);
            Step step = steps.get(s);
            double best = Arrays.stream(nanos[s]).min().orElse(0) / 1e6;
            o.printf(Locale.ROOT, "  #%-4d %-30s %9.3f ms %7s GFLOP/s (best %.3f ms %7s)  %s%n", s, shorten(step.node().label(), 30),
                    median[s], rate(step.op().cost().flops(), median[s]), best, rate(step.op().cost().flops(), best), shapes(step));
        }
    }

    private static String kind(Step step) {
        String type = step.node().opType();
        String op = step.op().getClass().getSimpleName();
        return type.equals(op) ? type : type + " (" + op + ")";
    }

    private static String shapes(Step step) {
        StringBuilder b = new StringBuilder();
        for (Tensor t : step.inputs()) {
            if (t != null) {
                b.append(b.isEmpty() ? "" : " ").append(Arrays.toString(t.shape()));
            }
        }
        b.append(" ->");
        for (Tensor t : step.outputs()) {
            if (t != null) {
                b.append(' ').append(Arrays.toString(t.shape()));
            }
        }
        return b.toString().replace(", ", "x");
    }

    private static String rate(double flops, double ms) {
        return flops <= 0 || ms <= 0 ? "-" : String.format(Locale.ROOT, "%.1f", flops / (ms * 1e6));
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }

    private static double medianMs(long[] samples) {
        long[] s = samples.clone();
        Arrays.sort(s);
        int n = s.length;
        return (n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0) / 1e6;
    }
}
