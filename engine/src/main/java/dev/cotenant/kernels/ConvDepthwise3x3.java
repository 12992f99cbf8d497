package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loops of a 3x3 depthwise convolution with dilation 1, on channel-last blocks
 * ({@code [row][column][L]}, L channels per vector): at stride 1, two output rows of four pixels at
 * a time, eight accumulators ({@link #rowPair}); at stride 2, four pixels of one row, four
 * accumulators ({@link #rowStride2}).
 *
 * <p>Why this shape. One pixel at a time, each output vector is a chain of nine dependent FMAs; at
 * four cycles each, a Zen 3 core needs eight such chains in flight to keep both FMA units busy, and
 * its FP scheduler holds fewer. That kernel ran at 20-23 GFLOP/s on every MobileNetV2 layer, even on
 * planes in L1. In a bare harness on an L1-resident 28x28 block, four pixels of one row (four
 * chains) reached about 42 GFLOP/s and two rows of four (eight chains, the two inner input rows
 * loaded once for both output rows, each load feeding up to six FMAs) 64-69. Nine weight vectors and
 * eight accumulators are 17 registers: with 16 (AVX2) the compiler keeps a weight in memory as an
 * FMA operand, which costs a load, not a chain. At stride 2 two output rows share only one input row
 * of five, and pairs ran no faster than four pixels of one row (bench/RESULTS.md, "Depthwise in row
 * pairs" and the section after it). Pixels left over past a multiple of four run one at a time, in
 * methods of their own: a call inside a four-pixel loop made C2 compile it at a third of its speed.
 *
 * <p>The bodies are written out tap by tap (input column {@code k} of a row feeds pixel {@code p}
 * with tap {@code k - stride p}); loops over taps would need arrays of vectors, which the compiler
 * does not keep in registers.
 */
final class ConvDepthwise3x3 {

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    private static final int L = S.length();

    private ConvDepthwise3x3() {}

    /**
     * Output pixels {@code [0, n)} of two consecutive output rows. The window of the first row's
     * first pixel starts at {@code src[at]}; input rows are {@code rs} floats apart; the taps' weight
     * vectors are at {@code wts[wAt]}, the bias vector at {@code wts[bAt]}; the first row goes to
     * {@code dst[o]}, the second to {@code dst[o + od]}, each pixel {@code L} floats after the last.
     */
    static void rowPair(float[] src, int at, int rs, int n, float[] wts, int wAt, int bAt, float[] dst, int o, int od,
                        boolean clamps, float lo, float hi) {
        int fours = n - n % 4;
        pairStride1(src, at, rs, fours, wts, wAt, bAt, dst, o, od);
        for (int p = fours; p < n; p++) {
            pixels(src, at + p * L, rs, wts, wAt, bAt, dst, o + p * L, od);
        }
        if (clamps) {
            clamp(dst, o, n * L, lo, hi);
            clamp(dst, o + od, n * L, lo, hi);
        }
    }

    /**
     * Output pixels {@code [0, n)} of one output row at stride 2, four at a time (four chains, nine
     * loads per input row for the four windows); the window of the first pixel starts at
     * {@code src[at]}. At stride 2 two output rows share only one input row, so pairs of rows
     * gained nothing over this (bench/RESULTS.md).
     */
    static void rowStride2(float[] src, int at, int rs, int n, float[] wts, int wAt, int bAt, float[] dst, int o, boolean clamps,
                           float lo, float hi) {
        int fours = n - n % 4;
        quadsStride2(src, at, rs, fours, wts, wAt, bAt, dst, o);
        for (int p = fours; p < n; p++) {
            pixel(src, at + 2 * p * L, rs, wts, wAt, bAt, dst, o + p * L);
        }
        if (clamps) {
            clamp(dst, o, n * L, lo, hi);
        }
    }

    private static void quadsStride2(float[] src, int at, int rs, int n, float[] wts, int wAt, int bAt, float[] dst, int o) {
        FloatVector w0 = FloatVector.fromArray(S, wts, wAt), w1 = FloatVector.fromArray(S, wts, wAt + L);
        FloatVector w2 = FloatVector.fromArray(S, wts, wAt + 2 * L), w3 = FloatVector.fromArray(S, wts, wAt + 3 * L);
        FloatVector w4 = FloatVector.fromArray(S, wts, wAt + 4 * L), w5 = FloatVector.fromArray(S, wts, wAt + 5 * L);
        FloatVector w6 = FloatVector.fromArray(S, wts, wAt + 6 * L), w7 = FloatVector.fromArray(S, wts, wAt + 7 * L);
        FloatVector w8 = FloatVector.fromArray(S, wts, wAt + 8 * L);
        FloatVector bv = FloatVector.fromArray(S, wts, bAt);
        for (int p = 0; p < n; p += 4, o += 4 * L) {
            int c = at + 2 * p * L;
            FloatVector a0 = bv, a1 = bv, a2 = bv, a3 = bv, v;
            v = FloatVector.fromArray(S, src, c); a0 = v.fma(w0, a0);
            v = FloatVector.fromArray(S, src, c + L); a0 = v.fma(w1, a0);
            v = FloatVector.fromArray(S, src, c + 2 * L); a0 = v.fma(w2, a0); a1 = v.fma(w0, a1);
            v = FloatVector.fromArray(S, src, c + 3 * L); a1 = v.fma(w1, a1);
            v = FloatVector.fromArray(S, src, c + 4 * L); a1 = v.fma(w2, a1); a2 = v.fma(w0, a2);
            v = FloatVector.fromArray(S, src, c + 5 * L); a2 = v.fma(w1, a2);
            v = FloatVector.fromArray(S, src, c + 6 * L); a2 = v.fma(w2, a2); a3 = v.fma(w0, a3);
            v = FloatVector.fromArray(S, src, c + 7 * L); a3 = v.fma(w1, a3);
            v = FloatVector.fromArray(S, src, c + 8 * L); a3 = v.fma(w2, a3);
            c += rs;
            v = FloatVector.fromArray(S, src, c); a0 = v.fma(w3, a0);
            v = FloatVector.fromArray(S, src, c + L); a0 = v.fma(w4, a0);
            v = FloatVector.fromArray(S, src, c + 2 * L); a0 = v.fma(w5, a0); a1 = v.fma(w3, a1);
            v = FloatVector.fromArray(S, src, c + 3 * L); a1 = v.fma(w4, a1);
            v = FloatVector.fromArray(S, src, c + 4 * L); a1 = v.fma(w5, a1); a2 = v.fma(w3, a2);
            v = FloatVector.fromArray(S, src, c + 5 * L); a2 = v.fma(w4, a2);
            v = FloatVector.fromArray(S, src, c + 6 * L); a2 = v.fma(w5, a2); a3 = v.fma(w3, a3);
            v = FloatVector.fromArray(S, src, c + 7 * L); a3 = v.fma(w4, a3);
            v = FloatVector.fromArray(S, src, c + 8 * L); a3 = v.fma(w5, a3);
            c += rs;
            v = FloatVector.fromArray(S, src, c); a0 = v.fma(w6, a0);
            v = FloatVector.fromArray(S, src, c + L); a0 = v.fma(w7, a0);
            v = FloatVector.fromArray(S, src, c + 2 * L); a0 = v.fma(w8, a0); a1 = v.fma(w6, a1);
            v = FloatVector.fromArray(S, src, c + 3 * L); a1 = v.fma(w7, a1);
            v = FloatVector.fromArray(S, src, c + 4 * L); a1 = v.fma(w8, a1); a2 = v.fma(w6, a2);
            v = FloatVector.fromArray(S, src, c + 5 * L); a2 = v.fma(w7, a2);
            v = FloatVector.fromArray(S, src, c + 6 * L); a2 = v.fma(w8, a2); a3 = v.fma(w6, a3);
            v = FloatVector.fromArray(S, src, c + 7 * L); a3 = v.fma(w7, a3);
            v = FloatVector.fromArray(S, src, c + 8 * L); a3 = v.fma(w8, a3);
            a0.intoArray(dst, o);
            a1.intoArray(dst, o + L);
            a2.intoArray(dst, o + 2 * L);
            a3.intoArray(dst, o + 3 * L);
        }
    }

    /** One output pixel: the nine taps of the window at {@code src[c]}, on the bias. */
    private static void pixel(float[] src, int c, int rs, float[] wts, int wAt, int bAt, float[] dst, int o) {
        FloatVector a = FloatVector.fromArray(S, wts, bAt);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                a = FloatVector.fromArray(S, src, c + i * rs + j * L).fma(FloatVector.fromArray(S, wts, wAt + (3 * i + j) * L), a);
            }
        }
        a.intoArray(dst, o);
    }

    /** Stride 1: four input rows feed both output rows; each of six loads per row feeds up to three pixels. */
    private static void pairStride1(float[] src, int at, int rs, int n, float[] wts, int wAt, int bAt, float[] dst, int o, int od) {
        FloatVector w0 = FloatVector.fromArray(S, wts, wAt), w1 = FloatVector.fromArray(S, wts, wAt + L);
        FloatVector w2 = FloatVector.fromArray(S, wts, wAt + 2 * L), w3 = FloatVector.fromArray(S, wts, wAt + 3 * L);
        FloatVector w4 = FloatVector.fromArray(S, wts, wAt + 4 * L), w5 = FloatVector.fromArray(S, wts, wAt + 5 * L);
        FloatVector w6 = FloatVector.fromArray(S, wts, wAt + 6 * L), w7 = FloatVector.fromArray(S, wts, wAt + 7 * L);
        FloatVector w8 = FloatVector.fromArray(S, wts, wAt + 8 * L);
        FloatVector bv = FloatVector.fromArray(S, wts, bAt);
        for (int p = 0; p < n; p += 4, o += 4 * L) {
            int c = at + p * L;
            FloatVector a0 = bv, a1 = bv, a2 = bv, a3 = bv, b0 = bv, b1 = bv, b2 = bv, b3 = bv, v;
            v = FloatVector.fromArray(S, src, c); a0 = v.fma(w0, a0);
            v = FloatVector.fromArray(S, src, c + L); a0 = v.fma(w1, a0); a1 = v.fma(w0, a1);
            v = FloatVector.fromArray(S, src, c + 2 * L); a0 = v.fma(w2, a0); a1 = v.fma(w1, a1); a2 = v.fma(w0, a2);
            v = FloatVector.fromArray(S, src, c + 3 * L); a1 = v.fma(w2, a1); a2 = v.fma(w1, a2); a3 = v.fma(w0, a3);
            v = FloatVector.fromArray(S, src, c + 4 * L); a2 = v.fma(w2, a2); a3 = v.fma(w1, a3);
            v = FloatVector.fromArray(S, src, c + 5 * L); a3 = v.fma(w2, a3);
            c += rs;
            v = FloatVector.fromArray(S, src, c); a0 = v.fma(w3, a0); b0 = v.fma(w0, b0);
            v = FloatVector.fromArray(S, src, c + L); a0 = v.fma(w4, a0); a1 = v.fma(w3, a1); b0 = v.fma(w1, b0); b1 = v.fma(w0, b1);
            v = FloatVector.fromArray(S, src, c + 2 * L); a0 = v.fma(w5, a0); a1 = v.fma(w4, a1); a2 = v.fma(w3, a2); b0 = v.fma(w2, b0); b1 = v.fma(w1, b1); b2 = v.fma(w0, b2);
            v = FloatVector.fromArray(S, src, c + 3 * L); a1 = v.fma(w5, a1); a2 = v.fma(w4, a2); a3 = v.fma(w3, a3); b1 = v.fma(w2, b1); b2 = v.fma(w1, b2); b3 = v.fma(w0, b3);
            v = FloatVector.fromArray(S, src, c + 4 * L); a2 = v.fma(w5, a2); a3 = v.fma(w4, a3); b2 = v.fma(w2, b2); b3 = v.fma(w1, b3);
            v = FloatVector.fromArray(S, src, c + 5 * L); a3 = v.fma(w5, a3); b3 = v.fma(w2, b3);
            c += rs;
            v = FloatVector.fromArray(S, src, c); a0 = v.fma(w6, a0); b0 = v.fma(w3, b0);
            v = FloatVector.fromArray(S, src, c + L); a0 = v.fma(w7, a0); a1 = v.fma(w6, a1); b0 = v.fma(w4, b0); b1 = v.fma(w3, b1);
            v = FloatVector.fromArray(S, src, c + 2 * L); a0 = v.fma(w8, a0); a1 = v.fma(w7, a1); a2 = v.fma(w6, a2); b0 = v.fma(w5, b0); b1 = v.fma(w4, b1); b2 = v.fma(w3, b2);
            v = FloatVector.fromArray(S, src, c + 3 * L); a1 = v.fma(w8, a1); a2 = v.fma(w7, a2); a3 = v.fma(w6, a3); b1 = v.fma(w5, b1); b2 = v.fma(w4, b2); b3 = v.fma(w3, b3);
            v = FloatVector.fromArray(S, src, c + 4 * L); a2 = v.fma(w8, a2); a3 = v.fma(w7, a3); b2 = v.fma(w5, b2); b3 = v.fma(w4, b3);
            v = FloatVector.fromArray(S, src, c + 5 * L); a3 = v.fma(w8, a3); b3 = v.fma(w5, b3);
            c += rs;
            v = FloatVector.fromArray(S, src, c); b0 = v.fma(w6, b0);
            v = FloatVector.fromArray(S, src, c + L); b0 = v.fma(w7, b0); b1 = v.fma(w6, b1);
            v = FloatVector.fromArray(S, src, c + 2 * L); b0 = v.fma(w8, b0); b1 = v.fma(w7, b1); b2 = v.fma(w6, b2);
            v = FloatVector.fromArray(S, src, c + 3 * L); b1 = v.fma(w8, b1); b2 = v.fma(w7, b2); b3 = v.fma(w6, b3);
            v = FloatVector.fromArray(S, src, c + 4 * L); b2 = v.fma(w8, b2); b3 = v.fma(w7, b3);
            v = FloatVector.fromArray(S, src, c + 5 * L); b3 = v.fma(w8, b3);
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

    /** Clamps {@code y[from, from + n)} to {@code [lo, hi]}, a vector at a time ({@code n} a multiple of the lanes). */
    static void clamp(float[] y, int from, int n, float lo, float hi) {
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        for (int i = from; i < from + n; i += L) {
            FloatVector.fromArray(S, y, i).max(lov).min(hiv).intoArray(y, i);
        }
    }

    /**
     * One pixel of both rows, two chains: for the pixels left past a multiple of four. Kept out of
     * {@link #pairStride1}: with a call in its loop, C2 compiled that loop at a third of the speed.
     */
    private static void pixels(float[] src, int c, int rs, float[] wts, int wAt, int bAt, float[] dst, int o, int od) {
        FloatVector a = FloatVector.fromArray(S, wts, bAt);
        FloatVector b = a;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                FloatVector wv = FloatVector.fromArray(S, wts, wAt + (3 * i + j) * L);
                a = FloatVector.fromArray(S, src, c + i * rs + j * L).fma(wv, a);
                b = FloatVector.fromArray(S, src, c + (i + 1) * rs + j * L).fma(wv, b);
            }
        }
        a.intoArray(dst, o);
        b.intoArray(dst, o + od);
    }
}
