package dev.cotenant.sched.policy;

import dev.cotenant.sched.schedule.CompactSchedule;
import dev.cotenant.sched.workload.TenantShape;
import java.util.List;

/**
 * The unregulated policies, as points of the compact form so that they run on the same executor
 * as the searched one. Every task asks for all the device's cores, as a model run alone would.
 * Where tenants have streams of their own, a stream has its tenant's priority.
 *
 * <ul>
 *   <li>{@code sequential}: one stream, model after model (what single-model runtimes do);
 *   <li>{@code multistream}: one stream per model, no regulation: the device takes tasks from the
 *       streams as their threads fit;
 *   <li>{@code interleave}: one stream, operators taken breadth-first round robin, one of each tenant
 *       in turn (a sync pointer after every operator).
 * </ul>
 *
 * <p>Public so that another device (the simulated GPU) builds the same points; there
 * {@code cores} is 1, since a GPU task asks for no threads.
 */
public final class Baselines {

    private Baselines() {}

    public static CompactSchedule sequential(List<TenantShape> shapes, int cores) {
        int n = shapes.size();
        return new CompactSchedule(new int[n], new int[] {0}, cuts(n, 0), whole(shapes), threads(n, 1, cores));
    }

    public static CompactSchedule multistream(List<TenantShape> shapes, int cores) {
        int n = shapes.size();
        int[] streamOf = new int[n];
        for (int t = 0; t < n; t++) {
            streamOf[t] = t;
        }
        return new CompactSchedule(streamOf, SearchSpace.streamPriorities(shapes, streamOf, n), cuts(n, 0), whole(shapes),
                threads(n, 1, cores));
    }

    public static CompactSchedule interleave(List<TenantShape> shapes, int cores) {
        int n = shapes.size();
        int longest = shapes.stream().mapToInt(TenantShape::ops).max().orElse(1);
        int[][] cuts = new int[n][longest - 1];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < longest - 1; j++) {
                cuts[t][j] = Math.min(j + 1, shapes.get(t).ops());
            }
        }
        return new CompactSchedule(new int[n], new int[] {0}, cuts, whole(shapes), threads(n, longest, cores));
    }

    private static int[][] cuts(int n, int count) {
        return new int[n][count];
    }

    static int[][] whole(List<TenantShape> shapes) {
        int[][] p = new int[shapes.size()][];
        for (int t = 0; t < p.length; t++) {
            p[t] = new int[shapes.get(t).ops()];
            java.util.Arrays.fill(p[t], 1);
        }
        return p;
    }

    static int[][] threads(int n, int stages, int cores) {
        int[][] th = new int[n][stages];
        for (int[] row : th) {
            java.util.Arrays.fill(row, cores);
        }
        return th;
    }
}
