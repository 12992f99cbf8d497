package dev.cotenant.cli.colocate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cotenant.cli.common.Json;
import dev.cotenant.sched.compare.CoLocation;
import dev.cotenant.sched.compare.LowerBound;
import dev.cotenant.sched.policy.Policy;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code corun --json} keeps its documented bytes now that Jackson writes it: 4 decimals, null where undefined. */
class ComparisonJsonTest {

    private static CoLocation.PolicyResult result(String name, Optional<Policy> p, double makespanMs, double throughput) {
        return new CoLocation.PolicyResult(name, p, null, null, makespanMs, throughput, new double[0], Double.NaN);
    }

    @Test
    void theBytesAreTheDocumentedOnes() {
        CoLocation.Report r = new CoLocation.Report(null, null, List.of(), List.of(), new LowerBound(8, 3),
                List.of(result("sequential", Optional.of(new Policy.Sequential()), 12.5, 80),
                        result("gacer", Optional.of(new Policy.Gacer(false)), 10.00005, 99.99995),
                        result("onnx\"runtime", Optional.empty(), 1e-5, 1234567.891)),
                Optional.empty(), List.of());
        assertEquals("{\"lower_bound_ms\":8.0000,\"policies\":["
                + "{\"name\":\"sequential\",\"makespan_ms\":12.5000,\"throughput\":80.0000,\"speedup_vs_sequential\":1.0000,"
                + "\"speedup_vs_best_baseline\":1.0000,\"efficiency\":0.6400},"
                + "{\"name\":\"gacer\",\"makespan_ms\":10.0001,\"throughput\":100.0000,\"speedup_vs_sequential\":1.2500,"
                + "\"speedup_vs_best_baseline\":1.2500,\"efficiency\":0.8000},"
                + "{\"name\":\"onnx\\\"runtime\",\"makespan_ms\":0.0000,\"throughput\":1234567.8910,\"speedup_vs_sequential\":1250000.0000,"
                + "\"speedup_vs_best_baseline\":1250000.0000,\"efficiency\":null}]}", Comparison.json(r));
    }

    @Test
    void withoutASequentialRunItsSpeedupIsNull() {
        CoLocation.Report r = new CoLocation.Report(null, null, List.of(), List.of(), new LowerBound(1, 2),
                List.of(result("gacer", Optional.of(new Policy.Gacer(false)), 4, 250)), Optional.empty(), List.of());
        assertEquals("{\"lower_bound_ms\":2.0000,\"policies\":[{\"name\":\"gacer\",\"makespan_ms\":4.0000,\"throughput\":250.0000,"
                + "\"speedup_vs_sequential\":null,\"speedup_vs_best_baseline\":null,\"efficiency\":0.5000}]}", Comparison.json(r));
    }

    /** The rounding is the one %.4f did before, ties at the fifth place included, from 1e-8 to 1e9. */
    @Test
    void fourPlacesRoundAsPrintfDoes() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            double v = Math.pow(10, rnd.nextDouble(-8, 9)) * rnd.nextDouble();
            if (i % 3 == 0) {
                v = Math.round(v * 1e5) / 1e5;
            }
            assertEquals(String.format(Locale.ROOT, "%.4f", v), Json.fixed(v, 4).toPlainString(), "value " + v);
        }
    }
}
