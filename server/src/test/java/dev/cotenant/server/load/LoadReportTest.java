package dev.cotenant.server.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cotenant.server.load.LoadGenerator.FrameReport;
import dev.cotenant.server.load.LoadGenerator.ModelReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The frames of together mode in each of the report's forms, and nowhere else. */
class LoadReportTest {

    private static final List<ModelReport> MODELS = List.of(
            new ModelReport("a", 10, 9, 1, 0, 0, 9, 5, 6, 7, 8, "refused", 0, 0, 0),
            new ModelReport("b", 10, 10, 0, 0, 0, 10, 15, 16, 17, 18, null, 0, 0, 0));
    private static final FrameReport FRAMES = new FrameReport(10, 8, 1, 1, 15.25, 16.5, 40, 41, 150, 7, 0.7);

    private static LoadGenerator.Options options(boolean together, double rate) {
        return new LoadGenerator.Options("http://127.0.0.1:8000", LoadGenerator.Protocol.REST, List.of("a", "b"), List.of(rate, rate), 0,
                Duration.ofSeconds(1), 1, 1, together, Map.of(), null, null, together ? 150 : 0);
    }

    @Test
    void theJsonHasFramesOnlyInTogetherMode() throws Exception {
        ObjectMapper m = new ObjectMapper();
        JsonNode together = m.readTree(LoadReport.json(List.of(new LoadReport.Step(options(true, 10), MODELS, FRAMES))));
        assertEquals(10, together.path("frames").path("sent").asLong(), together.toPrettyString());
        assertEquals(8, together.path("frames").path("complete").asLong());
        assertEquals(7, together.path("frames").path("withinDeadline").asLong());
        assertEquals(0.7, together.path("frames").path("withinDeadlineShare").asDouble());
        assertEquals(150.0, together.path("frames").path("deadlineMs").asDouble());
        assertEquals(2, together.path("models").size(), "the per-model reports stay as they were");
        JsonNode apart = m.readTree(LoadReport.json(List.of(new LoadReport.Step(options(false, 10), MODELS))));
        assertFalse(apart.has("frames"), apart.toPrettyString());
        JsonNode sweep = m.readTree(LoadReport.json(List.of(new LoadReport.Step(options(true, 10), MODELS, FRAMES),
                new LoadReport.Step(options(true, 20), MODELS, FRAMES))));
        assertTrue(sweep.path("sweep").get(1).has("frames"), sweep.toPrettyString());
    }

    @Test
    void theTableEndsItsModelLinesWithOneFramesLinePerStep() {
        String one = LoadReport.table(List.of(new LoadReport.Step(options(true, 10), MODELS, FRAMES)));
        List<String> lines = one.lines().toList();
        assertTrue(lines.get(2).startsWith("b "), one);
        assertEquals("frames: sent 10, complete 8, failed 1, lost 1, p50/p90/p99 15.3/16.5/40.0 ms, within 150 ms: 7 (70.0%)", lines.get(3));
        assertEquals("first problem for a: refused", lines.get(4));
        String sweep = LoadReport.table(List.of(new LoadReport.Step(options(true, 10), MODELS, FRAMES),
                new LoadReport.Step(options(true, 20), MODELS, new FrameReport(5, 5, 0, 0, 1, 2, 3, 3, 0, 0, 0))));
        assertTrue(sweep.contains("\nframes at 10/s: sent 10, complete 8,"), sweep);
        assertTrue(sweep.contains("\nframes at 20/s: sent 5, complete 5, failed 0, p50/p90/p99 1.0/2.0/3.0 ms\n"), "no deadline, none judged: " + sweep);
        String apart = LoadReport.table(List.of(new LoadReport.Step(options(false, 10), MODELS)));
        assertFalse(apart.contains("frames"), apart);
    }

    @Test
    void theCsvIsTheSameWithOrWithoutFrames() {
        String with = LoadReport.csv(List.of(new LoadReport.Step(options(true, 10), MODELS, FRAMES)));
        String without = LoadReport.csv(List.of(new LoadReport.Step(options(true, 10), MODELS)));
        assertEquals(without, with);
        assertEquals(3, with.lines().count(), with);
    }
}
