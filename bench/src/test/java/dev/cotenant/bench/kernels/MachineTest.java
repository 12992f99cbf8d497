package dev.cotenant.bench.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MachineTest {

    @Test
    void fmaUnitsFollowTheMeasuredRateOfTheMachinesThisRanOn() {
        // Sapphire Rapids Xeon, 2.3 GHz nominal, 16 lanes: 174.9 GFLOP/s, two 512-bit units.
        assertEquals(2, Machine.fmaUnits(174.9, 16, 2.3));
        // Zen 4 EPYC, 2.6 GHz nominal, 16 lanes: 118.2 GFLOP/s, one 512-bit FMA per cycle in turbo.
        assertEquals(1, Machine.fmaUnits(118.2, 16, 2.6));
        // One unit at nominal clock, and one at 1.65x turbo.
        assertEquals(1, Machine.fmaUnits(16 * 2 * 2.6, 16, 2.6));
        assertEquals(1, Machine.fmaUnits(1.65 * 16 * 2 * 2.6, 16, 2.6));
    }
}
