package dev.cotenant.server.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.server.regulate.SimulatedScheduler;
import dev.cotenant.server.serving.Executions;
import dev.cotenant.server.serving.Intake;
import dev.cotenant.server.serving.ModelStats;
import dev.cotenant.server.serving.ServedModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The live dashboard: a self-contained page ({@code dashboard.html}, no external scripts) that
 * polls {@code /dashboard/state}, the rolling view this class assembles: per-model throughput,
 * latency percentiles and queue depth over the last seconds, and the recent executions with the
 * lane each ran on, so the page can draw what ran beside what.
 */
public final class Dashboard {

    private static final long WINDOW_NANOS = 10_000_000_000L;
    private static final byte[] PAGE = load();

    private Dashboard() {}

    public static byte[] page() {
        return PAGE;
    }

    private static byte[] load() {
        try (InputStream in = Dashboard.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard.html is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The policy as the page names it: the regulator has always been "regulated" there (the page
     * draws a lane per core for it), the baseline "multistream".
     */
    static String label(Policy p) {
        return switch (p) {
            case Policy.Gacer g -> "regulated";
            case Policy.Multistream m -> "multistream";
            case Policy.Sequential _, Policy.Interleave _, Policy.Given _, Policy.Timeslice _, Policy.Mps _, Policy.Mig _ -> p.name();
        };
    }

    public static ObjectNode state(Sources server) {
        long now = System.nanoTime();
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("server", Intake.NAME + " " + Intake.VERSION);
        root.put("policy", label(server.policy()));
        root.put("cores", server.cores());
        root.put("uptime_s", (now - server.startedNanos()) / 1e9);
        root.put("cpu", Metrics.processCpuLoad());
        root.put("pending", server.scheduler().pending());
        root.put("device", server.device());
        if (server.scheduler() instanceof SimulatedScheduler sim) {
            root.put("gpu_utilization", sim.recentUtilisation());
            root.put("sharing", sim.lastSharing());
        }
        root.put("window_ms", WINDOW_NANOS / 1e6);
        ArrayNode models = root.putArray("models");
        for (ServedModel t : server.models().get()) {
            ModelStats.Window w = t.stats().recent(WINDOW_NANOS, 50, 90, 99);
            ObjectNode m = models.addObject();
            m.put("name", t.name());
            m.put("version", t.version());
            m.put("throughput", w.count() / (WINDOW_NANOS / 1e9));
            m.put("p50_ms", w.percentilesMs()[0]);
            m.put("p90_ms", w.percentilesMs()[1]);
            m.put("p99_ms", w.percentilesMs()[2]);
            m.put("queue", t.queue().size());
            m.put("in_flight", t.stats().inFlight());
            m.put("success", t.stats().successes());
            m.put("failures", t.stats().failureTotal());
            m.put("slo_ms", t.settings().sloMs());
        }
        ArrayNode runs = root.putArray("runs");
        for (Executions.Execution e : server.executions().since(now - WINDOW_NANOS)) {
            ObjectNode r = runs.addObject();
            r.put("model", e.model());
            r.put("batch", e.batch());
            r.put("threads", e.threads());
            r.put("lane", e.lane());
            r.put("start_ms", (e.startNanos() - now) / 1e6);
            r.put("end_ms", (e.endNanos() - now) / 1e6);
        }
        return root;
    }
}
