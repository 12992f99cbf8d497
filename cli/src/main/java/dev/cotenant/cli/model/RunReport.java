package dev.cotenant.cli.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.cli.common.Json;
import dev.cotenant.ir.Tensor;
import dev.cotenant.runtime.Plan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code run} prints: text lines as each stage ends, so that a long run shows how far it got,
 * or with {@code --json} one object at the end holding the same figures (times in ms to 4 decimals).
 */
final class RunReport {

    private final PrintWriter o;
    private final ObjectNode json;

    RunReport(PrintWriter o, boolean json) {
        this.o = o;
        this.json = json ? Json.object() : null;
    }

    void planned(Path model, int nodes, int optimizedNodes, Plan plan, double loadMs, Map<String, Tensor> feeds) {
        if (json == null) {
            o.printf(Locale.ROOT, "model %s: %d nodes (%d after passes), %d steps, arena %.1f MiB, loaded and planned in %.0f ms%s%n",
                    model.getFileName(), nodes, optimizedNodes, plan.steps().size(), plan.arenaBytes() / 1048576.0, loadMs,
                    plan.interpreted() ? " (interpreted: shapes depend on input values)" : "");
            return;
        }
        json.put("model", model.getFileName().toString()).put("nodes", nodes).put("nodes_after_passes", optimizedNodes)
                .put("steps", plan.steps().size()).put("arena_bytes", plan.arenaBytes()).put("load_ms", Json.fixed(loadMs, 4))
                .put("interpreted", plan.interpreted());
        ArrayNode inputs = json.putArray("inputs");
        feeds.forEach((name, t) -> inputs.add(Inputs.json(name, t)));
    }

    void outputs(Map<String, Tensor> result) {
        ArrayNode outputs = json == null ? null : json.putArray("outputs");
        result.forEach((name, t) -> {
            if (json == null) {
                o.println("output " + name + ": " + Inputs.describe(t));
            } else {
                outputs.add(Inputs.json(name, t));
            }
        });
    }

    void latency(Latencies lat, int warmup, int threads) {
        int runs = lat.nanos().length;
        if (json == null) {
            o.printf(Locale.ROOT, "latency: median %.3f ms, p90 %.3f ms over %d run(s), %d thread(s)%n",
                    lat.medianMs(), lat.percentileMs(90), runs, threads);
            return;
        }
        json.put("threads", threads);
        json.putObject("latency_ms").put("median", Json.fixed(lat.medianMs(), 4)).put("p90", Json.fixed(lat.percentileMs(90), 4))
                .put("runs", runs).put("warmup", warmup);
    }

    /** The profile, or null where the plan is interpreted and has none. */
    void profile(StepProfile p, int top) {
        if (json != null) {
            json.set("profile", p == null ? null : p.json());
        } else if (p == null) {
            o.println("profile: not available for an interpreted plan (shapes depend on input values)");
        } else {
            o.println("kernels: " + dev.cotenant.kernels.VectorUnit.describe());
            p.print(o, top);
        }
    }

    void wrote(Path file) {
        if (json == null) {
            o.println("wrote " + file);
        } else {
            (json.has("written") ? (ArrayNode) json.get("written") : json.putArray("written")).add(file.toString());
        }
    }

    void finish() {
        if (json != null) {
            o.println(Json.write(json));
        }
        o.flush();
    }
}
