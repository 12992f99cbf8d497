package dev.cotenant.sched.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The co-location table of {@code simulate --validate}: every row cites its source, the mean
 * absolute error stays within 15%, and the rows the simulator is known to get right stay within
 * 30%. The rows it misses are named here and reported, not hidden (bench/RESULTS.md, "The
 * co-location validation, 32 rows"): eight ResNet-50 engines under MPS, where the simulated FP32
 * kernels already fill the V100 alone, and ResNet-50 on MIG slices at batch 8 (and the 1g slice at
 * batch 1), where the real slices are compute-bound sooner than the simulated ones: against
 * MIGPerf's per-slice latencies the simulated kernels are 1.2-1.3 times too fast at batch 32-256
 * and about 1.6 times at batch 8.
 */
class CoLocationValidationTest {

    static final Set<String> KNOWN_MISSES = Set.of("8 x ResNet-50 b1, MPS vs 1 process", "7 x ResNet-50 b1, MIG 1g vs 7g",
            "7 x ResNet-50 b8, MIG 1g vs 7g", "3 x ResNet-50 b8, MIG 2g vs 7g", "2 x ResNet-50 b8, MIG 3g vs 7g");

    @Test
    void everyRowHasASourceAndThePredictionsAreStable() {
        List<CoLocationValidation.Figure> figures = CoLocationValidation.figures();
        assertTrue(figures.size() >= 5);
        for (CoLocationValidation.Figure f : figures) {
            assertTrue(f.source().contains("https://"), f.name() + " cites no address");
            assertTrue(f.published() > 0);
        }
        Set<String> sources = figures.stream().map(CoLocationValidation.Figure::source).collect(Collectors.toSet());
        assertTrue(sources.size() >= 4, sources.toString());
        assertTrue(figures.size() >= 12);
        List<CoLocationValidation.Row> rows = CoLocationValidation.simulate(figures);
        String table = CoLocationValidation.table(rows);
        System.out.print(table);
        for (CoLocationValidation.Row r : rows) {
            if (!KNOWN_MISSES.contains(r.figure().name())) {
                assertTrue(Math.abs(r.error()) <= 0.30, r.figure().name() + " off by more than 30%:\n" + table);
            }
        }
        assertTrue(CoLocationValidation.mape(rows) <= 0.15, "mean absolute error over 15%:\n" + table);
        String json = SimulatorJson.coLocationValidation(rows);
        assertTrue(json.startsWith("{\"table\":\"co-location\",\"rows\":[{\"name\":"), json);
        assertTrue(json.matches(".*\\],\"mape\":[0-9.]+\\}"), json);
        assertEquals(rows.size(), json.split("\"published\"").length - 1);
    }
}
