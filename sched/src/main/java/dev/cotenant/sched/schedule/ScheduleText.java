package dev.cotenant.sched.schedule;

import dev.cotenant.ir.ModelException;
import java.util.ArrayList;
import java.util.List;

/**
 * The schedule's text form, one instruction a line:
 *
 * <pre>
 * schedule tenants=2 streams=2
 * tenant 0 resnet18:1 ops=52
 * tenant 1 bert-tiny:1 ops=40
 * stream 0 priority=0
 *   run t0 op0 threads=2
 *   run t0 op1 part=0/2 threads=1
 *   record e0
 * stream 1 priority=0
 *   wait e0
 *   run t1 op0 threads=1
 * </pre>
 *
 * Blank lines and lines starting with {@code #} are ignored when parsing.
 */
final class ScheduleText {

    private ScheduleText() {}

    static String print(Schedule s) {
        StringBuilder b = new StringBuilder();
        b.append("schedule tenants=").append(s.tenants().size()).append(" streams=").append(s.streams().size()).append('\n');
        for (int t = 0; t < s.tenants().size(); t++) {
            Schedule.Member m = s.tenants().get(t);
            b.append("tenant ").append(t).append(' ').append(m.name()).append(" ops=").append(m.ops()).append('\n');
        }
        for (int i = 0; i < s.streams().size(); i++) {
            Stream st = s.streams().get(i);
            b.append("stream ").append(i).append(" priority=").append(st.priority()).append('\n');
            for (Instruction in : st.instructions()) {
                b.append("  ");
                switch (in) {
                    case Instruction.Run r -> {
                        Task k = r.task();
                        b.append("run t").append(k.tenant()).append(" op").append(k.op());
                        if (k.parts() > 1) {
                            b.append(" part=").append(k.part()).append('/').append(k.parts());
                        }
                        b.append(" threads=").append(k.threads());
                    }
                    case Instruction.Record r -> b.append("record ").append(r.event());
                    case Instruction.Wait w -> b.append("wait ").append(w.event());
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    static Schedule parse(String text) {
        List<Schedule.Member> tenants = new ArrayList<>();
        List<Stream> streams = new ArrayList<>();
        int declaredTenants = -1;
        int declaredStreams = -1;
        int streamPriority = 0;
        List<Instruction> current = null;
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "schedule line " + (n + 1) + " '" + line + "'";
            String[] w = line.split("\\s+");
            try {
                switch (w[0]) {
                    case "schedule" -> {
                        expect(w, 3, where);
                        declaredTenants = value(w[1], "tenants", where);
                        declaredStreams = value(w[2], "streams", where);
                    }
                    case "tenant" -> {
                        expect(w, 4, where);
                        if (Integer.parseInt(w[1]) != tenants.size()) {
                            throw new ModelException(where + ": expected tenant " + tenants.size());
                        }
                        tenants.add(new Schedule.Member(w[2], value(w[3], "ops", where)));
                    }
                    case "stream" -> {
                        expect(w, 3, where);
                        if (current != null) {
                            streams.add(new Stream(streamPriority, current));
                        }
                        int index = Integer.parseInt(w[1]);
                        if (index != streams.size()) {
                            throw new ModelException(where + ": expected stream " + streams.size());
                        }
                        streamPriority = signedValue(w[2], "priority", where);
                        current = new ArrayList<>();
                    }
                    case "run", "record", "wait" -> {
                        if (current == null) {
                            throw new ModelException(where + ": instruction before the first 'stream' line");
                        }
                        current.add(instruction(w, where));
                    }
                    default -> throw new ModelException(where + ": unknown line; expected schedule, tenant, stream, run, record or wait");
                }
            } catch (NumberFormatException e) {
                throw new ModelException(where + ": bad number (" + e.getMessage() + ")");
            }
        }
        if (current != null) {
            streams.add(new Stream(streamPriority, current));
        }
        if (declaredTenants < 0) {
            throw new ModelException("schedule text has no 'schedule tenants=N streams=N' header");
        }
        if (declaredTenants != tenants.size() || declaredStreams != streams.size()) {
            throw new ModelException("schedule header says " + declaredTenants + " tenants and " + declaredStreams
                    + " streams, but the text has " + tenants.size() + " and " + streams.size());
        }
        return new Schedule(tenants, streams);
    }

    private static Instruction instruction(String[] w, String where) {
        switch (w[0]) {
            case "record", "wait" -> {
                expect(w, 2, where);
                if (!w[1].matches("[A-Za-z0-9_.-]+")) {
                    throw new ModelException(where + ": event names use letters, digits, '_', '.' and '-'");
                }
                return w[0].equals("record") ? new Instruction.Record(w[1]) : new Instruction.Wait(w[1]);
            }
            default -> {
                if (w.length != 4 && w.length != 5) {
                    throw new ModelException(where + ": expected 'run tT opN [part=I/S] threads=N'");
                }
                if (!w[1].startsWith("t") || !w[2].startsWith("op")) {
                    throw new ModelException(where + ": expected 'run tT opN ...'");
                }
                int tenant = Integer.parseInt(w[1].substring(1));
                int op = Integer.parseInt(w[2].substring(2));
                int part = 0;
                int parts = 1;
                if (w.length == 5) {
                    if (!w[3].startsWith("part=") || w[3].indexOf('/') < 0) {
                        throw new ModelException(where + ": expected part=I/S");
                    }
                    String ps = w[3].substring(5);
                    part = Integer.parseInt(ps.substring(0, ps.indexOf('/')));
                    parts = Integer.parseInt(ps.substring(ps.indexOf('/') + 1));
                    if (parts < 2 || part < 0 || part >= parts) {
                        throw new ModelException(where + ": part " + ps + " must be I/S with 0 <= I < S and S >= 2");
                    }
                }
                int threads = value(w[w.length - 1], "threads", where);
                if (tenant < 0 || op < 0 || threads < 1) {
                    throw new ModelException(where + ": tenant and operator are >= 0, threads >= 1");
                }
                return new Instruction.Run(new Task(tenant, op, part, parts, threads));
            }
        }
    }

    private static void expect(String[] w, int n, String where) {
        if (w.length != n) {
            throw new ModelException(where + ": expected " + n + " words, found " + w.length);
        }
    }

    private static int value(String word, String key, String where) {
        int v = signedValue(word, key, where);
        if (v < 0) {
            throw new ModelException(where + ": " + key + " must not be negative");
        }
        return v;
    }

    private static int signedValue(String word, String key, String where) {
        if (!word.startsWith(key + "=")) {
            throw new ModelException(where + ": expected " + key + "=N, found '" + word + "'");
        }
        return Integer.parseInt(word.substring(key.length() + 1));
    }
}
