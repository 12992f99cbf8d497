package dev.cotenant.sched.compare;

import dev.cotenant.sched.device.Timeline;
import dev.cotenant.sched.schedule.Task;
import java.io.IOException;
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

    private Trace() {}

    public static void write(CoLocation.Report r, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, json(r));
    }

    static String json(CoLocation.Report r) {
        StringBuilder b = new StringBuilder("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
        boolean first = true;
        int pid = 0;
        for (CoLocation.PolicyResult p : r.policies()) {
            pid++;
            Timeline tl = p.timeline();
            int round = tl.medianRound();
            first = event(b, first, String.format(Locale.ROOT,
                    "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,\"args\":{\"name\":\"%s (%.1f ms)\"}}", pid, p.name(), p.makespanMs()));
            first = event(b, first, String.format(Locale.ROOT,
                    "{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":%d,\"args\":{\"sort_index\":%d}}", pid, pid));
            for (int s = 0; s < tl.streams(); s++) {
                first = event(b, first, String.format(Locale.ROOT,
                        "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"args\":{\"name\":\"stream %d\"}}", pid, s, s));
            }
            for (int i = 0; i < tl.tasks().size(); i++) {
                Task t = tl.tasks().get(i);
                String op = p.schedule() == null ? "whole model" : r.profiles().get(t.tenant()).opNames().get(t.op());
                String tenant = r.plans().get(t.tenant()).tenant().label();
                first = event(b, first, String.format(Locale.ROOT,
                        "{\"name\":\"%s %s\",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"ts\":%.3f,\"dur\":%.3f,"
                                + "\"args\":{\"tenant\":\"%s\",\"op\":%d,\"part\":\"%d/%d\",\"threads\":%d}}",
                        tenant, op, tenant, pid, tl.streamOf()[i], tl.start()[round][i] / 1e3,
                        (tl.end()[round][i] - tl.start()[round][i]) / 1e3, tenant, t.op(), t.part(), t.parts(), t.threads()));
            }
            for (long[] c : p.schedule() == null ? List.<long[]>of() : busyCores(tl, round)) {
                first = event(b, first, String.format(Locale.ROOT,
                        "{\"name\":\"busy cores\",\"ph\":\"C\",\"pid\":%d,\"ts\":%.3f,\"args\":{\"cores\":%d}}", pid, c[0] / 1e3, c[1]));
            }
        }
        return b.append("\n]}\n").toString();
    }

    private static boolean event(StringBuilder b, boolean first, String e) {
        if (!first) {
            b.append(",\n");
        }
        b.append(e);
        return false;
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
