package dev.cotenant.sched.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.ModelException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTextTest {

    static final List<Schedule.Member> MEMBERS = List.of(new Schedule.Member("a:1", 3), new Schedule.Member("b:2", 2));

    /** Two tenants on two streams, two stages, a split operator. */
    static CompactSchedule twoStage() {
        return new CompactSchedule(new int[] {0, 1}, new int[] {1, 0},
                new int[][] {{2}, {1}}, new int[][] {{1, 1, 2}, {1, 1}}, new int[][] {{1, 2}, {1, 2}});
    }

    static final String GOLDEN = """
            schedule tenants=2 streams=2
            tenant 0 a:1 ops=3
            tenant 1 b:2 ops=2
            stream 0 priority=1
              run t0 op0 threads=1
              run t0 op1 threads=1
              record s0.0
              wait s0.1
              run t0 op2 part=0/2 threads=2
              run t0 op2 part=1/2 threads=2
            stream 1 priority=0
              run t1 op0 threads=1
              record s0.1
              wait s0.0
              run t1 op1 threads=2
            """;

    @Test
    void compactFormCompilesToTheGoldenText() {
        assertEquals(GOLDEN, twoStage().compile(MEMBERS).text());
    }

    @Test
    void textParsesBackUnchanged() {
        Schedule s = Schedule.parse(GOLDEN);
        assertEquals(twoStage().compile(MEMBERS), s);
        assertEquals(GOLDEN, s.text());
    }

    @Test
    void commentsAndBlankLinesAreIgnored() {
        Schedule s = Schedule.parse("# hand-written\n\n" + GOLDEN.replace("stream 1", "# second\nstream 1"));
        assertEquals(GOLDEN, s.text());
    }

    @Test
    void malformedLinesAreNamed() {
        assertMessage(GOLDEN.replace("run t0 op1 threads=1", "run t0 op1 threads=x"), "schedule line 6 'run t0 op1 threads=x': bad number");
        assertMessage(GOLDEN.replace("run t0 op1 threads=1", "jump t0"), "schedule line 6 'jump t0': unknown line");
        assertMessage(GOLDEN.replace("part=1/2", "part=2/2"), "part 2/2 must be I/S");
        assertMessage(GOLDEN.replace("streams=2", "streams=3"), "header says 2 tenants and 3 streams");
        assertMessage("tenant 0 a:1 ops=1\n", "no 'schedule tenants=N streams=N' header");
        assertMessage(GOLDEN.replace("record s0.0", "record s 0"), "line 7 'record s 0': expected 2 words");
    }

    private static void assertMessage(String text, String expected) {
        ModelException e = assertThrows(ModelException.class, () -> Schedule.parse(text));
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
