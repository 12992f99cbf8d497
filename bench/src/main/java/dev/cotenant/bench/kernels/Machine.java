package dev.cotenant.bench.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import dev.cotenant.kernels.VectorUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's single-precision peak, {@code cores x FMA lanes x 2 x clock}, from what can be
 * detected: cores from the JVM, vector lanes from the Vector API's preferred species, the clock from
 * {@code /proc/cpuinfo}. How many FMA units a core has (one or two 512-bit ones on Intel server
 * parts) is not written anywhere a program can read, so it is measured: independent FMA chains,
 * enough to cover the FMA latency, run in many short rounds, and a best rate well above what one
 * unit can do at the nominal clock, even in turbo, means two ({@code -Dcotenant.fmaUnits=N} overrides). "FMA
 * lanes" in the formula is lanes x units.
 *
 * @param cpu model name
 * @param cores cores the JVM may use
 * @param lanes floats per preferred vector
 * @param clockGhz nominal clock
 * @param clockSource where the clock came from
 * @param measuredCoreGflops FLOP rate of the FMA loop on one core
 * @param fmaUnits vector FMA units per core, from the measurement
 */
public record Machine(String cpu, int cores, int lanes, double clockGhz, String clockSource, double measuredCoreGflops, int fmaUnits) {

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;

    /**
     * The clock the peak is computed at: the nominal one, or the one the FMA loop implies when that
     * is higher (turbo), so that percentages of peak are never flattered by a low nominal clock.
     */
    public double effectiveClockGhz() {
        return Math.max(clockGhz, measuredCoreGflops / (lanes * fmaUnits * 2.0));
    }

    /** Peak GFLOP/s of one core. */
    public double corePeakGflops() {
        return (double) lanes * fmaUnits * 2 * effectiveClockGhz();
    }

    /** Peak GFLOP/s of {@code threads} cores. */
    public double peakGflops(int threads) {
        return Math.min(threads, cores) * corePeakGflops();
    }

    public String describe() {
        return String.format(Locale.ROOT,
                "vector unit: %s%ncpu: %s, %d cores, %d float lanes (%d-bit preferred vectors), clock %.2f GHz (%s); an FMA loop on one core runs at %.1f GFLOP/s, "
                        + "so %d FMA unit(s) per core at an effective %.2f GHz; peak = %d cores x %d FMA lanes x 2 x %.2f GHz = %.1f GFLOP/s (%.1f per core)",
                VectorUnit.describe(), cpu, cores, lanes, lanes * 32, clockGhz, clockSource, measuredCoreGflops, fmaUnits, effectiveClockGhz(), cores,
                lanes * fmaUnits, effectiveClockGhz(), peakGflops(cores), corePeakGflops());
    }

    /** Detects the machine; takes about a second for the FMA measurement. */
    public static Machine detect() {
        String cpu = "unknown";
        double mhz = 0;
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String l : lines) {
                if (l.startsWith("model name") && cpu.equals("unknown")) {
                    cpu = l.substring(l.indexOf(':') + 1).strip();
                } else if (l.startsWith("cpu MHz") && mhz == 0) {
                    mhz = Double.parseDouble(l.substring(l.indexOf(':') + 1).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: the clock is estimated below.
        }
        double gflops = fmaGflops();
        int lanes = S.length();
        String source = "/proc/cpuinfo";
        if (mhz <= 0) {
            // No nominal clock: assume two units and read the clock off the measurement.
            mhz = gflops / (lanes * 2 * 2) * 1000;
            source = "estimated from the FMA loop, assuming 2 FMA units";
        }
        double clock = mhz / 1000;
        int units = Integer.getInteger("cotenant.fmaUnits", fmaUnits(gflops, lanes, clock));
        return new Machine(cpu, Runtime.getRuntime().availableProcessors(), lanes, clock, source, gflops, units);
    }

    /**
     * FMA units per core from the FMA loop's best rate. Turbo lifts one unit's rate over its
     * nominal one by up to about 1.65x on server parts (an AMD EPYC of the Zen 4 family, 2.6 GHz
     * nominal, runs its one 512-bit FMA per cycle at 3.7 GHz: 118 GFLOP/s, 1.42x), while two units
     * run at least at nominal clock, twice one unit's rate (a Sapphire Rapids Xeon at 2.3 GHz: 175
     * GFLOP/s, 2.4x; a Zen 3 EPYC at 2.45 GHz, two 256-bit units: 103.6 GFLOP/s, 2.6x); a disturbed
     * measurement only lowers the rate. So above 1.75x, two.
     */
    static int fmaUnits(double gflops, int lanes, double clockGhz) {
        return gflops > 1.75 * lanes * 2 * clockGhz ? 2 : 1;
    }

    /**
     * The best of many short timed rounds of 12 independent FMA chains, over about 0.6 s: on a
     * shared machine the best round is the one no other process disturbed, and the rounds run long
     * enough for C2 to compile the loop and for the core to reach its boost clock. A first version
     * ran 60 rounds of 200,000 steps (about 30 ms); on a Zen 3 host a busy compiler left it at a
     * rate near one unit's, and the report counted one FMA unit and printed an SGEMM at 114% of
     * peak.
     */
    static double fmaGflops() {
        float[] seed = new float[S.length()];
        java.util.Arrays.fill(seed, 1.0000001f);
        double best = 0;
        long end = System.nanoTime() + 600_000_000L;
        for (int round = 0; round < 20 || System.nanoTime() < end; round++) {
            long iters = 100_000;
            long t0 = System.nanoTime();
            float sink = chains(seed, iters);
            long dt = System.nanoTime() - t0;
            if (sink == 42) {
                System.out.print("");
            }
            best = Math.max(best, 12.0 * iters * S.length() * 2 / dt);
        }
        return best;
    }

    /**
     * Twelve chains {@code c = m * a + c}, the accumulating form the kernels use. The other order,
     * {@code c = c * m + a}, chains through a multiplicand; on a Zen 3 core it ran at 85 GFLOP/s
     * where this form and the 5-row SGEMM tile ran at 103 and 100.
     */
    private static float chains(float[] seed, long iters) {
        FloatVector m = FloatVector.fromArray(S, seed, 0);
        FloatVector a = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m, c8 = m, c9 = m, c10 = m, c11 = m;
        for (long i = 0; i < iters; i++) {
            c0 = m.fma(a, c0);
            c1 = m.fma(a, c1);
            c2 = m.fma(a, c2);
            c3 = m.fma(a, c3);
            c4 = m.fma(a, c4);
            c5 = m.fma(a, c5);
            c6 = m.fma(a, c6);
            c7 = m.fma(a, c7);
            c8 = m.fma(a, c8);
            c9 = m.fma(a, c9);
            c10 = m.fma(a, c10);
            c11 = m.fma(a, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /**
     * This machine as a kernel's measured rate on one core shows it: a rate is what the core can
     * do, so when a kernel beats the FMA loop (a disturbed loop, a clock that rose later), the loop
     * was the wrong measure and the peak is recomputed from the kernel's rate, FMA units included.
     * A percentage of peak then never passes 100.
     */
    public Machine atLeast(double coreGflops) {
        if (coreGflops <= measuredCoreGflops) {
            return this;
        }
        int units = Integer.getInteger("cotenant.fmaUnits", fmaUnits(coreGflops, lanes, clockGhz));
        return new Machine(cpu, cores, lanes, clockGhz, clockSource, coreGflops, units);
    }
}
