package dev.cotenant.sched.compare;

import dev.cotenant.sched.device.Timeline;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.schedule.Task;
import dev.cotenant.sched.workload.TenantPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML report of a comparison: a bar chart of the policies' makespans beside the
 * lower bound, and for each policy a timeline (one lane per stream, one box per task, coloured by
 * tenant) with the device's busy cores over time beneath it. Inline SVG and CSS only: the file
 * opens anywhere, offline.
 */
public final class HtmlReport {

    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f"};
    private static final int WIDTH = 960;

    private HtmlReport() {}

    /** Writes the report; {@code facts} (the machine, the code, the date, the command) head it, one line each. */
    public static void write(CoLocation.Report r, List<String> facts, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html(r, facts));
    }

    static String html(CoLocation.Report r, List<String> facts) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cotenant co-location report</title>\n")
                .append("<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}")
                .append("table{border-collapse:collapse}td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #ddd}")
                .append("td:first-child,th:first-child{text-align:left}.legend span{display:inline-block;margin-right:14px}")
                .append(".sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}svg text{font:11px sans-serif}</style>\n")
                .append("</head><body>\n");
        b.append("<h1>Co-location of ").append(esc(r.workload().toString())).append(" on cpu (").append(r.device().cores()).append(" cores)</h1>\n");
        if (!facts.isEmpty()) {
            b.append("<p class=\"facts\">").append(String.join("<br>", facts.stream().map(HtmlReport::esc).toList())).append("</p>\n");
        }
        b.append(String.format(Locale.ROOT, "<p>Lower bound %.1f ms (work over the cores %.1f ms, longest critical path %.1f ms). "
                + "Times are medians over the measured rounds; the machine may be shared, so expect noise.</p>\n",
                r.bound().ms(), r.bound().workMs(), r.bound().criticalPathMs()));
        b.append("<p class=\"legend\">");
        for (int t = 0; t < r.plans().size(); t++) {
            b.append("<span><i class=\"sw\" style=\"background:").append(colour(t)).append("\"></i>")
                    .append(esc(r.plans().get(t).tenant().label())).append("</span>");
        }
        b.append("</p>\n");
        table(r, b);
        bars(r, b);
        double maxMs = 0;
        for (CoLocation.PolicyResult p : r.policies()) {
            maxMs = Math.max(maxMs, p.timeline().makespanNanos(p.timeline().medianRound()) / 1e6);
        }
        for (CoLocation.PolicyResult p : r.policies()) {
            timeline(r, p, maxMs, b);
        }
        if (!r.gacerLog().isEmpty()) {
            b.append("<h2>gacer</h2><ul>");
            for (String l : r.gacerLog()) {
                b.append("<li>").append(esc(l)).append("</li>");
            }
            b.append("</ul>\n");
        }
        for (String n : r.notes()) {
            b.append("<p>").append(esc(n)).append("</p>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    private static void table(CoLocation.Report r, StringBuilder b) {
        b.append("<table><tr><th>policy</th><th>makespan ms</th><th>inferences/s</th><th>utilisation</th><th>vs sequential</th>")
                .append("<th>vs best baseline</th><th>efficiency</th>");
        for (TenantPlan p : r.plans()) {
            b.append("<th>").append(esc(p.tenant().label())).append(" ms</th>");
        }
        b.append("</tr>\n");
        for (CoLocation.PolicyResult p : r.policies()) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.1f</td><td>%.2f</td><td>%s</td><td>%.2fx</td><td>%.2fx</td><td>%.0f%%</td>",
                    esc(p.name()), p.makespanMs(), p.throughput(),
                    Double.isNaN(p.utilisation()) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * p.utilisation()),
                    r.speedupVsSequential(p), r.speedupVsBestBaseline(p), 100 * r.efficiency(p)));
            for (double l : p.latencyMs()) {
                b.append(String.format(Locale.ROOT, "<td>%.1f</td>", l));
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }

    private static void bars(CoLocation.Report r, StringBuilder b) {
        List<CoLocation.PolicyResult> ps = r.policies();
        double max = r.bound().ms();
        for (CoLocation.PolicyResult p : ps) {
            max = Math.max(max, p.makespanMs());
        }
        int row = 22;
        int left = 140;
        int h = row * (ps.size() + 1) + 10;
        b.append("<h2>Makespan by policy</h2>\n<svg width=\"").append(WIDTH).append("\" height=\"").append(h).append("\">\n");
        for (int i = 0; i <= ps.size(); i++) {
            boolean bound = i == ps.size();
            double ms = bound ? r.bound().ms() : ps.get(i).makespanMs();
            String name = bound ? "lower bound" : ps.get(i).name();
            double w = (WIDTH - left - 80) * ms / max;
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", left - 6, i * row + 15, esc(name)));
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>", left, i * row + 3, w,
                    bound ? "#bbb" : ps.get(i).policy().orElse(null) instanceof Policy.Gacer ? "#e15759" : "#4e79a7"));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.1f ms</text>\n", left + w + 4, i * row + 15, ms));
        }
        b.append("</svg>\n");
    }

    private static void timeline(CoLocation.Report r, CoLocation.PolicyResult p, double maxMs, StringBuilder b) {
        Timeline tl = p.timeline();
        int round = tl.medianRound();
        int lane = 20;
        int left = 80;
        int util = 60;
        int h = lane * tl.streams() + util + 30;
        double scale = (WIDTH - left - 20) / Math.max(1e-9, maxMs);
        b.append(String.format(Locale.ROOT, "<h2>%s: %.1f ms</h2>\n<svg width=\"%d\" height=\"%d\">\n", esc(p.name()),
                tl.makespanNanos(round) / 1e6, WIDTH, h));
        for (int s = 0; s < tl.streams(); s++) {
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s %d</text>\n", left - 6, s * lane + 14,
                    p.schedule() == null ? "thread" : "stream", s));
        }
        for (int i = 0; i < tl.tasks().size(); i++) {
            Task t = tl.tasks().get(i);
            double x = left + tl.start()[round][i] / 1e6 * scale;
            double w = Math.max(0.5, (tl.end()[round][i] - tl.start()[round][i]) / 1e6 * scale);
            String op = p.schedule() == null ? "whole model" : r.profiles().get(t.tenant()).opNames().get(t.op()) + " op" + t.op()
                    + (t.parts() > 1 ? " part " + t.part() + "/" + t.parts() : "");
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" opacity=\"%.2f\">"
                            + "<title>%s %s, %d thread(s), %.2f ms</title></rect>\n",
                    x, tl.streamOf()[i] * lane + 2, w, lane - 4, colour(t.tenant()), t.threads() > 1 ? 1.0 : 0.6,
                    esc(r.plans().get(t.tenant()).tenant().label()), esc(op), t.threads(), (tl.end()[round][i] - tl.start()[round][i]) / 1e6));
        }
        int base = lane * tl.streams() + 8;
        if (p.schedule() != null) {
            StringBuilder path = new StringBuilder();
            double y0 = base + util;
            path.append(String.format(Locale.ROOT, "M%d,%.1f", left, y0));
            double lastY = y0;
            for (long[] c : Trace.busyCores(tl, round)) {
                double x = left + c[0] / 1e6 * scale;
                double y = y0 - util * (double) c[1] / tl.cores();
                path.append(String.format(Locale.ROOT, " L%.1f,%.1f L%.1f,%.1f", x, lastY, x, y));
                lastY = y;
            }
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f4f4f4\"/>", left, base, WIDTH - left - 20, util));
            b.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\"/>\n");
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">busy cores</text>", left - 6, base + util / 2 + 4));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%d</text>", WIDTH - 16, base + 10, tl.cores()));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f ms</text>\n",
                left, h - 4, WIDTH - 20, h - 4, maxMs));
        b.append("</svg>\n");
    }

    private static String colour(int tenant) {
        return COLOURS[tenant % COLOURS.length];
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
