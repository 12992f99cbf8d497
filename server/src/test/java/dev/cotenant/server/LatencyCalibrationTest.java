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

/** The calibrated admission margin: the quantile of recent prediction errors, and the rule that uses it. */
class LatencyCalibrationTest {

    /** An SLO so long that every prediction here falls in the first bin. */
    private static final double ONE_BIN = 1e15;

    /** A moment past the warm-up of a tenant whose first request completed at 0. */
    private static final long W = LatencyCalibration.WARMUP_NANOS;

    @Test
    void noMarginUntilEnoughRequestsCompleted() {
        LatencyCalibration c = new LatencyCalibration(0.9, ONE_BIN, 0);
        for (int i = 0; i < LatencyCalibration.MIN_SAMPLES - 1; i++) {
            c.observe(0, 1e6, 0);
        }
        assertTrue(c.margin(0, 0).isEmpty(), "31 errors are too few to call a quantile");
        for (int i = 0; i < LatencyCalibration.REFRESH; i++) {
            c.observe(0, 1e6, 0);
        }
        assertEquals(1e6, c.margin(0, 0).orElseThrow());
    }

    @Test
    void theMarginIsTheQuantileOfTheRecentErrors() {
        LatencyCalibration c = new LatencyCalibration(0.9, ONE_BIN, 0);
        // errors 1..100 ms, measured minus predicted, in shuffled order
        for (int i = 0; i < 100; i++) {
            int ms = (i * 37) % 100 + 1;
            c.observe(5e6, 5e6 + ms * 1e6, 0);
        }
        // refreshed at the 96th error: the 90th percentile of the first 96
        double m = c.margin(0, 0).orElseThrow();
        assertTrue(m >= 85e6 && m <= 92e6, "about the 90th percentile of 1..100 ms: " + m / 1e6);
        LatencyCalibration early = new LatencyCalibration(0.5, ONE_BIN, 0);
        for (int i = 0; i < 64; i++) {
            early.observe(10e6, 4e6, 0);
        }
        assertEquals(-6e6, early.margin(0, 0).orElseThrow(), "predictions that run long give a negative margin");
    }

    @Test
    void oldErrorsLeaveTheWindow() {
        LatencyCalibration c = new LatencyCalibration(0.99, ONE_BIN, 0);
        for (int i = 0; i < LatencyCalibration.WINDOW; i++) {
            c.observe(0, 50e6, 0);
        }
        assertEquals(50e6, c.margin(0, 0).orElseThrow());
        for (int i = 0; i < LatencyCalibration.WINDOW; i++) {
            c.observe(0, 1e6, 0);
        }
        assertEquals(1e6, c.margin(0, 0).orElseThrow(), "a window later, the 50 ms errors are forgotten");
    }

    @Test
    void errorsOlderThanTheirAgeAreForgotten() {
        LatencyCalibration c = new LatencyCalibration(0.99, ONE_BIN, 0);
        for (int i = 0; i < 64; i++) {
            c.observe(0, 1.5e9, 0);
        }
        assertEquals(1.5e9, c.margin(0, 0).orElseThrow());
        assertTrue(c.margin(0, LatencyCalibration.MAX_AGE_NANOS + 1).isEmpty(), "nothing completed for longer than the age: no margin");
        long later = 2 * LatencyCalibration.MAX_AGE_NANOS;
        for (int i = 0; i < LatencyCalibration.MIN_SAMPLES; i++) {
            c.observe(0, 1e6, later);
        }
        assertEquals(1e6, c.margin(0, later).orElseThrow(), "only the recent errors count, however few the window replaced");
    }

    @Test
    void theFirstSecondsOfCompletionsAreNotKept() {
        LatencyCalibration c = new LatencyCalibration(0.9, ONE_BIN);
        long t = 1_000_000_000L;
        for (int i = 0; i < 64; i++) {
            c.observe(0, 5e9, t + i * 40_000_000L); // 2.56 s of cold starts
        }
        assertTrue(c.margin(0, t + 2_560_000_000L).isEmpty(), "nothing kept while warming up");
        long warm = t + LatencyCalibration.WARMUP_NANOS;
        for (int i = 0; i < 48; i++) {
            c.observe(0, 2e6, warm + i);
        }
        assertEquals(2e6, c.margin(0, warm + 48).orElseThrow(), "only errors after the warm-up count");
    }

    @Test
    void aPredictionIsJudgedByTheErrorsOfPredictionsOfItsLength() {
        double slo = 100e6;
        LatencyCalibration c = new LatencyCalibration(0.99, slo, 0);
        for (int i = 0; i < 64; i++) {
            c.observe(10e6, 12e6, 0);   // short predictions: 2 ms off
            c.observe(80e6, 140e6, 0);  // long ones (over 3/4 of the SLO): 60 ms off
        }
        assertEquals(2e6, c.margin(5e6, 0).orElseThrow());
        assertEquals(60e6, c.margin(90e6, 0).orElseThrow());
        assertEquals(2e6, c.margin(30e6, 0).orElseThrow(), "25-50% borrows the nearest bin with errors: the shortest");
        assertEquals(60e6, c.margin(60e6, 0).orElseThrow(), "50-75% is as near the longest as the shortest: the longer wins");
    }

    @Test
    void aQuantileOutsideTheOpenUnitIntervalIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LatencyCalibration(1.0, ONE_BIN));
        assertThrows(IllegalArgumentException.class, () -> new LatencyCalibration(0, ONE_BIN));
    }

    @Test
    void admissionUsesTheCalibratedMarginOnceKnown(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "m", Fixtures.tiny(), "parameters { key: \"slo_ms\" value { string_value: \"100\" } }");
        try (Tenant t = Tenant.load("m", "1", repo.resolve("m"), 2)) {
            double slo = 100e6;
            // Before calibration: the fixed rule, half the SLO of predicted wait.
            Verdict.assertAdmitted(t, 40e6, 60e6, slo);
            Verdict.assertRefused(t, 60e6, 70e6, slo, "over half its SLO");
            t.calibration.observe(0, 0, 0); // the first completion: the warm-up runs from here
            // Predictions that ran 30 ms long: 61 ms predicted is 91 expected, refused at 90% of 100 ms.
            for (int i = 0; i < 64; i++) {
                t.calibration.observe(10e6, 40e6, W);
            }
            Verdict.assertRefused(t, 40e6, 61e6, slo, "+30.0 for the error of recent predictions");
            Verdict.assertAdmitted(t, 40e6, 59e6, slo);
            // Predictions that ran 40 ms short: a wait the fixed rule refused is admitted.
            for (int i = 0; i < LatencyCalibration.WINDOW; i++) {
                t.calibration.observe(50e6, 10e6, W);
            }
            Verdict.assertAdmitted(t, 70e6, 120e6, slo);
            Verdict.assertRefused(t, 70e6, 131e6, slo, "over 90% of its SLO of 100 ms");
            // Nothing ahead: admitted whatever the margin, so a tenant is never locked out.
            for (int i = 0; i < LatencyCalibration.WINDOW; i++) {
                t.calibration.observe(0, 5e9, W);
            }
            Verdict.assertRefused(t, 1e6, 2e6, slo, "+5000.0 for the error");
            Verdict.assertAdmitted(t, 0, 2e6, slo);
        }
    }

    /** Calls the rule on a fresh request and checks its verdict. */
    private static final class Verdict {
        static InferRequest request(Tenant t) {
            return Admission.admit(t, "", Map.of("x", Tensor.allocate(DataType.FLOAT, 1, 16)), null, 0, 0, W);
        }

        static void assertAdmitted(Tenant t, double wait, double predicted, double slo) {
            Scheduler.refuseOverSlo(request(t), wait, predicted, slo);
        }

        static void assertRefused(Tenant t, double wait, double predicted, double slo, String says) {
            InferError e = assertThrows(InferError.class, () -> Scheduler.refuseOverSlo(request(t), wait, predicted, slo));
            assertEquals(InferError.Kind.OVERLOADED, e.kind());
            assertTrue(e.getMessage().contains(says), e.getMessage());
        }
    }
}
