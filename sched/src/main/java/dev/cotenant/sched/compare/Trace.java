package dev.cotenant.sched.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.sched.device.Timeline;
import dev.cotenant.sched.schedule.Task;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Chrome/Perfetto trace (the JSON trace-event format) of a comparison: one process per policy,
 * one track per stream with a slice per task (its median round), and a counter of busy cores for
 * the device's utilisation over time. The peer has a track per tenant (its thread) and no counter.
 */
public final class Trace {

    /** Writes big decimals plain: a timestamp reads 1500.000, not 1.500000E+3. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private Trace() {}

    public static void write(CoLocation.Report r, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, json(r));
    }

    static String json(CoLocation.Report r) {
        ObjectNode root = JSON.createObjectNode().put("displayTimeUnit", "ms");
        ArrayNode events = root.putArray("traceEvents");
        int pid = 0;
        for (CoLocation.PolicyResult p : r.policies()) {
            pid++;
            Timeline tl = p.timeline();
            int round = tl.medianRound();
            metadata(events, "process_name", pid).put("name", String.format(Locale.ROOT, "%s (%.1f ms)", p.name(), p.makespanMs()));
            metadata(events, "process_sort_index", pid).put("sort_index", pid);
            for (int s = 0; s < tl.streams(); s++) {
                ObjectNode thread = events.addObject().put("name", "thread_name").put("ph", "M").put("pid", pid).put("tid", s);
                thread.putObject("args").put("name", "stream " + s);
            }
            for (int i = 0; i < tl.tasks().size(); i++) {
                Task t = tl.tasks().get(i);
                String op = p.schedule() == null ? "whole model" : r.profiles().get(t.tenant()).opNames().get(t.op());
                String tenant = r.plans().get(t.tenant()).tenant().label();
                ObjectNode slice = events.addObject().put("name", tenant + " " + op).put("cat", tenant).put("ph", "X")
                        .put("pid", pid).put("tid", tl.streamOf()[i]).put("ts", micros(tl.start()[round][i]))
                        .put("dur", micros(tl.end()[round][i] - tl.start()[round][i]));
                slice.putObject("args").put("tenant", tenant).put("op", t.op()).put("part", t.part() + "/" + t.parts())
                        .put("threads", t.threads());
            }
            for (long[] c : p.schedule() == null ? List.<long[]>of() : busyCores(tl, round)) {
                ObjectNode counter = events.addObject().put("name", "busy cores").put("ph", "C").put("pid", pid).put("ts", micros(c[0]));
                counter.putObject("args").put("cores", c[1]);
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always writes", e);
        }
    }

    /** A metadata event of process {@code pid}; returns its args, for the caller to fill. */
    private static ObjectNode metadata(ArrayNode events, String name, int pid) {
        return events.addObject().put("name", name).put("ph", "M").put("pid", pid).putObject("args");
    }

    /** Nanoseconds as the format's microseconds, to the nanosecond, written plain. */
    private static BigDecimal micros(long nanos) {
        return BigDecimal.valueOf(nanos, 3);
    }

    /** Steps of the busy-core count in round {@code r}: (time ns, cores busy from then on). */
    static List<long[]> busyCores(Timeline tl, int r) {
        List<long[]> edges = new ArrayList<>();
        for (int i = 0; i < tl.tasks().size(); i++) {
            edges.add(new long[] {tl.start()[r][i], tl.tasks().get(i).threads()});
            edges.add(new long[] {tl.end()[r][i], -tl.tasks().get(i).threads()});
        }
        edges.sort((a, c) -> a[0] != c[0] ? Long.compare(a[0], c[0]) : Long.compare(a[1], c[1]));
        List<long[]> steps = new ArrayList<>();
        long busy = 0;
        for (int i = 0; i < edges.size(); i++) {
            busy += edges.get(i)[1];
            if (i + 1 == edges.size() || edges.get(i + 1)[0] != edges.get(i)[0]) {
                steps.add(new long[] {edges.get(i)[0], busy});
            }
        }
        return steps;
    }
}
