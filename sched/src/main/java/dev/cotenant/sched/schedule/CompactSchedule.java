package dev.cotenant.sched.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The searchable form of a schedule (GACER's regulation space), which {@link #compile} turns into
 * the full IR:
 *
 * <ul>
 *   <li><b>sync pointers</b> (temporal granularity): per tenant, {@code stages - 1} cut positions in
 *       its operator order. Stage j of every tenant runs concurrently with stage j of the others;
 *       no stream starts stage j + 1 before every stream has finished stage j (a barrier of events).
 *   <li><b>decomposition</b> (spatial granularity): per operator a split factor; a split operator
 *       becomes that many tasks, each a disjoint part of its output, so that other tenants' work can
 *       run between them and its threads can change at a stage boundary.
 *   <li><b>concurrency</b>: the number of streams, the stream of each tenant (tenants sharing a stream
 *       take turns in tenant order within a stage), stream priorities, and the threads each tenant's
 *       tasks ask for in each stage.
 * </ul>
 *
 * Arrays are owned by the record once given; do not change them afterwards.
 */
public record CompactSchedule(int[] streamOf, int[] priority, int[][] cuts, int[][] parts, int[][] threads) {

    /** The split factors an operator may be decomposed into (bounded by each operator's own maximum); the profiler times each. */
    public static final int[] SPLITS = {1, 2, 4};

    public CompactSchedule {
        int tenants = streamOf.length;
        if (cuts.length != tenants || parts.length != tenants || threads.length != tenants) {
            throw new IllegalArgumentException("every per-tenant array needs " + tenants + " rows");
        }
        int stages = tenants == 0 ? 1 : cuts[0].length + 1;
        for (int t = 0; t < tenants; t++) {
            if (cuts[t].length != stages - 1 || threads[t].length != stages) {
                throw new IllegalArgumentException("tenant " + t + ": every tenant needs " + (stages - 1) + " cuts and " + stages + " thread counts");
            }
            for (int j = 0; j < cuts[t].length; j++) {
                int lo = j == 0 ? 0 : cuts[t][j - 1];
                if (cuts[t][j] < lo || cuts[t][j] > parts[t].length) {
                    throw new IllegalArgumentException("tenant " + t + ": cuts must be non-decreasing within [0, ops], got " + Arrays.toString(cuts[t]));
                }
            }
            if (streamOf[t] < 0 || streamOf[t] >= priority.length) {
                throw new IllegalArgumentException("tenant " + t + ": stream " + streamOf[t] + " does not exist");
            }
        }
    }

    public int stages() {
        return streamOf.length == 0 ? 1 : cuts[0].length + 1;
    }

    public int streams() {
        return priority.length;
    }

    /** First operator of stage {@code j} of tenant {@code t}. */
    int stageStart(int t, int j) {
        return j == 0 ? 0 : cuts[t][j - 1];
    }

    int stageEnd(int t, int j) {
        return j == stages() - 1 ? parts[t].length : cuts[t][j];
    }

    /** The full schedule: tasks stage by stage on each stream, and an event barrier between stages. */
    public Schedule compile(List<Schedule.Member> members) {
        int n = streamOf.length;
        int stages = stages();
        int streams = streams();
        List<List<Instruction>> lists = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            lists.add(new ArrayList<>());
        }
        for (int j = 0; j < stages; j++) {
            if (j > 0 && streams > 1) {
                for (int s = 0; s < streams; s++) {
                    lists.get(s).add(new Instruction.Record("s" + (j - 1) + "." + s));
                }
                for (int s = 0; s < streams; s++) {
                    for (int o = 0; o < streams; o++) {
                        if (o != s) {
                            lists.get(s).add(new Instruction.Wait("s" + (j - 1) + "." + o));
                        }
                    }
                }
            }
            for (int t = 0; t < n; t++) {
                List<Instruction> l = lists.get(streamOf[t]);
                for (int op = stageStart(t, j); op < stageEnd(t, j); op++) {
                    int p = parts[t][op];
                    for (int i = 0; i < p; i++) {
                        l.add(new Instruction.Run(new Task(t, op, i, p, threads[t][j])));
                    }
                }
            }
        }
        List<Stream> result = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            result.add(new Stream(priority[s], lists.get(s)));
        }
        return new Schedule(members, result);
    }

    /** A deep copy, for mutation by the search. */
    public CompactSchedule copy() {
        return new CompactSchedule(streamOf.clone(), priority.clone(), deep(cuts), deep(parts), deep(threads));
    }

    static int[][] deep(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompactSchedule c && Arrays.equals(streamOf, c.streamOf) && Arrays.equals(priority, c.priority)
                && Arrays.deepEquals(cuts, c.cuts) && Arrays.deepEquals(parts, c.parts) && Arrays.deepEquals(threads, c.threads);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(streamOf) ^ Arrays.deepHashCode(cuts) * 31 ^ Arrays.deepHashCode(parts) * 17 ^ Arrays.deepHashCode(threads) * 7;
    }

    /**
     * {@link #toString()} for a log line: a tenant's cuts or threads past a handful are counted,
     * not listed (interleave cuts every operator: hundreds of numbers per tenant).
     */
    public String summary() {
        return "streams " + Arrays.toString(streamOf) + " priority " + Arrays.toString(priority) + " cuts " + shortRows(cuts)
                + " threads " + shortRows(threads);
    }

    private static String shortRows(int[][] rows) {
        StringBuilder sb = new StringBuilder("[");
        for (int t = 0; t < rows.length; t++) {
            int[] r = rows[t];
            sb.append(t > 0 ? ", " : "");
            if (r.length <= 6) {
                sb.append(Arrays.toString(r));
            } else if (Arrays.stream(r).allMatch(v -> v == r[0])) {
                sb.append(r.length).append(" x ").append(r[0]);
            } else {
                sb.append(r.length).append(" values");
            }
        }
        return sb.append(']').toString();
    }

    @Override
    public String toString() {
        return "streams " + Arrays.toString(streamOf) + " priority " + Arrays.toString(priority) + " cuts " + Arrays.deepToString(cuts)
                + " threads " + Arrays.deepToString(threads);
    }
}
