package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise windows five columns wide with stride and dilation 1 (EfficientNet's 5x5 layers), on
 * channel-last blocks ({@code [row][column][L]}): one pass over an output row per kernel row, eight
 * pixels at a time, accumulating in the output row.
 *
 * <p>Why this shape. Four pixels at a time with every tap in the same accumulators made each output
 * vector a chain of 25 dependent FMAs, and the 25 weight vectors do not fit the registers: the
 * kernel ran at 15-21 GFLOP/s. Here a pass holds one kernel row's five weight vectors and eight
 * accumulators (13 of 16 registers on AVX2), loads each of the twelve input columns once for up to
 * five pixels, and starts from the bias on the first pass and from the stored row after it: the row
 * is in L1, so the extra load and store per pixel and pass cost less than the chains did. The same
 * reasoning as {@link ConvDepthwise3x3}, which keeps whole 3x3 windows in registers because nine
 * weights fit. Pixels past a multiple of eight run four at a time, then one at a time, in their own methods: a call inside
 * the eight-pixel loop made C2 compile that loop at a fraction of its speed.
 */
final class ConvDepthwise5Wide {

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    private static final int L = S.length();

    /**
     * Output rows narrower than this keep the four-pixel kernel: on EfficientNet-B0's 14- and
     * 7-wide rows, where most pixels are left over past the eights, passes measured 10-20% slower
     * (672 channels at 14x14: 305 -> 341 us; 1152 at 7x7: 161 -> 194), at 28 wide 1.3x faster.
     */
    static final int MIN_WIDTH = 24;

    private ConvDepthwise5Wide() {}

    /**
     * One output row of {@code n} pixels at {@code dst[o]}: {@code kh} kernel rows, the first
     * window's top-left input at {@code src[at]}, input rows {@code rs} floats apart; tap weight
     * vectors from {@code wts[wAt]} (row-major, five per kernel row), the bias vector at
     * {@code wts[bAt]}.
     */
    static void row(float[] src, int at, int rs, int kh, int n, float[] wts, int wAt, int bAt, float[] dst, int o) {
        int eights = n - n % 8;
        for (int i = 0; i < kh; i++) {
            pass(src, at + i * rs, eights, wts, wAt + 5 * i * L, i == 0, bAt, dst, o);
            int p = eights;
            if (n - p >= 4) {
                pass4(src, at + i * rs + p * L, wts, wAt + 5 * i * L, i == 0, bAt, dst, o + p * L);
                p += 4;
            }
            for (; p < n; p++) {
                pixel(src, at + i * rs + p * L, wts, wAt + 5 * i * L, i == 0, bAt, dst, o + p * L);
            }
        }
    }

    /** Eight pixels at a time over {@code [0, n)}, n a multiple of eight: one kernel row's taps. */
    private static void pass(float[] src, int at, int n, float[] wts, int wk, boolean first, int bAt, float[] dst, int o) {
        FloatVector w0 = FloatVector.fromArray(S, wts, wk), w1 = FloatVector.fromArray(S, wts, wk + L);
        FloatVector w2 = FloatVector.fromArray(S, wts, wk + 2 * L), w3 = FloatVector.fromArray(S, wts, wk + 3 * L);
        FloatVector w4 = FloatVector.fromArray(S, wts, wk + 4 * L);
        for (int p = 0; p < n; p += 8, o += 8 * L) {
            int c = at + p * L;
            FloatVector a0, a1, a2, a3, a4, a5, a6, a7, v;
            if (first) {
                a0 = FloatVector.fromArray(S, wts, bAt);
                a1 = a0;
                a2 = a0;
                a3 = a0;
                a4 = a0;
                a5 = a0;
                a6 = a0;
                a7 = a0;
            } else {
                a0 = FloatVector.fromArray(S, dst, o);
                a1 = FloatVector.fromArray(S, dst, o + L);
                a2 = FloatVector.fromArray(S, dst, o + 2 * L);
                a3 = FloatVector.fromArray(S, dst, o + 3 * L);
                a4 = FloatVector.fromArray(S, dst, o + 4 * L);
                a5 = FloatVector.fromArray(S, dst, o + 5 * L);
                a6 = FloatVector.fromArray(S, dst, o + 6 * L);
                a7 = FloatVector.fromArray(S, dst, o + 7 * L);
            }
            v = FloatVector.fromArray(S, src, c); a0 = v.fma(w0, a0);
            v = FloatVector.fromArray(S, src, c + L); a0 = v.fma(w1, a0); a1 = v.fma(w0, a1);
            v = FloatVector.fromArray(S, src, c + 2 * L); a0 = v.fma(w2, a0); a1 = v.fma(w1, a1); a2 = v.fma(w0, a2);
            v = FloatVector.fromArray(S, src, c + 3 * L); a0 = v.fma(w3, a0); a1 = v.fma(w2, a1); a2 = v.fma(w1, a2); a3 = v.fma(w0, a3);
            v = FloatVector.fromArray(S, src, c + 4 * L); a0 = v.fma(w4, a0); a1 = v.fma(w3, a1); a2 = v.fma(w2, a2); a3 = v.fma(w1, a3); a4 = v.fma(w0, a4);
            v = FloatVector.fromArray(S, src, c + 5 * L); a1 = v.fma(w4, a1); a2 = v.fma(w3, a2); a3 = v.fma(w2, a3); a4 = v.fma(w1, a4); a5 = v.fma(w0, a5);
            v = FloatVector.fromArray(S, src, c + 6 * L); a2 = v.fma(w4, a2); a3 = v.fma(w3, a3); a4 = v.fma(w2, a4); a5 = v.fma(w1, a5); a6 = v.fma(w0, a6);
            v = FloatVector.fromArray(S, src, c + 7 * L); a3 = v.fma(w4, a3); a4 = v.fma(w3, a4); a5 = v.fma(w2, a5); a6 = v.fma(w1, a6); a7 = v.fma(w0, a7);
            v = FloatVector.fromArray(S, src, c + 8 * L); a4 = v.fma(w4, a4); a5 = v.fma(w3, a5); a6 = v.fma(w2, a6); a7 = v.fma(w1, a7);
            v = FloatVector.fromArray(S, src, c + 9 * L); a5 = v.fma(w4, a5); a6 = v.fma(w3, a6); a7 = v.fma(w2, a7);
            v = FloatVector.fromArray(S, src, c + 10 * L); a6 = v.fma(w4, a6); a7 = v.fma(w3, a7);
            v = FloatVector.fromArray(S, src, c + 11 * L); a7 = v.fma(w4, a7);
            a0.intoArray(dst, o);
            a1.intoArray(dst, o + L);
            a2.intoArray(dst, o + 2 * L);
            a3.intoArray(dst, o + 3 * L);
            a4.intoArray(dst, o + 4 * L);
            a5.intoArray(dst, o + 5 * L);
            a6.intoArray(dst, o + 6 * L);
            a7.intoArray(dst, o + 7 * L);
        }
    }

    /** Four pixels at {@code dst[o]}: the rest of a row after its eights, when four or more are left. */
    private static void pass4(float[] src, int c, float[] wts, int wk, boolean first, int bAt, float[] dst, int o) {
        FloatVector w0 = FloatVector.fromArray(S, wts, wk), w1 = FloatVector.fromArray(S, wts, wk + L);
        FloatVector w2 = FloatVector.fromArray(S, wts, wk + 2 * L), w3 = FloatVector.fromArray(S, wts, wk + 3 * L);
        FloatVector w4 = FloatVector.fromArray(S, wts, wk + 4 * L);
        FloatVector a0, a1, a2, a3, v;
        if (first) {
            a0 = FloatVector.fromArray(S, wts, bAt);
            a1 = a0;
            a2 = a0;
            a3 = a0;
        } else {
            a0 = FloatVector.fromArray(S, dst, o);
            a1 = FloatVector.fromArray(S, dst, o + L);
            a2 = FloatVector.fromArray(S, dst, o + 2 * L);
            a3 = FloatVector.fromArray(S, dst, o + 3 * L);
        }
            v = FloatVector.fromArray(S, src, c); a0 = v.fma(w0, a0);
            v = FloatVector.fromArray(S, src, c + L); a0 = v.fma(w1, a0); a1 = v.fma(w0, a1);
            v = FloatVector.fromArray(S, src, c + 2 * L); a0 = v.fma(w2, a0); a1 = v.fma(w1, a1); a2 = v.fma(w0, a2);
            v = FloatVector.fromArray(S, src, c + 3 * L); a0 = v.fma(w3, a0); a1 = v.fma(w2, a1); a2 = v.fma(w1, a2); a3 = v.fma(w0, a3);
            v = FloatVector.fromArray(S, src, c + 4 * L); a0 = v.fma(w4, a0); a1 = v.fma(w3, a1); a2 = v.fma(w2, a2); a3 = v.fma(w1, a3);
            v = FloatVector.fromArray(S, src, c + 5 * L); a1 = v.fma(w4, a1); a2 = v.fma(w3, a2); a3 = v.fma(w2, a3);
            v = FloatVector.fromArray(S, src, c + 6 * L); a2 = v.fma(w4, a2); a3 = v.fma(w3, a3);
            v = FloatVector.fromArray(S, src, c + 7 * L); a3 = v.fma(w4, a3);
        a0.intoArray(dst, o);
        a1.intoArray(dst, o + L);
        a2.intoArray(dst, o + 2 * L);
        a3.intoArray(dst, o + 3 * L);
    }

    /** One pixel, one kernel row. */
    private static void pixel(float[] src, int c, float[] wts, int wk, boolean first, int bAt, float[] dst, int o) {
        FloatVector acc = FloatVector.fromArray(S, first ? wts : dst, first ? bAt : o);
        for (int j = 0; j < 5; j++) {
            acc = FloatVector.fromArray(S, src, c + j * L).fma(FloatVector.fromArray(S, wts, wk + j * L), acc);
        }
        acc.intoArray(dst, o);
    }
}
