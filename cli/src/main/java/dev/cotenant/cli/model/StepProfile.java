package dev.cotenant.cli.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.cli.common.Json;
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

    /** An operator kind's share: its steps, the sum of their medians and bests, and their FLOPs. */
    record Kind(String name, int steps, double medianMs, double bestMs, double flops) {}

    void print(PrintWriter o, int top) {
        List<Step> steps = plan.steps();
        double[] median = medians();
        double sum = Arrays.stream(median).sum();
        double sumBest = 0;
        for (int s = 0; s < steps.size(); s++) {
            sumBest += bestMs(s);
        }
        o.printf(Locale.ROOT, "profile over %d runs: whole run median %.3f ms (best %.3f), sum of step medians %.3f ms (of bests %.3f)%n",
                runNanos.length, medianMs(runNanos), Arrays.stream(runNanos).min().orElse(0) / 1e6, sum, sumBest);
        o.println("by kind:");
        o.printf(Locale.ROOT, "  %-34s %6s %10s %7s %9s %10s %9s%n", "kind", "steps", "median ms", "share", "GFLOP/s", "best ms", "GFLOP/s");
        for (Kind k : kinds(median)) {
            o.printf(Locale.ROOT, "  %-34s %6d %10.3f %6.1f%% %9s %10.3f %9s%n", k.name(), k.steps(), k.medianMs(),
                    100 * k.medianMs() / sum, rate(k.flops(), k.medianMs()), k.bestMs(), rate(k.flops(), k.bestMs()));
        }
        List<Integer> order = slowestFirst(median);
        o.printf(Locale.ROOT, "slowest %d steps:%n", Math.min(top, order.size()));
        for (int i = 0; i < Math.min(top, order.size()); i++) {
            int s = order.get(i);
            Step step = steps.get(s);
            double best = bestMs(s);
            o.printf(Locale.ROOT, "  #%-4d %-30s %9.3f ms %7s GFLOP/s (best %.3f ms %7s)  %s%n", s, shorten(step.node().label(), 30),
                    median[s], rate(step.op().cost().flops(), median[s]), best, rate(step.op().cost().flops(), best), shapes(step));
        }
    }

    /** The same figures for {@code run --json}: whole runs, kinds, and every step slowest first. */
    ObjectNode json() {
        double[] median = medians();
        ObjectNode o = Json.object().put("runs", runNanos.length).put("whole_median_ms", Json.fixed(medianMs(runNanos), 4))
                .put("whole_best_ms", Json.fixed(Arrays.stream(runNanos).min().orElse(0) / 1e6, 4));
        ArrayNode kinds = o.putArray("kinds");
        for (Kind k : kinds(median)) {
            kinds.addObject().put("kind", k.name()).put("steps", k.steps()).put("median_ms", Json.fixed(k.medianMs(), 4))
                    .put("best_ms", Json.fixed(k.bestMs(), 4)).put("flops", (long) k.flops());
        }
        ArrayNode list = o.putArray("steps");
        for (int s : slowestFirst(median)) {
            Step step = plan.steps().get(s);
            list.addObject().put("index", s).put("node", step.node().label()).put("kind", kind(step))
                    .put("median_ms", Json.fixed(median[s], 4)).put("best_ms", Json.fixed(bestMs(s), 4))
                    .put("flops", step.op().cost().flops()).put("shapes", shapes(step));
        }
        return o;
    }

    private double[] medians() {
        double[] median = new double[nanos.length];
        for (int s = 0; s < nanos.length; s++) {
            median[s] = medianMs(nanos[s]);
        }
        return median;
    }

    private double bestMs(int step) {
        return Arrays.stream(nanos[step]).min().orElse(0) / 1e6;
    }

    /** Steps grouped by kind, the kind with the most time first. */
    private List<Kind> kinds(double[] median) {
        List<Step> steps = plan.steps();
        Map<String, double[]> byKind = new LinkedHashMap<>();
        for (int s = 0; s < steps.size(); s++) {
            double[] acc = byKind.computeIfAbsent(kind(steps.get(s)), k -> new double[4]);
            acc[0] += median[s];
            acc[1] += steps.get(s).op().cost().flops();
            acc[2]++;
            acc[3] += bestMs(s);
        }
        List<Kind> kinds = new ArrayList<>();
        byKind.forEach((k, a) -> kinds.add(new Kind(k, (int) a[2], a[0], a[3], a[1])));
        kinds.sort(Comparator.comparingDouble(k -> -k.medianMs()));
        return kinds;
    }

    private static List<Integer> slowestFirst(double[] median) {
        List<Integer> order = new ArrayList<>();
        for (int s = 0; s < median.length; s++) {
            order.add(s);
        }
        order.sort(Comparator.comparingDouble(s -> -median[s]));
        return order;
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
