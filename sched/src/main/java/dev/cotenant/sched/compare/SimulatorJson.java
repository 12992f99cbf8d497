package dev.cotenant.sched.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.gpusim.sim.KernelTimeline;
import dev.cotenant.gpusim.sim.Validation;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * The simulator's answers as JSON: a comparison of policies, its Chrome/Perfetto trace, and the two
 * validation tables. Numbers keep the fixed number of decimals they have always had (a makespan to
 * 0.1 ns, a trace's timestamps to the nanosecond), so a figure reads the same in the JSON as in the
 * table beside it and files stay comparable from one version to the next; a figure that is not
 * finite is written as {@code null}.
 */
public final class SimulatorJson {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private SimulatorJson() {}

    /** {@code {"lower_bound_ms", "policies":[{"name","makespan_ms","throughput","speedup_vs_sequential",...}]}}. */
    public static String comparison(GpuComparison c) {
        ObjectNode root = JSON.createObjectNode().put("lower_bound_ms", fixed(c.lowerBoundMs(), 4));
        ArrayNode policies = root.putArray("policies");
        for (GpuComparison.Result r : c.policies()) {
            policies.addObject().put("name", r.name()).put("makespan_ms", fixed(r.makespanMs(), 4)).put("throughput", fixed(r.throughput(), 2))
                    .put("speedup_vs_sequential", fixed(r.speedupVsSequential(), 4))
                    .put("speedup_vs_best_baseline", fixed(r.speedupVsBestBaseline(), 4)).put("efficiency", fixed(r.efficiency(), 4));
        }
        return write(root);
    }

    /** Every policy's run as one trace: a process per policy, a thread per stream, a counter of the device's load. */
    public static String chromeTrace(GpuComparison c) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode events = root.putArray("traceEvents");
        for (int i = 0; i < c.policies().size(); i++) {
            GpuComparison.Result r = c.policies().get(i);
            trace(events, r.timeline(), i + 1, r.name());
        }
        root.put("displayTimeUnit", "ns");
        return write(root);
    }

    private static void trace(ArrayNode events, KernelTimeline t, int pid, String title) {
        events.addObject().put("ph", "M").put("name", "process_name").put("pid", pid).putObject("args").put("name", title);
        var streams = t.workload().streams();
        for (int s = 0; s < streams.size(); s++) {
            events.addObject().put("ph", "M").put("name", "thread_name").put("pid", pid).put("tid", s).putObject("args")
                    .put("name", streams.get(s).name());
        }
        for (KernelTimeline.KernelSpan k : t.kernels()) {
            events.addObject().put("ph", "X").put("name", k.name()).put("cat", k.tag()).put("pid", pid).put("tid", k.stream())
                    .put("ts", fixed(k.startUs(), 3)).put("dur", fixed(k.endUs() - k.startUs(), 3));
        }
        for (KernelTimeline.Segment g : t.utilisation()) {
            events.addObject().put("ph", "C").put("name", "device").put("pid", pid).put("ts", fixed(g.fromUs(), 3)).putObject("args")
                    .put("SMs busy %", fixed(100 * g.smBusy(), 1)).put("DRAM %", fixed(100 * g.dramUtilisation(), 1));
        }
    }

    /** The single-model table: {@code {"table":"single-model","rows":[{"name","source","published","predicted","error"}],"mape"}} (ms). */
    public static String singleModelValidation(List<Validation.Row> rows) {
        ObjectNode root = JSON.createObjectNode().put("table", "single-model");
        ArrayNode out = root.putArray("rows");
        for (Validation.Row r : rows) {
            Validation.Figure f = r.figure();
            String name = String.format(Locale.ROOT, "%s %s %s b%d", f.model(), f.gpu().toUpperCase(Locale.ROOT), f.precision(), f.batch());
            row(out, name, "../shared/specs/gpus.md: " + f.source(), f.publishedMs(), r.simulatedMs(), r.error());
        }
        return write(root.put("mape", fixed(Validation.mape(rows), 4)));
    }

    /** The co-location table, in the same shape, its figures throughput ratios. */
    public static String coLocationValidation(List<CoLocationValidation.Row> rows) {
        ObjectNode root = JSON.createObjectNode().put("table", "co-location");
        ArrayNode out = root.putArray("rows");
        for (CoLocationValidation.Row r : rows) {
            row(out, r.figure().name(), r.figure().source(), r.figure().published(), r.predicted(), r.error());
        }
        return write(root.put("mape", fixed(CoLocationValidation.mape(rows), 4)));
    }

    private static void row(ArrayNode rows, String name, String source, double published, double predicted, double error) {
        rows.addObject().put("name", name).put("source", source).put("published", fixed(published, 4)).put("predicted", fixed(predicted, 4))
                .put("error", fixed(error, 4));
    }

    /** {@code v} to {@code places} decimals, rounded as the tables round it; null when it is not finite. */
    static BigDecimal fixed(double v, int places) {
        return Double.isFinite(v) ? new BigDecimal(String.format(Locale.ROOT, "%." + places + "f", v)) : null;
    }

    private static String write(ObjectNode root) {
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always writes", e);
        }
    }
}
