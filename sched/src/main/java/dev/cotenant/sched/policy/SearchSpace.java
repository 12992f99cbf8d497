package dev.cotenant.sched.policy;

import dev.cotenant.sched.schedule.CompactSchedule;
import dev.cotenant.sched.workload.TenantShape;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The space the gacer search walks: compact schedules for one workload on a device of
 * {@code cores} cores. Random points for sampling, and small moves (shift a sync pointer, add or
 * remove a stage, change a split, a tenant's threads in a stage, its stream or a priority) for the
 * search's mutations. Every point it makes is valid by construction.
 */
public final class SearchSpace {

    /** Split factors tried; bounded by each operator's own maximum. */
    public static final int[] SPLITS = CompactSchedule.SPLITS;
    static final int MAX_STAGES = 8;

    private final List<TenantShape> shapes;
    private final int cores;
    /** Whether the user gave priorities: then each stream has its tenants' highest, and the search leaves them be. */
    private final boolean userPriorities;

    /** Stream priorities the search draws from: 0 to {@code priorityLevels - 1}. */
    private final int priorityLevels;

    public SearchSpace(List<TenantShape> shapes, int cores) {
        this(shapes, cores, 2);
    }

    SearchSpace(List<TenantShape> shapes, int cores, int priorityLevels) {
        this.shapes = shapes;
        this.cores = cores;
        this.priorityLevels = priorityLevels;
        this.userPriorities = shapes.stream().anyMatch(s -> s.priority() != 0);
    }

    /** Stream priorities for a tenant-to-stream mapping: the highest of each stream's tenants. */
    static int[] streamPriorities(List<TenantShape> shapes, int[] streamOf, int streams) {
        int[] p = new int[streams];
        java.util.Arrays.fill(p, Integer.MIN_VALUE);
        for (int t = 0; t < streamOf.length; t++) {
            p[streamOf[t]] = Math.max(p[streamOf[t]], shapes.get(t).priority());
        }
        for (int s = 0; s < streams; s++) {
            p[s] = p[s] == Integer.MIN_VALUE ? 0 : p[s];
        }
        return p;
    }

    int tenants() {
        return shapes.size();
    }

    /** A uniformly drawn point: streams, mapping, stages, cuts, splits and threads. */
    public CompactSchedule random(SplittableRandom rnd) {
        int n = shapes.size();
        int streams = 1 + rnd.nextInt(n);
        int[] streamOf = new int[n];
        for (int t = 0; t < n; t++) {
            streamOf[t] = t < streams ? t : rnd.nextInt(streams);
        }
        int[] priority = streamPriorities(shapes, streamOf, streams);
        for (int s = 0; s < streams && !userPriorities; s++) {
            priority[s] = rnd.nextInt(priorityLevels);
        }
        int stages = 1 + rnd.nextInt(MAX_STAGES);
        int[][] cuts = new int[n][];
        int[][] parts = new int[n][];
        int[][] threads = new int[n][];
        for (int t = 0; t < n; t++) {
            int ops = shapes.get(t).ops();
            cuts[t] = new int[stages - 1];
            for (int j = 0; j < stages - 1; j++) {
                cuts[t][j] = rnd.nextInt(ops + 1);
            }
            Arrays.sort(cuts[t]);
            parts[t] = new int[ops];
            for (int op = 0; op < ops; op++) {
                parts[t][op] = rnd.nextInt(4) == 0 ? split(t, op, SPLITS[rnd.nextInt(SPLITS.length)]) : 1;
            }
            threads[t] = new int[stages];
            for (int j = 0; j < stages; j++) {
                threads[t][j] = 1 + rnd.nextInt(cores);
            }
        }
        return new CompactSchedule(streamOf, priority, cuts, parts, threads);
    }

    /** The largest allowed split factor of {@code op} not above {@code want}. */
    int split(int t, int op, int want) {
        int max = shapes.get(t).maxParts()[op];
        int best = 1;
        for (int s : SPLITS) {
            if (s <= want && s <= max) {
                best = s;
            }
        }
        return best;
    }

    /** One small move away from {@code c}. */
    CompactSchedule mutate(CompactSchedule c, SplittableRandom rnd) {
        CompactSchedule m = c.copy();
        int n = shapes.size();
        int t = rnd.nextInt(n);
        int stages = m.stages();
        switch (rnd.nextInt(7)) {
            case 0, 1 -> {
                if (stages > 1) {
                    int j = rnd.nextInt(stages - 1);
                    int lo = j == 0 ? 0 : m.cuts()[t][j - 1];
                    int hi = j == stages - 2 ? shapes.get(t).ops() : m.cuts()[t][j + 1];
                    int step = 1 + rnd.nextInt(Math.max(1, (hi - lo) / 2 + 1));
                    int v = m.cuts()[t][j] + (rnd.nextBoolean() ? step : -step);
                    m.cuts()[t][j] = Math.max(lo, Math.min(hi, v));
                } else {
                    return addStage(m, rnd);
                }
            }
            case 2 -> {
                return rnd.nextBoolean() || stages == 1 ? addStage(m, rnd) : removeStage(m, rnd.nextInt(stages - 1));
            }
            case 3 -> m.threads()[t][rnd.nextInt(stages)] = 1 + rnd.nextInt(cores);
            case 4 -> {
                int op = rnd.nextInt(shapes.get(t).ops());
                m.parts()[t][op] = split(t, op, SPLITS[rnd.nextInt(SPLITS.length)]);
            }
            case 5 -> {
                // Another stream for one tenant (a new one, or an existing one), dropping empty streams.
                int streams = m.streams();
                int target = rnd.nextInt(Math.min(n, streams + 1));
                return remap(m, t, target);
            }
            default -> {
                if (!userPriorities) {
                    int s = rnd.nextInt(m.streams());
                    m.priority()[s] = rnd.nextInt(priorityLevels);
                }
            }
        }
        return m;
    }

    private CompactSchedule addStage(CompactSchedule c, SplittableRandom rnd) {
        int stages = c.stages();
        if (stages >= MAX_STAGES) {
            return c;
        }
        int n = shapes.size();
        int[][] cuts = new int[n][];
        int[][] threads = new int[n][];
        for (int t = 0; t < n; t++) {
            int[] cut = Arrays.copyOf(c.cuts()[t], stages);
            cut[stages - 1] = rnd.nextInt(shapes.get(t).ops() + 1);
            Arrays.sort(cut);
            cuts[t] = cut;
            threads[t] = Arrays.copyOf(c.threads()[t], stages + 1);
            threads[t][stages] = 1 + rnd.nextInt(cores);
        }
        return new CompactSchedule(c.streamOf(), c.priority(), cuts, c.parts(), threads);
    }

    private CompactSchedule removeStage(CompactSchedule c, int j) {
        int n = shapes.size();
        int[][] cuts = new int[n][];
        int[][] threads = new int[n][];
        for (int t = 0; t < n; t++) {
            cuts[t] = remove(c.cuts()[t], j);
            threads[t] = remove(c.threads()[t], j + 1);
        }
        return new CompactSchedule(c.streamOf(), c.priority(), cuts, c.parts(), threads);
    }

    private static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    /** Moves tenant {@code t} to stream {@code target} and renumbers streams so none is empty. */
    private CompactSchedule remap(CompactSchedule c, int t, int target) {
        int[] streamOf = c.streamOf().clone();
        int oldStreams = c.streams();
        streamOf[t] = target;
        int[] renumber = new int[Math.max(oldStreams, target + 1)];
        Arrays.fill(renumber, -1);
        int next = 0;
        for (int i = 0; i < streamOf.length; i++) {
            if (renumber[streamOf[i]] < 0) {
                renumber[streamOf[i]] = next++;
            }
        }
        int[] priority = new int[next];
        for (int s = 0; s < renumber.length; s++) {
            if (renumber[s] >= 0) {
                priority[renumber[s]] = s < oldStreams ? c.priority()[s] : 0;
            }
        }
        for (int i = 0; i < streamOf.length; i++) {
            streamOf[i] = renumber[streamOf[i]];
        }
        if (userPriorities) {
            priority = streamPriorities(shapes, streamOf, next);
        }
        return new CompactSchedule(streamOf, priority, c.cuts(), c.parts(), c.threads());
    }
}
