package dev.cotenant.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/** Rows as a text table or as JSON. */
public final class Report {

    /** Writes big decimals plain: 0.0012, never 1.2E-3. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private Report() {}

    /** A table, one line per row, and how it was measured. */
    public static void table(List<Row> rows, Settings s, PrintWriter o) {
        o.printf(Locale.ROOT, "%-14s %5s %7s  %-11s %10s %10s %12s %10s%s%n", "model", "batch", "threads", "engine", "median ms", "p90 ms",
                "items/s", "peak MiB", "");
        for (Row r : rows) {
            line(o, r, "cotenant", r.cotenant(), r.cotenantPeakBytes(), "");
            if (r.onnxruntime() != null) {
                line(o, r, "onnxruntime", r.onnxruntime(), r.onnxruntimePeakBytes(),
                        String.format(Locale.ROOT, "   ratio %.2f", r.ratio()));
            }
        }
        o.printf(Locale.ROOT, "%d warm-up and %d timed runs per engine, alternating in blocks of " + SideBySide.BLOCK + " runs (ABBA), each block after a pause and one untimed run; ratio = onnxruntime median / cotenant median (above 1: cotenant faster)%n",
                s.warmup(), s.runs());
        if (s.peer()) {
            o.println("onnxruntime " + OnnxRuntimeSide.version() + ": same file and inputs, same intra-op threads, inter-op 1, sequential, all graph optimisations");
        }
        if (s.memory()) {
            o.println(PeakMemory.method());
        }
    }

    private static void line(PrintWriter o, Row r, String engine, Samples s, long peak, String tail) {
        o.printf(Locale.ROOT, "%-14s %5d %7d  %-11s %10.2f %10.2f %12.1f %10s%s%n", r.model(), r.batch(), r.threads(), engine,
                s.medianMs(), s.percentileMs(90), Row.throughput(s, r.batch()),
                peak < 0 ? "-" : String.format(Locale.ROOT, "%.0f", peak / 1048576.0), tail);
    }

    /** {@code {"rows":[{"model",...,"ratio"}]}} with extra fields for p90, throughput and memory; times to 4 decimals. */
    public static String json(List<Row> rows) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("rows");
        for (Row r : rows) {
            Samples peer = r.onnxruntime();
            list.addObject().put("model", r.model())
                    .put("batch", r.batch())
                    .put("threads", r.threads())
                    .put("cotenant_ms", num(r.cotenant().medianMs()))
                    .put("onnxruntime_ms", peer == null ? null : num(peer.medianMs()))
                    .put("ratio", peer == null ? null : num(r.ratio()))
                    .put("cotenant_p90_ms", num(r.cotenant().percentileMs(90)))
                    .put("onnxruntime_p90_ms", peer == null ? null : num(peer.percentileMs(90)))
                    .put("runs", r.cotenant().count())
                    .put("cotenant_peak_bytes", r.cotenantPeakBytes() < 0 ? null : r.cotenantPeakBytes())
                    .put("onnxruntime_peak_bytes", r.onnxruntimePeakBytes() < 0 ? null : r.onnxruntimePeakBytes());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always writes", e);
        }
    }

    /** Four decimals, as the table's figures are compared across runs; null where not finite. */
    private static BigDecimal num(double v) {
        return Double.isFinite(v) ? BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP) : null;
    }
}
