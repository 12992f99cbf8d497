package dev.cotenant.sched.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The co-location table of {@code simulate --validate}: every row cites its source, the mean
 * absolute error stays within 15%, and every row but one stays within 30%. The one it misses is named
 * here and reported, not hidden: eight TensorRT ResNet-50 services under MPS on a V100, where the
 * simulated FP32 kernels of one service already keep the GPU busy while the measured service leaves
 * it idle between requests (bench/RESULTS.md, "The co-location validation, 32 rows"). The MIG rows at
 * batch 1 and 8 it missed before framework kernels carried their fixed device time are asserted.
 * {@link #theHandoffAloneMovesTheMissToTheTimeSlicedRow} records why that idle time is not modelled.
 */
class CoLocationValidationTest {

    static final Set<String> KNOWN_MISSES = Set.of("8 x ResNet-50 b1, MPS vs 1 process");

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

    /**
     * The service's idle time, modelled alone: one execution context per process (TensorRT
     * Laboratory, examples/02_TensorRT_GRPC/src/server.cc, {@code --contexts 1}) makes each inference
     * wait until the previous one has synchronised and released the context, host time after the
     * device drained. Fitted to the one-process figure only (383/s: 2609 us an inference, 1276 of
     * them simulated kernels, so 1334 us of handoff), it brings the MPS row within 30%, but with time
     * slicing switching to another context whenever the owner has nothing queued (as the simulator
     * and, as far as any source found says, the hardware do), eight time-sliced services then fill
     * each other's idle time too and the row measured at 0.95 comes out near 2. The miss moves
     * rather than closes, which is why the handoff is not part of the row's runtime.
     */
    @Test
    void theHandoffAloneMovesTheMissToTheTimeSlicedRow() {
        List<CoLocationValidation.Figure> trtLab = new ArrayList<>();
        for (CoLocationValidation.Figure f : CoLocationValidation.figures()) {
            if (f.source().equals(CoLocationFigures.TRT_LAB)) {
                trtLab.add(new CoLocationValidation.Figure(f.name(), f.source(), f.gpu(), f.precision(), f.runtime().withRequestUs(1334),
                        f.model(), f.batches(), f.copies(), f.corun(), f.baseline(), f.over(), f.published(), f.regime(), f.partner()));
            }
        }
        assertEquals(2, trtLab.size());
        List<CoLocationValidation.Row> rows = CoLocationValidation.simulate(trtLab);
        String table = CoLocationValidation.table(rows);
        CoLocationValidation.Row mps = rows.stream().filter(r -> KNOWN_MISSES.contains(r.figure().name())).findFirst().orElseThrow();
        CoLocationValidation.Row sliced = rows.stream().filter(r -> !KNOWN_MISSES.contains(r.figure().name())).findFirst().orElseThrow();
        assertTrue(Math.abs(mps.error()) <= 0.30, table);
        assertTrue(sliced.error() > 0.30, table);
    }
}
