package dev.cotenant.gpusim.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The published BERT-base latencies of specs/gpus.md bound the simulator's error (the issue asks for 25%). */
class ValidationTest {

    @Test
    void bertBaseFp16OnA100IsWithin25PercentOfThePublishedLatency() {
        List<Validation.Row> rows = Validation.simulate(Validation.BERT);
        String table = Validation.table(rows);
        System.out.print(table);
        for (Validation.Row r : rows) {
            assertTrue(Math.abs(r.error()) <= 0.25, "batch " + r.figure().batch() + " off by more than 25%:\n" + table);
        }
    }
}
