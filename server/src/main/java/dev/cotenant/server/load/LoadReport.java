package dev.cotenant.server.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * What a load run found, for people (a table), for programs (JSON) and for spreadsheets and
 * plots (CSV). A run is one or more steps (a rate sweep runs one step per rate), each with one
 * report per model.
 */
public final class LoadReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One step of a run: the options it ran with (its rates), what each model saw, and what its
     * frames saw (together mode; null otherwise).
     */
    public record Step(LoadGenerator.Options options, List<LoadGenerator.ModelReport> reports, LoadGenerator.FrameReport frames) {
        /** A step without frames. */
        public Step(LoadGenerator.Options options, List<LoadGenerator.ModelReport> reports) {
            this(options, reports, null);
        }

        /** The rate model {@code i} was offered in this step, requests per second (0 in a closed loop). */
        double rate(int i) {
            return options.rates().isEmpty() ? 0 : options.rates().get(i);
        }
    }

    private LoadReport() {}

    /**
     * The steps as a JSON document: one step as {@code {"url", "protocol", "mode", "duration_s",
     * "batch", "models": [...]}} (together mode adds {@code "frames": {...}}), several as
     * {@code {"sweep": [step, ...]}}.
     */
    public static String json(List<Step> steps) {
        if (steps.size() == 1) {
            return document(steps.getFirst()).toPrettyString();
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode sweep = root.putArray("sweep");
        steps.forEach(s -> sweep.add(document(s)));
        return root.toPrettyString();
    }

    private static ObjectNode document(Step s) {
        LoadGenerator.Options o = s.options();
        ObjectNode root = JSON.createObjectNode();
        root.put("url", o.url());
        root.put("protocol", o.protocol().name().toLowerCase(Locale.ROOT));
        root.put("mode", o.mode());
        if (o.rates().isEmpty()) {
            root.put("concurrency_per_model", o.concurrency());
        }
        root.put("duration_s", o.duration().toMillis() / 1000.0);
        root.put("batch", o.batch());
        ArrayNode a = root.putArray("models");
        for (int i = 0; i < s.reports().size(); i++) {
            ObjectNode m = JSON.valueToTree(s.reports().get(i));
            if (!o.rates().isEmpty()) {
                m.put("rate", s.rate(i));
            }
            a.add(m);
        }
        if (o.together() && s.frames() != null) {
            root.set("frames", JSON.valueToTree(s.frames()));
        }
        return root;
    }

    /** The steps as CSV: a header line, then one line per step and model. */
    public static String csv(List<Step> steps) {
        StringBuilder b = new StringBuilder("protocol,mode,rate,concurrency,model,sent,ok,rejected,errors,lost,throughput,p50_ms,p90_ms,p99_ms,max_ms,"
                + "slo_ms,within_slo,goodput,first_error\n");
        for (Step s : steps) {
            LoadGenerator.Options o = s.options();
            for (int i = 0; i < s.reports().size(); i++) {
                LoadGenerator.ModelReport r = s.reports().get(i);
                b.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%s,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%s,%d,%.3f,%s%n",
                        o.protocol().name().toLowerCase(Locale.ROOT), o.mode(), o.rates().isEmpty() ? "" : number(s.rate(i)),
                        o.rates().isEmpty() ? o.concurrency() : 0, field(r.model()), r.sent(), r.ok(), r.rejected(), r.errors(), r.lost(),
                        r.throughput(), r.p50(), r.p90(), r.p99(), r.max(), r.sloMs() > 0 ? number(r.sloMs()) : "", r.withinSlo(), r.goodput(),
                        r.firstError() == null ? "" : field(r.firstError())));
            }
        }
        return b.toString();
    }

    /** One step's frames in a line, e.g. {@code frames: sent 540, complete 531, failed 9, ...}. */
    static String frames(LoadGenerator.FrameReport f, String at) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "frames%s: sent %d, complete %d, failed %d", at, f.sent(), f.complete(),
                f.failed()));
        if (f.lost() > 0) {
            b.append(", lost ").append(f.lost());
        }
        b.append(String.format(Locale.ROOT, ", p50/p90/p99 %.1f/%.1f/%.1f ms", f.p50(), f.p90(), f.p99()));
        if (f.deadlineMs() > 0) {
            b.append(String.format(Locale.ROOT, ", within %s ms: %d (%.1f%%)", number(f.deadlineMs()), f.withinDeadline(),
                    100 * f.withinDeadlineShare()));
        }
        return b.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
    static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /**
     * The steps as a table: one line per model (and per step, led by its rate, when there are
     * several), and with latency bounds two more columns: the bound and the answers per second
     * within it. Then, in together mode, one line per step for its frames, and the first problem
     * each model met, in words.
     */
    public static String table(List<Step> steps) {
        boolean sweep = steps.size() > 1;
        boolean judged = steps.stream().flatMap(s -> s.reports().stream()).anyMatch(r -> r.sloMs() > 0);
        StringBuilder b = new StringBuilder(sweep ? String.format(Locale.ROOT, "%8s ", "rate/s") : "");
        b.append(String.format(Locale.ROOT, "%-16s %8s %8s %8s %7s %5s %9s %9s %9s %9s", "model", "sent", "ok", "rejected", "errors", "lost",
                "ok/s", "p50 ms", "p90 ms", "p99 ms"));
        b.append(judged ? String.format(Locale.ROOT, " %8s %11s%n", "SLO ms", "in SLO/s") : "\n");
        for (Step s : steps) {
            for (int i = 0; i < s.reports().size(); i++) {
                LoadGenerator.ModelReport r = s.reports().get(i);
                if (sweep) {
                    b.append(String.format(Locale.ROOT, "%8s ", number(s.rate(i))));
                }
                b.append(String.format(Locale.ROOT, "%-16s %8d %8d %8d %7d %5d %9.1f %9.2f %9.2f %9.2f", r.model(), r.sent(), r.ok(),
                        r.rejected(), r.errors(), r.lost(), r.throughput(), r.p50(), r.p90(), r.p99()));
                if (!judged) {
                    b.append('\n');
                } else if (r.sloMs() > 0) {
                    b.append(String.format(Locale.ROOT, " %8.0f %11.1f%n", r.sloMs(), r.goodput()));
                } else {
                    b.append(String.format(Locale.ROOT, " %8s %11s%n", "-", "-"));
                }
            }
        }
        for (Step s : steps) {
            if (s.options().together() && s.frames() != null) {
                b.append(frames(s.frames(), sweep ? " at " + number(s.rate(0)) + "/s" : "")).append('\n');
            }
        }
        for (Step s : steps) {
            for (int i = 0; i < s.reports().size(); i++) {
                LoadGenerator.ModelReport r = s.reports().get(i);
                if (r.firstError() != null) {
                    b.append("first problem for ").append(r.model()).append(sweep ? " at " + number(s.rate(i)) + "/s" : "").append(": ")
                            .append(r.firstError()).append('\n');
                }
            }
        }
        return b.toString();
    }
}
