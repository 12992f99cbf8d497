package dev.cotenant.bench.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class MachineTest {

    @Test
    void fmaUnitsFollowTheMeasuredRateOfTheMachinesThisRanOn() {
        // Sapphire Rapids Xeon, 2.3 GHz nominal, 16 lanes: 174.9 GFLOP/s, two 512-bit units.
        assertEquals(2, Machine.fmaUnits(174.9, 16, 2.3));
        // Zen 4 EPYC, 2.6 GHz nominal, 16 lanes: 118.2 GFLOP/s, one 512-bit FMA per cycle in turbo.
        assertEquals(1, Machine.fmaUnits(118.2, 16, 2.6));
        // Zen 3 EPYC, 2.45 GHz nominal, 8 lanes (AVX2): 103.6 GFLOP/s, two 256-bit units.
        assertEquals(2, Machine.fmaUnits(103.6, 8, 2.45));
        // One unit at nominal clock, and one at 1.65x turbo.
        assertEquals(1, Machine.fmaUnits(16 * 2 * 2.6, 16, 2.6));
        assertEquals(1, Machine.fmaUnits(1.65 * 16 * 2 * 2.6, 16, 2.6));
        // Zen 4 or Sapphire Rapids run with -XX:UseAVX=2: 8 lanes, two 256-bit units at turbo.
        assertEquals(2, Machine.fmaUnits(8 * 2 * 2 * 3.7, 8, 2.6));
        assertEquals(2, Machine.fmaUnits(8 * 2 * 2 * 3.0, 8, 2.3));
    }

    @Test
    void aKernelFasterThanTheFmaLoopRaisesThePeakSoNoPercentagePassesAHundred() {
        // The Zen 3 host whose FMA loop, disturbed, ran at 41.5 GFLOP/s while SGEMM ran at 47.5.
        Machine slowLoop = new Machine("AMD EPYC", 2, 8, 2.45, "/proc/cpuinfo", 41.5, 1);
        assertEquals(41.5, slowLoop.corePeakGflops(), 0.1);
        Machine raised = slowLoop.atLeast(47.5);
        assertEquals(47.5, raised.measuredCoreGflops(), 1e-9);
        assertEquals(47.5, raised.corePeakGflops(), 0.01, "one unit in turbo could still do it: the peak is the kernel's rate");
        assertSame(raised, raised.atLeast(40.0), "a slower kernel changes nothing");
        // A rate one unit cannot reach at any plausible turbo: two units, at the clock it implies.
        Machine two = slowLoop.atLeast(80.0);
        assertEquals(2, two.fmaUnits());
        assertEquals(80.0, two.corePeakGflops(), 0.01);
    }
}
