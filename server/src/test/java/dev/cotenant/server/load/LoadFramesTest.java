package dev.cotenant.server.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cotenant.ir.ModelException;
import dev.cotenant.server.load.LoadGenerator.FrameReport;
import dev.cotenant.server.load.Transport.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The frame bookkeeping of together mode, fed made-up answers at made-up times. */
class LoadFramesTest {

    private static final long MS = 1_000_000;

    @Test
    void aFrameIsCompleteOnlyWhenEveryRequestIsOkAndLastsUntilItsLastAnswer() {
        Frames frames = new Frames(0);
        Frames.Frame f = frames.start(1_000 * MS, 3);
        frames.answered(f, Kind.OK, 1_010 * MS);
        frames.answered(f, Kind.OK, 1_020 * MS);
        assertEquals(0, frames.report().complete(), "one answer still to come");
        frames.answered(f, Kind.OK, 1_030 * MS);
        FrameReport r = frames.report();
        assertEquals(new FrameReport(1, 1, 0, 0, 30.0, 30.0, 30.0, 30.0, 0, 0, 0), r, "from the arrival to the last answer");
    }

    @Test
    void oneRefusalFailsTheFrameOnceAndAnUnansweredRequestLosesIt() {
        Frames frames = new Frames(0);
        Frames.Frame refused = frames.start(0, 3);
        frames.answered(refused, Kind.OK, 5 * MS);
        frames.answered(refused, Kind.REJECTED, 6 * MS);
        frames.answered(refused, Kind.ERROR, 7 * MS);
        Frames.Frame orphan = frames.start(0, 2);
        frames.answered(orphan, Kind.REJECTED, 3 * MS); // its sibling never answers: failed all the same
        Frames.Frame lost = frames.start(0, 2);
        frames.answered(lost, Kind.OK, 3 * MS);
        FrameReport r = frames.report();
        assertEquals(3, r.sent());
        assertEquals(0, r.complete());
        assertEquals(2, r.failed(), "one per frame, however many of its requests failed");
        assertEquals(1, r.lost());
        assertEquals(0, r.p50(), "no complete frame, no latency");
    }

    @Test
    void theDeadlineCountsCompleteFramesWithinItAsAShareOfFramesSent() {
        Frames frames = new Frames(25);
        long[] lastAnswerMs = {10, 25, 30, 200};
        for (long ms : lastAnswerMs) {
            Frames.Frame f = frames.start(0, 2);
            frames.answered(f, Kind.OK, ms * MS / 2);
            frames.answered(f, Kind.OK, ms * MS);
        }
        Frames.Frame refusedButFast = frames.start(0, 2);
        frames.answered(refusedButFast, Kind.OK, MS);
        frames.answered(refusedButFast, Kind.REJECTED, MS);
        FrameReport r = frames.report();
        assertEquals(5, r.sent());
        assertEquals(4, r.complete());
        assertEquals(2, r.withinDeadline(), "10 and 25 ms are within 25; a refused frame never is, however fast");
        assertEquals(0.4, r.withinDeadlineShare(), 1e-12);
        assertEquals(25.0, r.deadlineMs());
        assertEquals(200.0, r.max());
        assertEquals(200.0, r.p99());
    }

    @Test
    void answersFromManyThreadsSettleEveryFrameExactlyOnce() throws Exception {
        Frames frames = new Frames(0);
        int n = 2_000;
        List<Runnable> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Frames.Frame f = frames.start(0, 3);
            boolean refuse = i % 10 == 0;
            for (int k = 0; k < 3; k++) {
                Kind kind = refuse && k == 1 ? Kind.REJECTED : Kind.OK;
                answers.add(() -> frames.answered(f, kind, MS));
            }
        }
        Collections.shuffle(answers, new java.util.Random(3));
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            answers.forEach(pool::execute);
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        FrameReport r = frames.report();
        assertEquals(n / 10, r.failed());
        assertEquals(n - n / 10, r.complete());
        assertEquals(0, r.lost());
    }

    @Test
    void aFrameDeadlineNeedsTogetherAndAPositiveBound() {
        var apart = new LoadGenerator.Options("http://127.0.0.1:9", LoadGenerator.Protocol.REST, List.of("m"), List.of(1.0), 0, Duration.ofSeconds(1),
                1, 1, false, Map.of(), null, null, 150);
        assertEquals(LoadGenerator.FRAME_DEADLINE_TOGETHER, assertThrows(ModelException.class, () -> new LoadGenerator(apart)).getMessage());
        var negative = new LoadGenerator.Options("http://127.0.0.1:9", LoadGenerator.Protocol.REST, List.of("m"), List.of(1.0), 0,
                Duration.ofSeconds(1), 1, 1, true, Map.of(), null, null, -5);
        assertEquals(LoadGenerator.FRAME_DEADLINE_POSITIVE + "-5.0", assertThrows(ModelException.class, () -> new LoadGenerator(negative)).getMessage());
        assertEquals(150.0, apart.withRates(List.of(2.0)).frameDeadlineMs(), "a sweep's steps keep the deadline");
        var together = new LoadGenerator.Options("http://127.0.0.1:9", LoadGenerator.Protocol.REST, List.of("m"), List.of(1.0), 0,
                Duration.ofSeconds(1), 1, 1, true, Map.of(), null, null, 150);
        try (LoadGenerator g = new LoadGenerator(together)) {
            assertNull(g.frames(), "no frames before a run");
        }
    }
}
