package dev.cotenant.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tenant's recent p99, and the SLO admission rule that weighs it against the prediction. */
class RecentLatencyTest {

    @Test
    void noQuantileUntilEnoughRequestsCompleted() {
        RecentLatency r = new RecentLatency(0.9, 0);
        for (int i = 0; i < RecentLatency.MIN_SAMPLES - 1; i++) {
            r.observe(1e6, 0);
        }
        assertTrue(r.quantile(0).isEmpty(), "31 latencies are too few to call a quantile");
        for (int i = 0; i < RecentLatency.REFRESH; i++) {
            r.observe(1e6, 0);
        }
        assertEquals(1e6, r.quantile(0).orElseThrow());
    }

    @Test
    void theQuantileOfTheRecentLatencies() {
        RecentLatency r = new RecentLatency(0.9, 0);
        for (int i = 0; i < 100; i++) {
            r.observe(((i * 37) % 100 + 1) * 1e6, 0); // 1..100 ms, shuffled
        }
        double q = r.quantile(0).orElseThrow(); // refreshed at the 96th
        assertTrue(q >= 85e6 && q <= 92e6, "about the 90th percentile of 1..100 ms: " + q / 1e6);
        for (int i = 0; i < RecentLatency.WINDOW; i++) {
            r.observe(1e6, 0);
        }
        assertEquals(1e6, r.quantile(0).orElseThrow(), "a window later, the slow ones are forgotten");
    }

    @Test
    void oldLatenciesAndTheWarmUpDoNotCount() {
        RecentLatency r = new RecentLatency(0.99, RecentLatency.WARMUP_NANOS);
        long t = 1_000_000_000L;
        for (int i = 0; i < 64; i++) {
            r.observe(5e9, t + i * 40_000_000L); // 2.56 s of cold starts
        }
        assertTrue(r.quantile(t + 2_560_000_000L).isEmpty(), "nothing kept while warming up");
        long warm = t + RecentLatency.WARMUP_NANOS;
        for (int i = 0; i < 48; i++) {
            r.observe(2e6, warm + i);
        }
        assertEquals(2e6, r.quantile(warm + 48).orElseThrow(), "only latencies after the warm-up count");
        assertTrue(r.quantile(warm + RecentLatency.MAX_AGE_NANOS + 100).isEmpty(), "nothing completed lately: no quantile");
    }

    @Test
    void aQuantileOutsideTheOpenUnitIntervalIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RecentLatency(1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RecentLatency(0, 0));
    }

    @Test
    void admissionLetsThePredictionDecideOnlyWhenRecentLatencyUsesHalfTheSlo(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "m", Fixtures.tiny(), "parameters { key: \"slo_ms\" value { string_value: \"100\" } }");
        try (Tenant t = Tenant.load("m", "1", repo.resolve("m"), 2)) {
            double slo = 100e6;
            long w = RecentLatency.WARMUP_NANOS;
            assertAdmitted(t, 40e6, slo, w);
            assertRefused(t, 60e6, slo, w, "nothing known yet: a predicted wait over half the SLO is refused");
            t.recent.observe(1e6, 0); // the first completion: the warm-up runs from here
            for (int i = 0; i < 64; i++) {
                t.recent.observe(30e6, w);
            }
            assertAdmitted(t, 60e6, slo, w); // p99 30 ms: slack the prediction does not see
            for (int i = 0; i < RecentLatency.WINDOW; i++) {
                t.recent.observe(55e6, w);
            }
            assertRefused(t, 60e6, slo, w, "p99 55 ms, over half the SLO: the prediction decides");
            assertAdmitted(t, 45e6, slo, w);
        }
    }

    private static InferRequest request(Tenant t, long arrived) {
        return Admission.admit(t, "", Map.of("x", Tensor.allocate(DataType.FLOAT, 1, 16)), null, 0, 0, arrived);
    }

    private static void assertAdmitted(Tenant t, double wait, double slo, long now) {
        Scheduler.refuseOverSlo(t, request(t, now), wait, slo);
    }

    private static void assertRefused(Tenant t, double wait, double slo, long now, String why) {
        InferError e = assertThrows(InferError.class, () -> Scheduler.refuseOverSlo(t, request(t, now), wait, slo), why);
        assertEquals(InferError.Kind.OVERLOADED, e.kind());
        assertTrue(e.getMessage().contains("over half its SLO of 100 ms"), e.getMessage());
    }
}
