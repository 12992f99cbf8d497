package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 16-register tile kernels of {@link ConvSplitTiles} for a 1x1 layer whose tiles were packed
 * first: a tile's eight pixel values of step i lie side by side at {@code xp[xo + 8i ..]}
 * ({@link #pack}), so the loop reads its broadcasts at offsets linear in i, with no offset table.
 *
 * <p>Why. C2 compiles the table-driven loop to 23 instructions per step of 8 FMAs: the table load,
 * the index arithmetic and two range checks besides the two weight loads and four broadcasts. With
 * linear offsets it checks the ranges once before the loop. Over L1 on one Zen 3 core the same
 * four-by-two part ran at 99 GFLOP/s against 80 (97% of the core's peak), and at 62 against 48
 * while a busy SMT sibling shared the core's dispatch (bench/RESULTS.md, "The lead: a tile's input
 * read at linear offsets"). Packing costs a pass over the input, so {@link ConvUnits} packs only
 * layers with outputs enough to repay it; every block pair of the layer then reads the packed tiles.
 * {@link ConvReference} is the oracle, through {@code ConvBlockedTest}.
 */
final class ConvPackedTiles {

    static final VectorSpecies<Float> S = ConvBlocked.S;
    static final int L = ConvBlocked.L;
    /** Pixels of a packed tile: one step's values of a tile lie this far apart from the next step's. */
    static final int P = ConvBlocked.P;

    /** Each caller thread's buffer for packed tiles, grown to the largest layer it has run. */
    private static final ThreadLocal<float[]> BUFFER = ThreadLocal.withInitial(() -> new float[0]);

    private ConvPackedTiles() {}

    /** The calling thread's buffer for packed tiles, at least {@code floats} long. */
    static float[] buffer(long floats) {
        float[] b = BUFFER.get();
        if (b.length < floats) {
            b = new float[Math.toIntExact(floats)];
            BUFFER.set(b);
        }
        return b;
    }

    /**
     * Lays out {@code steps} steps of a tile of {@code rows} pixels, {@code L} floats apart in
     * {@code x} from {@code b + ko[i]}, as {@code xp[xo + P i + r]}; the pixels beyond {@code rows}
     * as zeros.
     */
    static void pack(float[] x, int b, int[] ko, int steps, int rows, float[] xp, int xo) {
        if (rows == P) {
            for (int i = 0; i < steps; i++) {
                int o = b + ko[i];
                int d = xo + i * P;
                xp[d] = x[o];
                xp[d + 1] = x[o + L];
                xp[d + 2] = x[o + 2 * L];
                xp[d + 3] = x[o + 3 * L];
                xp[d + 4] = x[o + 4 * L];
                xp[d + 5] = x[o + 5 * L];
                xp[d + 6] = x[o + 6 * L];
                xp[d + 7] = x[o + 7 * L];
            }
            return;
        }
        for (int i = 0; i < steps; i++) {
            int o = b + ko[i];
            for (int r = 0; r < P; r++) {
                xp[xo + i * P + r] = r < rows ? x[o + r * L] : 0f;
            }
        }
    }

    /** A whole tile from the bias to the output, as two parts of four pixels (see {@link ConvWholeSplitTiles}). */
    static void whole(float[] xp, int xo, int steps, float[] wt, int wo, float[] bias, int bo,
                      float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        wholePart(xp, xo, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
        // The second part's residual offsets move with its pixels; -1 (no residual) stays.
        wholePart(xp, xo + 4, steps, wt, wo, bias, bo, res, r0 < 0 ? r0 : r0 + 4 * L, r1 < 0 ? r1 : r1 + 4 * L,
                y, y0 + 4 * L, y1 + 4 * L, clamp, lo, hi);
    }

    /** A tile into the scratch tile {@code acc}, both parts, or only the first for four pixels or fewer. */
    static void acc(float[] xp, int xo, int steps, float[] wt, int wo, float[] acc, int rows) {
        part(xp, xo, steps, wt, wo, acc, 0);
        if (rows > 4) {
            part(xp, xo + 4, steps, wt, wo, acc, 8 * L);
        }
    }

    /** Four pixels at {@code xp[xo + P i + r]} into {@code acc[ac..]}. */
    private static void part(float[] xp, int xo, int steps, float[] wt, int wo, float[] acc, int ac) {
        FloatVector c00 = FloatVector.fromArray(S, acc, ac);
        FloatVector c01 = FloatVector.fromArray(S, acc, ac + L);
        FloatVector c10 = FloatVector.fromArray(S, acc, ac + 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, ac + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, ac + 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, ac + 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, ac + 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, ac + 7 * L);
        int n = Math.min(steps, ConvBlocked.KC);
        for (int i = 0; i < n; i++) {
            int o = xo + i * P;
            int wk = wo + i * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, xp[o]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, xp[o + 1]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, xp[o + 2]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, xp[o + 3]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
        }
        c00.intoArray(acc, ac);
        c01.intoArray(acc, ac + L);
        c10.intoArray(acc, ac + 2 * L);
        c11.intoArray(acc, ac + 3 * L);
        c20.intoArray(acc, ac + 4 * L);
        c21.intoArray(acc, ac + 5 * L);
        c30.intoArray(acc, ac + 6 * L);
        c31.intoArray(acc, ac + 7 * L);
    }

    /** Four pixels at {@code xp[xo + P i + r]} from the bias to the output (residual added, clamped). */
    private static void wholePart(float[] xp, int xo, int steps, float[] wt, int wo, float[] bias, int bo,
                                  float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        FloatVector s0 = FloatVector.fromArray(S, bias, bo);
        FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector c00 = s0, c01 = s1, c10 = s0, c11 = s1, c20 = s0, c21 = s1, c30 = s0, c31 = s1;
        int n = Math.min(steps, ConvBlocked.KC);
        for (int i = 0; i < n; i++) {
            int o = xo + i * P;
            int wk = wo + i * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, xp[o]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, xp[o + 1]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, xp[o + 2]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, xp[o + 3]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
        }
        if (r0 >= 0) {
            c00 = c00.add(FloatVector.fromArray(S, res, r0));
            c10 = c10.add(FloatVector.fromArray(S, res, r0 + L));
            c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
            c30 = c30.add(FloatVector.fromArray(S, res, r0 + 3 * L));
            c01 = c01.add(FloatVector.fromArray(S, res, r1));
            c11 = c11.add(FloatVector.fromArray(S, res, r1 + L));
            c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
            c31 = c31.add(FloatVector.fromArray(S, res, r1 + 3 * L));
        }
        if (clamp) {
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
            c00 = c00.max(l).min(h);
            c10 = c10.max(l).min(h);
            c20 = c20.max(l).min(h);
            c30 = c30.max(l).min(h);
            c01 = c01.max(l).min(h);
            c11 = c11.max(l).min(h);
            c21 = c21.max(l).min(h);
            c31 = c31.max(l).min(h);
        }
        c00.intoArray(y, y0);
        c10.intoArray(y, y0 + L);
        c20.intoArray(y, y0 + 2 * L);
        c30.intoArray(y, y0 + 3 * L);
        c01.intoArray(y, y1);
        c11.intoArray(y, y1 + L);
        c21.intoArray(y, y1 + 2 * L);
        c31.intoArray(y, y1 + 3 * L);
    }
}
