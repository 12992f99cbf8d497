package dev.cotenant.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Rows as a text table or as JSON. */
public final class Report {

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

    /** {@code {"rows":[{"model",...,"ratio"}]}} with extra fields for p90, throughput and memory. */
    public static String json(List<Row> rows) {
        StringBuilder b = new StringBuilder("{\"rows\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(i > 0 ? "," : "").append("{\"model\":").append(quote(r.model()))
                    .append(",\"batch\":").append(r.batch())
                    .append(",\"threads\":").append(r.threads())
                    .append(",\"cotenant_ms\":").append(num(r.cotenant().medianMs()))
                    .append(",\"onnxruntime_ms\":").append(r.onnxruntime() == null ? "null" : num(r.onnxruntime().medianMs()))
                    .append(",\"ratio\":").append(r.onnxruntime() == null ? "null" : num(r.ratio()))
                    .append(",\"cotenant_p90_ms\":").append(num(r.cotenant().percentileMs(90)))
                    .append(",\"onnxruntime_p90_ms\":").append(r.onnxruntime() == null ? "null" : num(r.onnxruntime().percentileMs(90)))
                    .append(",\"runs\":").append(r.cotenant().count())
                    .append(",\"cotenant_peak_bytes\":").append(r.cotenantPeakBytes() < 0 ? "null" : r.cotenantPeakBytes())
                    .append(",\"onnxruntime_peak_bytes\":").append(r.onnxruntimePeakBytes() < 0 ? "null" : r.onnxruntimePeakBytes())
                    .append('}');
        }
        return b.append("]}").toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
