package dev.cotenant.sched.compare;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.KernelTimeline;
import dev.cotenant.sched.device.ScheduleLowering;
import dev.cotenant.sched.policy.GpuGacer;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML report of a simulated comparison, the simulated twin of the CPU's
 * co-location report: a table and bar chart of the policies beside the lower bound, each tenant's
 * latency (the end of its last kernel), and for each policy a timeline (one lane per stream, one box
 * per kernel coloured by tenant) with the SMs busy beneath it. Inline SVG and CSS only.
 */
public final class SimulationReport {

    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f"};
    private static final int WIDTH = 960;

    private SimulationReport() {}

    public static String html(Gpu gpu, Precision p, List<LoweredModel> tenants, int rounds, GpuComparison c, List<GpuGacer.Outcome> gacer) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cotenant simulated GPU report</title>\n")
                .append("<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}")
                .append("table{border-collapse:collapse}td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #ddd}")
                .append("td:first-child,th:first-child{text-align:left}.legend span{display:inline-block;margin-right:14px}")
                .append(".sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}svg text{font:11px sans-serif}</style>\n")
                .append("</head><body>\n");
        b.append("<h1>").append(esc(String.join(", ", tenants.stream().map(LoweredModel::name).toList()))).append(" on a simulated ")
                .append(esc(gpu.name())).append(" (").append(p).append(", ").append(rounds).append(rounds == 1 ? " round" : " rounds").append(")</h1>\n");
        b.append(String.format(Locale.ROOT, "<p>Lower bound %.3f ms (every kernel's work at the device's capacity, or the longest tenant's "
                + "solo time). The simulator is deterministic: every figure is one simulation.</p>\n", c.lowerBoundMs()));
        b.append("<p class=\"legend\">");
        for (int t = 0; t < tenants.size(); t++) {
            b.append("<span><i class=\"sw\" style=\"background:").append(COLOURS[t % COLOURS.length]).append("\"></i>")
                    .append(esc(tenants.get(t).name())).append("</span>");
        }
        b.append("</p>\n<table><tr><th>policy</th><th>makespan ms</th><th>vs sequential</th><th>vs best baseline</th><th>efficiency</th><th>SMs busy</th>");
        for (LoweredModel t : tenants) {
            b.append("<th>").append(esc(t.name())).append(" ms</th>");
        }
        b.append("</tr>\n");
        double max = c.lowerBoundMs();
        for (GpuComparison.Result r : c.policies()) {
            max = Math.max(max, r.makespanMs());
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.3f</td><td>%.2fx</td><td>%.2fx</td><td>%.0f%%</td><td>%.0f%%</td>",
                    esc(r.name()), r.makespanMs(), r.speedupVsSequential(), r.speedupVsBestBaseline(), 100 * r.efficiency(), 100 * r.smBusy()));
            for (double l : r.latencyMs()) {
                b.append(String.format(Locale.ROOT, "<td>%.3f</td>", l));
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
        bars(c, max, b);
        for (GpuComparison.Result r : c.policies()) {
            timeline(r, tenants, max, b);
        }
        for (GpuGacer.Outcome g : gacer) {
            b.append("<h2>").append(esc(g.name())).append("</h2><ul>");
            for (String l : g.log()) {
                b.append("<li>").append(esc(l)).append("</li>");
            }
            b.append("</ul><details><summary>chosen schedule (text form)</summary><pre>").append(esc(g.schedule().text())).append("</pre></details>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    private static void bars(GpuComparison c, double max, StringBuilder b) {
        int rowH = 22;
        int left = 160;
        int h = rowH * (c.policies().size() + 1) + 10;
        b.append("<h2>Makespan</h2><svg width=\"").append(WIDTH).append("\" height=\"").append(h).append("\">");
        double scale = (WIDTH - left - 80) / max;
        int y = 5;
        for (GpuComparison.Result r : c.policies()) {
            b.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#4e79a7\"/>"
                    + "<text x=\"%.1f\" y=\"%d\">%.3f ms</text>", y + 12, esc(r.name()), left, y, r.makespanMs() * scale,
                    left + r.makespanMs() * scale + 4, y + 12, r.makespanMs()));
            y += rowH;
        }
        b.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">lower bound</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#bbb\"/>"
                + "<text x=\"%.1f\" y=\"%d\">%.3f ms</text>", y + 12, left, y, c.lowerBoundMs() * scale, left + c.lowerBoundMs() * scale + 4,
                y + 12, c.lowerBoundMs()));
        b.append("</svg>\n");
    }

    private static void timeline(GpuComparison.Result r, List<LoweredModel> tenants, double maxMs, StringBuilder b) {
        KernelTimeline t = r.timeline();
        int streams = t.workload().streams().size();
        int lane = 18;
        int left = 90;
        int util = 40;
        int h = streams * lane + util + 20;
        double scale = (WIDTH - left - 10) / (maxMs * 1e3);
        b.append("<h2>").append(esc(r.name())).append(String.format(Locale.ROOT, " (%.3f ms)</h2>", r.makespanMs()));
        b.append("<svg width=\"").append(WIDTH).append("\" height=\"").append(h).append("\">");
        for (int s = 0; s < streams; s++) {
            b.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text>", s * lane + 13, esc(t.workload().streams().get(s).name())));
        }
        for (KernelTimeline.KernelSpan k : t.kernels()) {
            int i = ScheduleLowering.tenantOf(k.tag(), tenants);
            String colour = i < 0 ? "#999" : COLOURS[i % COLOURS.length];
            b.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"><title>%s (%s) %.1f-%.1f us</title></rect>",
                    left + k.startUs() * scale, k.stream() * lane + 2, Math.max(0.5, (k.endUs() - k.startUs()) * scale), lane - 4, colour,
                    esc(k.name()), esc(k.tag()), k.startUs(), k.endUs()));
        }
        int base = streams * lane + util + 5;
        StringBuilder path = new StringBuilder();
        for (KernelTimeline.Segment seg : t.utilisation()) {
            double y = base - seg.smBusy() * util;
            path.append(String.format(Locale.ROOT, "%s%.2f,%.2f L%.2f,%.2f ", path.isEmpty() ? "M" : "L", left + seg.fromUs() * scale, y,
                    left + seg.toUs() * scale, y));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">SMs busy</text><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>",
                base - 5, left, base, WIDTH - 10, base));
        if (!path.isEmpty()) {
            b.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#e15759\"/>");
        }
        b.append("</svg>\n");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
