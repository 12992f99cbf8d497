package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loop of a 5x5 depthwise convolution with stride and dilation 1 (EfficientNet's 5x5
 * layers), on channel-last blocks ({@code [row][column][L]}): two output rows of four pixels at a
 * time, eight accumulators, a loop over the five kernel rows with that row's five weight vectors in
 * registers (thirteen vectors live, and one input vector).
 *
 * <p>Why. Four pixels of one row with the 25 weights read from memory made each output vector a chain
 * of 25 dependent FMAs, four chains at a time: 17-25 GFLOP/s on a Zen 3 core. Two rows give eight
 * chains, and kernel row i feeds both output rows from input rows i and i + 1, so each weight
 * vector loaded serves eight pixels: 1.4-1.5x on EfficientNet-B0's layers at 28, 14 and 7 wide,
 * where one pass per kernel row over eight pixels of one row, accumulating in memory, had gained
 * 1.3x at 28 wide and lost at 14 and 7 (bench/RESULTS.md). The pattern
 * is {@link ConvDepthwise3x3}'s, with the kernel rows in a loop: written out, 25 taps for eight
 * pixels would be more than C2 compiles into one method without boxing vectors.
 */
final class ConvDepthwise5x5 {

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    private static final int L = S.length();

    private ConvDepthwise5x5() {}

    /**
     * Output pixels {@code [0, n)} of two consecutive output rows. The window of the first row's
     * first pixel starts at {@code src[at]}; input rows are {@code rs} floats apart; the taps'
     * weight vectors are at {@code wts[wAt]} (row-major), the bias vector at {@code wts[bAt]}; the
     * first row goes to {@code dst[o]}, the second to {@code dst[o + od]}.
     */
    static void rowPair(float[] src, int at, int rs, int n, float[] wts, int wAt, int bAt, float[] dst, int o, int od,
                        boolean clamps, float lo, float hi) {
        int fours = n - n % 4;
        quads(src, at, rs, fours, wts, wAt, bAt, dst, o, od);
        for (int p = fours; p < n; p++) {
            pixels(src, at + p * L, rs, wts, wAt, bAt, dst, o + p * L, od);
        }
        if (clamps) {
            ConvDepthwise3x3.clamp(dst, o, n * L, lo, hi);
            ConvDepthwise3x3.clamp(dst, o + od, n * L, lo, hi);
        }
    }

    private static void quads(float[] src, int at, int rs, int n, float[] wts, int wAt, int bAt, float[] dst, int o, int od) {
        FloatVector bv = FloatVector.fromArray(S, wts, bAt);
        for (int p = 0; p < n; p += 4, o += 4 * L) {
            FloatVector a0 = bv, a1 = bv, a2 = bv, a3 = bv, b0 = bv, b1 = bv, b2 = bv, b3 = bv, v, u;
            for (int i = 0; i < 5; i++) {
                int wk = wAt + 5 * i * L;
                FloatVector w0 = FloatVector.fromArray(S, wts, wk), w1 = FloatVector.fromArray(S, wts, wk + L);
                FloatVector w2 = FloatVector.fromArray(S, wts, wk + 2 * L), w3 = FloatVector.fromArray(S, wts, wk + 3 * L);
                FloatVector w4 = FloatVector.fromArray(S, wts, wk + 4 * L);
                int c = at + i * rs + p * L;
                v = FloatVector.fromArray(S, src, c);
                u = FloatVector.fromArray(S, src, c + rs);
                a0 = v.fma(w0, a0);
                b0 = u.fma(w0, b0);
                v = FloatVector.fromArray(S, src, c + L);
                u = FloatVector.fromArray(S, src, c + L + rs);
                a0 = v.fma(w1, a0); a1 = v.fma(w0, a1);
                b0 = u.fma(w1, b0); b1 = u.fma(w0, b1);
                v = FloatVector.fromArray(S, src, c + 2 * L);
                u = FloatVector.fromArray(S, src, c + 2 * L + rs);
                a0 = v.fma(w2, a0); a1 = v.fma(w1, a1); a2 = v.fma(w0, a2);
                b0 = u.fma(w2, b0); b1 = u.fma(w1, b1); b2 = u.fma(w0, b2);
                v = FloatVector.fromArray(S, src, c + 3 * L);
                u = FloatVector.fromArray(S, src, c + 3 * L + rs);
                a0 = v.fma(w3, a0); a1 = v.fma(w2, a1); a2 = v.fma(w1, a2); a3 = v.fma(w0, a3);
                b0 = u.fma(w3, b0); b1 = u.fma(w2, b1); b2 = u.fma(w1, b2); b3 = u.fma(w0, b3);
                v = FloatVector.fromArray(S, src, c + 4 * L);
                u = FloatVector.fromArray(S, src, c + 4 * L + rs);
                a0 = v.fma(w4, a0); a1 = v.fma(w3, a1); a2 = v.fma(w2, a2); a3 = v.fma(w1, a3);
                b0 = u.fma(w4, b0); b1 = u.fma(w3, b1); b2 = u.fma(w2, b2); b3 = u.fma(w1, b3);
                v = FloatVector.fromArray(S, src, c + 5 * L);
                u = FloatVector.fromArray(S, src, c + 5 * L + rs);
                a1 = v.fma(w4, a1); a2 = v.fma(w3, a2); a3 = v.fma(w2, a3);
                b1 = u.fma(w4, b1); b2 = u.fma(w3, b2); b3 = u.fma(w2, b3);
                v = FloatVector.fromArray(S, src, c + 6 * L);
                u = FloatVector.fromArray(S, src, c + 6 * L + rs);
                a2 = v.fma(w4, a2); a3 = v.fma(w3, a3);
                b2 = u.fma(w4, b2); b3 = u.fma(w3, b3);
                v = FloatVector.fromArray(S, src, c + 7 * L);
                u = FloatVector.fromArray(S, src, c + 7 * L + rs);
                a3 = v.fma(w4, a3);
                b3 = u.fma(w4, b3);
            }
            a0.intoArray(dst, o);
            a1.intoArray(dst, o + L);
            a2.intoArray(dst, o + 2 * L);
            a3.intoArray(dst, o + 3 * L);
            b0.intoArray(dst, o + od);
            b1.intoArray(dst, o + od + L);
            b2.intoArray(dst, o + od + 2 * L);
            b3.intoArray(dst, o + od + 3 * L);
        }
    }

    /** One pixel of both rows, two chains: for the pixels left past a multiple of four. */
    private static void pixels(float[] src, int c, int rs, float[] wts, int wAt, int bAt, float[] dst, int o, int od) {
        FloatVector a = FloatVector.fromArray(S, wts, bAt);
        FloatVector b = a;
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                FloatVector wv = FloatVector.fromArray(S, wts, wAt + (5 * i + j) * L);
                a = FloatVector.fromArray(S, src, c + i * rs + j * L).fma(wv, a);
                b = FloatVector.fromArray(S, src, c + (i + 1) * rs + j * L).fma(wv, b);
            }
        }
        a.intoArray(dst, o);
        b.intoArray(dst, o + od);
    }
}
