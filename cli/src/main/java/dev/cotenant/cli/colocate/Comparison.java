package dev.cotenant.cli.colocate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.cli.common.Json;
import dev.cotenant.sched.compare.CoLocation;
import dev.cotenant.sched.policy.Policy;
import java.io.PrintWriter;
import java.util.Locale;

/** The co-location comparison as a table and as JSON. */
final class Comparison {

    private Comparison() {}

    static void table(CoLocation.Report r, PrintWriter o) {
        o.printf(Locale.ROOT, "workload %s on cpu (%d cores); lower bound %.1f ms (work %.1f ms over the cores, critical path %.1f ms)%n",
                r.workload(), r.device().cores(), r.bound().ms(), r.bound().workMs(), r.bound().criticalPathMs());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-17s %11s %9s %6s %7s %8s %10s",
                "policy", "makespan ms", "infer/s", "util", "vs seq", "vs best", "efficiency"));
        for (var p : r.plans()) {
            String slo = p.tenant().sloMs().isPresent() ? String.format(Locale.ROOT, " (slo %.0f)", p.tenant().sloMs().getAsDouble()) : "";
            head.append(String.format(Locale.ROOT, " %14s", p.tenant().label() + " ms" + slo));
        }
        o.println(head);
        for (CoLocation.PolicyResult p : r.policies()) {
            String util = Double.isNaN(p.utilisation()) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * p.utilisation());
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-17s %11.1f %9.2f %6s %6.2fx %7.2fx %10s",
                    p.name(), p.makespanMs(), p.throughput(), util, r.speedupVsSequential(p),
                    r.speedupVsBestBaseline(p), percent(r.efficiency(p))));
            for (int t = 0; t < p.latencyMs().length; t++) {
                double l = p.latencyMs()[t];
                var slo = r.plans().get(t).tenant().sloMs();
                // A latency over the tenant's objective is marked with '!'.
                b.append(String.format(Locale.ROOT, " %14s", String.format(Locale.ROOT, "%.1f", l) + (slo.isPresent() && l > slo.getAsDouble() ? "!" : "")));
            }
            o.println(b);
        }
        for (String line : r.gacerLog()) {
            o.println("gacer " + line);
        }
        for (String n : r.notes()) {
            o.println("note: " + n);
        }
    }

    /**
     * The short form for a first look: gacer against the best baseline and the best setup of the
     * peer, named, then one line per policy with its makespan, each tenant's latency and its
     * speedups; efficiency against the bound only for Cotenant's own policies.
     */
    static void brief(CoLocation.Report r, PrintWriter o) {
        r.policies().stream().filter(p -> p.policy().orElse(null) instanceof Policy.Gacer).findFirst().ifPresent(g -> {
            o.printf(Locale.ROOT, "gacer: %.1f ms a round", g.makespanMs());
            r.bestBaseline().ifPresent(b -> o.printf(Locale.ROOT, "; %s the best baseline (%s, %.1f ms)", times(r.speedupVsBestBaseline(g)),
                    b.name(), b.makespanMs()));
            r.bestPeer().ifPresent(b -> o.printf(Locale.ROOT, "; %s the best ONNX Runtime setup (%s, %.1f ms)", times(r.speedupVsBestPeer(g)),
                    b.name(), b.makespanMs()));
            o.println();
        });
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-17s %11s", "policy", "makespan ms"));
        for (var p : r.plans()) {
            head.append(String.format(Locale.ROOT, " %14s", p.tenant().label() + " ms"));
        }
        o.println(head.append(String.format(Locale.ROOT, " %9s %9s %10s", "vs base", "vs peer", "efficiency")));
        for (CoLocation.PolicyResult p : r.policies()) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-17s %11.1f", p.name(), p.makespanMs()));
            for (double l : p.latencyMs()) {
                b.append(String.format(Locale.ROOT, " %14.1f", l));
            }
            o.println(b.append(String.format(Locale.ROOT, " %8.2fx %8.2fx %10s", r.speedupVsBestBaseline(p), r.speedupVsBestPeer(p),
                    percent(r.efficiency(p)))));
        }
        o.printf(Locale.ROOT, "lower bound %.1f ms; vs base: against the fastest of sequential, multistream and interleave; "
                + "vs peer: against ONNX Runtime's fastest setup%n", r.bound().ms());
        for (String n : r.notes()) {
            if (n.contains("-tuned: ")) {
                o.println("note: " + n);
            }
        }
    }

    /** "1.12x faster than" or "0.95x as fast as". */
    private static String times(double x) {
        return x >= 1 ? String.format(Locale.ROOT, "%.2fx faster than", x) : String.format(Locale.ROOT, "%.2fx as fast as", x);
    }

    private static String percent(double efficiency) {
        return Double.isFinite(efficiency) ? String.format(Locale.ROOT, "%.0f%%", 100 * efficiency) : "-";
    }

    /** The documented shape, every figure to 4 decimals and null where it is not defined. */
    static String json(CoLocation.Report r) {
        ObjectNode root = Json.object().put("lower_bound_ms", Json.fixed(r.bound().ms(), 4));
        ArrayNode list = root.putArray("policies");
        for (CoLocation.PolicyResult p : r.policies()) {
            list.addObject().put("name", p.name())
                    .put("makespan_ms", Json.fixed(p.makespanMs(), 4))
                    .put("throughput", Json.fixed(p.throughput(), 4))
                    .put("speedup_vs_sequential", Json.fixed(r.speedupVsSequential(p), 4))
                    .put("speedup_vs_best_baseline", Json.fixed(r.speedupVsBestBaseline(p), 4))
                    .put("efficiency", Json.fixed(r.efficiency(p), 4));
        }
        return Json.write(root);
    }
}
