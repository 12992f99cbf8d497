package dev.cotenant.sched.place;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The queueing formulas against cases with exact answers. */
class QueueingTest {

    @Test
    void erlangCMatchesHandWorkedValues() {
        assertEquals(0.5, Queueing.erlangC(1, 0.5), 1e-12, "one server: the probability of waiting is the load");
        assertEquals(1.0 / 3, Queueing.erlangC(2, 1), 1e-12, "two servers at load 1: (1/2 * 2) / (1 + 1 + 1)");
        assertEquals(1, Queueing.erlangC(2, 2.5), 0, "overloaded: every arrival waits");
    }

    @Test
    void exponentialServiceGivesTheExactMm1AndMmcTails() {
        // M/M/1, 10 ms mean service, 50 a second: rho 0.5, P(W > t) = rho * exp(-(mu - lambda) t).
        double t = Queueing.waitQuantileMs(50, 10, 200, 1, 0.99);
        assertEquals(Math.log(0.5 / 0.01) / (100 - 50) * 1e3, t, 1e-9);
        // M/M/2 at load 1 (a = 1): P(W > t) = C * exp(-(2 mu - lambda) t), C = 1/3.
        double t2 = Queueing.waitQuantileMs(100, 10, 200, 2, 0.99);
        assertEquals(Math.log((1.0 / 3) / 0.01) / (200 - 100) * 1e3, t2, 1e-9);
    }

    @Test
    void constantServiceHalvesTheMeanWaitAndOverloadIsInfinite() {
        double exp = Queueing.waitQuantileMs(50, 10, 200, 1, 0.99);
        double det = Queueing.waitQuantileMs(50, 10, 100, 1, 0.99);
        assertEquals(exp / 2, det, 1e-9, "Pollaczek-Khinchine: deterministic service waits half as long on average");
        assertEquals(Double.POSITIVE_INFINITY, Queueing.waitQuantileMs(100, 10, 100, 1, 0.99));
        assertEquals(0, Queueing.waitQuantileMs(0.5, 10, 100, 1, 0.99), "at 0.5% load fewer than 1% of requests wait");
        assertTrue(Queueing.waitQuantileMs(80, 10, 100, 1, 0.99) > Queueing.waitQuantileMs(60, 10, 100, 1, 0.99));
    }
}
