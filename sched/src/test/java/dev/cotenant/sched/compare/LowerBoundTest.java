package dev.cotenant.sched.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cotenant.sched.device.Profile;
import dev.cotenant.sched.device.Timeline;
import dev.cotenant.sched.schedule.CompactSchedule;
import dev.cotenant.sched.schedule.Task;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CPU lower bound, and how the fastest operator times the measured rounds saw refine it. */
class LowerBoundTest {

    /** Two tenants of two operators each, every one profiled at 10 ms on one thread and 6 ms on two. */
    private static List<Profile> profiles() {
        return List.of(profile("a:1"), profile("b:1"));
    }

    private static Profile profile(String name) {
        long[][][] nanos = new long[2][3][CompactSchedule.SPLITS.length];
        for (long[][] op : nanos) {
            for (long[] row : op) {
                Arrays.fill(row, -1);
            }
            op[1][0] = 10_000_000;
            op[2][0] = 6_000_000;
        }
        return new Profile(name, List.of("Conv", "Relu"), nanos, new double[2], new long[2], nanos);
    }

    /** One round of the given tasks, task i from 0 to {@code ms[i]} milliseconds. */
    private static Timeline round(List<Task> tasks, double... ms) {
        long[][] start = new long[1][tasks.size()];
        long[][] end = new long[1][tasks.size()];
        for (int i = 0; i < ms.length; i++) {
            end[0][i] = (long) (ms[i] * 1e6);
        }
        return new Timeline(tasks, new int[tasks.size()], 1, 2, 2, start, end);
    }

    @Test
    void profiledBoundIsTheLongerOfWorkAndCriticalPath() {
        LowerBound b = LowerBound.of(profiles(), 2);
        // Path: two operators at 6 ms. Work: four operators at 10 ms of core-time (1 thread) over 2 cores.
        assertEquals(12.0, b.criticalPathMs(), 1e-9);
        assertEquals(20.0, b.workMs(), 1e-9);
        assertEquals(20.0, b.ms(), 1e-9);
    }

    @Test
    void fasterWholeTasksSeenInRoundsLowerTheBound() {
        // Tenant a's first operator ran whole on two threads in 4 ms and on one in 7; tenant b's
        // second on one thread in 9 ms.
        Timeline tl = round(List.of(Task.whole(0, 0, 2), Task.whole(0, 0, 1), Task.whole(1, 1, 1)), 4, 7, 9);
        LowerBound b = LowerBound.of(profiles(), 2, List.of(tl));
        assertEquals(4_000_000 + 6_000_000, profiles().get(0).withFastestSeen(0, List.of(tl)).criticalPathNanos());
        assertEquals(12.0, b.criticalPathMs(), 1e-9, "tenant b's path, 6 + 6 ms, is now the longer");
        // Core-time: a's first operator 7 ms on one thread (not 2 x 4), b's second 9.
        assertEquals((7 + 10 + 10 + 9) / 2.0, b.workMs(), 1e-9);
        assertEquals(18.0, b.ms(), 1e-9);
    }

    @Test
    void slowerTasksSplitTasksAndOtherTenantsLeaveItAlone() {
        Timeline tl = round(List.of(
                Task.whole(0, 0, 2),          // slower than profiled: no news
                new Task(0, 1, 0, 2, 2),      // half an operator: not a sample of the whole
                new Task(0, 1, 1, 2, 2)), 8, 1, 1);
        LowerBound b = LowerBound.of(profiles(), 2, List.of(tl));
        assertEquals(12.0, b.criticalPathMs(), 1e-9);
        assertEquals(20.0, b.workMs(), 1e-9);
        // Tenant b's profile is not touched by tenant a's tasks.
        Timeline other = round(List.of(Task.whole(0, 1, 1)), 2);
        Profile b1 = profiles().get(1).withFastestSeen(1, List.of(other));
        assertEquals(6_000_000, b1.bestNanos(1));
        assertEquals(2_000_000, profiles().get(0).withFastestSeen(0, List.of(other)).bestNanos(1));
    }

    @Test
    void plannedTimesStayAsProfiled() {
        Timeline tl = round(List.of(Task.whole(0, 0, 1)), 1);
        Profile p = profiles().get(0).withFastestSeen(0, List.of(tl));
        assertEquals(1_000_000, p.bestNanos(0));
        assertEquals(10_000_000, p.nanos(0, 1, 1));
    }
}
