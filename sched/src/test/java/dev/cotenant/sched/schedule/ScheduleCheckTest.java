package dev.cotenant.sched.schedule;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.workload.TenantShape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleCheckTest {

    static final List<TenantShape> SHAPES = List.of(new TenantShape("a:1", new int[] {1, 1, 2}), new TenantShape("b:2", new int[] {1, 1}));

    @Test
    void theGoldenScheduleIsValid() {
        Schedule.parse(ScheduleTextTest.GOLDEN).validate(SHAPES, 2);
    }

    @Test
    void aSkippedTaskIsNamed() {
        rejects(ScheduleTextTest.GOLDEN.replace("  run t0 op2 part=1/2 threads=2\n", ""), "task t0 op2 part 1/2 of a:1 never runs");
        rejects(ScheduleTextTest.GOLDEN.replace("  run t1 op0 threads=1\n", ""), "task t1 op0 of b:2 never runs");
    }

    @Test
    void aRepeatedTaskIsNamed() {
        rejects(ScheduleTextTest.GOLDEN.replace("  run t1 op0 threads=1\n", "  run t1 op0 threads=1\n  run t0 op1 threads=1\n"),
                "task t0 op1 runs twice: stream 0 instruction 1 and stream 1 instruction 1");
    }

    @Test
    void aBrokenDependencyIsNamed() {
        // t0 op2 moved before the stage barrier on another stream: it may start before t0 op1 ends.
        String moved = ScheduleTextTest.GOLDEN.replace("  run t0 op2 part=0/2 threads=2\n", "")
                .replace("  run t1 op0 threads=1\n", "  run t1 op0 threads=1\n  run t0 op2 part=0/2 threads=2\n");
        rejects(moved, "task t0 op2 part 0/2 (stream 1 instruction 1) may start before t0 op1 (stream 0 instruction 1) ends");
        String swapped = ScheduleTextTest.GOLDEN.replace("run t0 op0 threads=1\n  run t0 op1 threads=1", "run t0 op1 threads=1\n  run t0 op0 threads=1");
        rejects(swapped, "task t0 op1 (stream 0 instruction 0) may start before t0 op0");
    }

    @Test
    void aDeadlockIsNamed() {
        String deadlock = ScheduleTextTest.GOLDEN.replace("  record s0.1\n  wait s0.0\n", "  wait s0.0\n  record s0.1\n")
                .replace("  record s0.0\n  wait s0.1\n", "  wait s0.1\n  record s0.0\n");
        rejects(deadlock, "the schedule can deadlock: stream 0 at instruction 2 'wait s0.1', stream 1 at instruction 1 'wait s0.0'");
        rejects(ScheduleTextTest.GOLDEN.replace("record s0.1", "record s9"), "waits for event s0.1, which no stream records");
        rejects(ScheduleTextTest.GOLDEN.replace("record s0.1", "record s0.0"), "event s0.0 is recorded twice");
    }

    @Test
    void wrongSplitsThreadsAndTenantsAreNamed() {
        rejects(ScheduleTextTest.GOLDEN.replace("  run t1 op1 threads=2\n", "  run t1 op1 part=0/2 threads=2\n  run t1 op1 part=1/2 threads=2\n"),
                "task t1 op1 part 0/2 (stream 1 instruction 3): the operator can be split into at most 1 parts");
        rejects(ScheduleTextTest.GOLDEN.replace("run t1 op1 threads=2", "run t1 op1 threads=3"), "asks for 3 threads; the device has 2");
        rejects(ScheduleTextTest.GOLDEN.replace("run t1 op1", "run t1 op7"), "tenant b:2 has only 2 ops");
        rejects(ScheduleTextTest.GOLDEN.replace("tenant 1 b:2", "tenant 1 c:2"), "schedule tenant 1 is c:2 with 2 ops, but the workload's is b:2");
    }

    private static void rejects(String text, String expected) {
        Schedule s = Schedule.parse(text);
        ModelException e = assertThrows(ModelException.class, () -> s.validate(SHAPES, 2));
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
