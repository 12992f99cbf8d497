package dev.cotenant.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The live dashboard: a self-contained page ({@code dashboard.html}, no external scripts) that
 * polls {@code /dashboard/state}, the rolling view this class assembles: per-model throughput,
 * latency percentiles and queue depth over the last seconds, and the recent executions with the
 * lane each ran on, so the page can draw what ran beside what.
 */
final class Dashboard {

    private static final long WINDOW_NANOS = 10_000_000_000L;
    private static final byte[] PAGE = load();

    private Dashboard() {}

    static byte[] page() {
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

    static ObjectNode state(Server server) {
        long now = System.nanoTime();
        ObjectNode root = RestCodec.JSON.createObjectNode();
        root.put("server", Server.NAME + " " + Server.VERSION);
        root.put("policy", server.options.policy().name().toLowerCase(java.util.Locale.ROOT));
        root.put("cores", server.options.cores());
        root.put("uptime_s", (now - server.startedNanos) / 1e9);
        root.put("cpu", Metrics.processCpuLoad());
        root.put("pending", server.scheduler.pending());
        root.put("device", server.options.device().describe());
        if (server.scheduler instanceof SimulatedScheduler sim) {
            root.put("gpu_utilization", sim.recentUtilisation());
            root.put("sharing", sim.lastSharing());
        }
        root.put("window_ms", WINDOW_NANOS / 1e6);
        ArrayNode models = root.putArray("models");
        for (Tenant t : server.repository.tenants()) {
            TenantStats.Window w = t.stats.recent(WINDOW_NANOS, 50, 90, 99);
            ObjectNode m = models.addObject();
            m.put("name", t.name);
            m.put("version", t.version);
            m.put("throughput", w.count() / (WINDOW_NANOS / 1e9));
            m.put("p50_ms", w.percentilesMs()[0]);
            m.put("p90_ms", w.percentilesMs()[1]);
            m.put("p99_ms", w.percentilesMs()[2]);
            m.put("queue", t.queue.size());
            m.put("in_flight", t.stats.inFlight.get());
            m.put("success", t.stats.success.sum());
            m.put("failures", t.stats.failureTotal());
            m.put("slo_ms", t.settings.sloMs());
        }
        ArrayNode runs = root.putArray("runs");
        for (Timeline.Execution e : server.timeline.since(now - WINDOW_NANOS)) {
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
