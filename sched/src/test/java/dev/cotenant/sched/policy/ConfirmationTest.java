package dev.cotenant.sched.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The confirmation keeps a searched schedule only when it beats the best baseline in most paired rounds. */
class ConfirmationTest {

    private static final boolean[] SEARCHED_THEN_TWO_BASELINES = {false, true, true};

    @Test
    void aClearWinReplacesTheBaseline() {
        double[][] ms = {{90, 91, 95}, {100, 101, 99}, {120, 118, 121}};
        assertEquals(0, Confirmation.keep(ms, SEARCHED_THEN_TWO_BASELINES));
    }

    @Test
    void aLowerMedianWithinTheNoiseKeepsTheBestBaseline() {
        // The searched schedule's median (95) is lower than the best baseline's (96), but it is faster
        // in only 1 of 3 rounds measured side by side: the drift, not the schedule, made the median.
        double[][] ms = {{80, 95, 97}, {70, 96, 96}, {120, 118, 121}};
        assertEquals(0, Confirmation.fastest(ms));
        assertEquals(1, Confirmation.keep(ms, SEARCHED_THEN_TWO_BASELINES));
    }

    @Test
    void aFasterBaselineIsKeptAndWithoutBaselinesTheLowestMedianWins() {
        double[][] ms = {{100, 100, 100}, {110, 111, 109}, {90, 91, 89}};
        assertEquals(2, Confirmation.keep(ms, SEARCHED_THEN_TWO_BASELINES));
        assertEquals(0, Confirmation.keep(new double[][] {{1, 2, 3}, {4, 5, 6}}, new boolean[] {false, false}));
    }

    @Test
    void twoThirdsOfTheRoundsRoundedUp() {
        assertEquals(1, Confirmation.clearWins(1));
        assertEquals(2, Confirmation.clearWins(3));
        assertEquals(3, Confirmation.clearWins(4));
        assertEquals(5, Confirmation.clearWins(7));
    }
}
