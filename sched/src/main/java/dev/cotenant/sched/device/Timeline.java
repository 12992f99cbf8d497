package dev.cotenant.sched.device;

import dev.cotenant.sched.schedule.Task;
import java.util.Arrays;
import java.util.List;

/**
 * What a schedule did on a device, round by round: each task's start and end in nanoseconds from
 * its round's start. {@code tasks} and {@code streamOf} are in the executor's order (stream by
 * stream); {@code start[r][i]} and {@code end[r][i]} belong to {@code tasks.get(i)} in round r.
 */
public record Timeline(List<Task> tasks, int[] streamOf, int streams, int tenants, int cores, long[][] start, long[][] end) {

    public int rounds() {
        return start.length;
    }

    /** Round r's makespan: from its start to the end of its last task. */
    public long makespanNanos(int r) {
        long m = 0;
        for (long e : end[r]) {
            m = Math.max(m, e);
        }
        return m;
    }

    public double medianMakespanMs() {
        long[] m = new long[rounds()];
        for (int r = 0; r < m.length; r++) {
            m[r] = makespanNanos(r);
        }
        return median(m) / 1e6;
    }

    /** The round whose makespan is the median, for reports. */
    public int medianRound() {
        Integer[] idx = new Integer[rounds()];
        for (int r = 0; r < idx.length; r++) {
            idx[r] = r;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(makespanNanos(a), makespanNanos(b)));
        return idx[(idx.length - 1) / 2];
    }

    /** Median over rounds of the time from round start to the tenant's last task's end. */
    public double medianLatencyMs(int tenant) {
        long[] l = new long[rounds()];
        for (int r = 0; r < l.length; r++) {
            for (int i = 0; i < tasks.size(); i++) {
                if (tasks.get(i).tenant() == tenant) {
                    l[r] = Math.max(l[r], end[r][i]);
                }
            }
        }
        return median(l) / 1e6;
    }

    /** Busy core-time over available core-time, in round r. */
    public double utilisation(int r) {
        double busy = 0;
        for (int i = 0; i < tasks.size(); i++) {
            busy += (double) (end[r][i] - start[r][i]) * tasks.get(i).threads();
        }
        long m = makespanNanos(r);
        return m == 0 ? 0 : busy / ((double) m * cores);
    }

    public double medianUtilisation() {
        double[] u = new double[rounds()];
        for (int r = 0; r < u.length; r++) {
            u[r] = utilisation(r);
        }
        Arrays.sort(u);
        return u[(u.length - 1) / 2];
    }

    static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? 0 : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }
}
