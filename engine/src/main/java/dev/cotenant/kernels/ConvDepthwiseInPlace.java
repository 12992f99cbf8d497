package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A padded 3x3 depthwise convolution of one channel block read straight from its unpadded block
 * plane ({@code [h][w][L]}), for {@link ConvDepthwiseBlocked#runBlocked} on planes too large to
 * copy into a zero-bordered buffer (MobileNet's 112x112 and 56x56 planes, beyond L2, where the copy
 * cost as much memory traffic as the convolution). Output pixels whose window lies inside the plane
 * take the row kernels of {@link ConvDepthwise3x3} (stride 1 and 2) or the unrolled one-pixel loop;
 * the ring of border pixels checks each tap. Each path is its own method: with the row kernels'
 * dispatch in the one-pixel loop's method, C2 compiled that loop 15-25% slower.
 */
final class ConvDepthwiseInPlace {

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    private static final int L = S.length();

    private ConvDepthwiseInPlace() {}

    /**
     * The block plane at {@code x[at]} into {@code dst[out]} ({@code [oh][ow][L]}), with the taps'
     * weight vectors at {@code wts[wAt]} and the bias vector at {@code wts[bAt]}.
     */
    static void run(float[] x, int at, Im2col.Geometry g, float[] wts, int wAt, int bAt, float[] dst, int out, boolean clamps,
                    float lo, float hi) {
        if (ConvDepthwiseBlocked.pairs(g)) {
            pairsInPlace(x, at, g, wts, wAt, bAt, dst, out, clamps, lo, hi);
        } else if (ConvDepthwiseBlocked.quads(g)) {
            quadsInPlace(x, at, g, wts, wAt, bAt, dst, out, clamps, lo, hi);
        } else {
            pixelsInPlace(x, at, g, wts, wAt, bAt, dst, out, clamps, lo, hi, 0, g.oh());
        }
    }

    /**
     * Output rows {@code [oh0, oh1)}, one pixel at a time: pixels whose window lies inside the plane
     * by the unrolled loop with the weights in registers, the border ring tap by tap.
     */
    private static void pixelsInPlace(float[] x, int at, Im2col.Geometry g, float[] wts, int wAt, int bAt, float[] dst, int out,
                                      boolean clamps, float lo, float hi, int oh0, int oh1) {
        FloatVector w0 = FloatVector.fromArray(S, wts, wAt), w1 = FloatVector.fromArray(S, wts, wAt + L);
        FloatVector w2 = FloatVector.fromArray(S, wts, wAt + 2 * L), w3 = FloatVector.fromArray(S, wts, wAt + 3 * L);
        FloatVector w4 = FloatVector.fromArray(S, wts, wAt + 4 * L), w5 = FloatVector.fromArray(S, wts, wAt + 5 * L);
        FloatVector w6 = FloatVector.fromArray(S, wts, wAt + 6 * L), w7 = FloatVector.fromArray(S, wts, wAt + 7 * L);
        FloatVector w8 = FloatVector.fromArray(S, wts, wAt + 8 * L);
        FloatVector bv = FloatVector.fromArray(S, wts, bAt);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        int h = g.h();
        int w = g.w();
        int sh = g.sh();
        int sw = g.sw();
        int dh = g.dh();
        int dw = g.dw();
        // Output columns whose three taps are all inside: [lo0, hi0).
        int lo0 = Math.min(g.ow(), (g.pw() + sw - 1) / sw);
        int hi0 = Math.max(lo0, Math.min(g.ow(), Math.floorDiv(w - 1 - 2 * dw + g.pw(), sw) + 1));
        int t1 = dw * L;
        int t2 = 2 * t1;
        int rowStep = dh * w * L;
        for (int oh = oh0; oh < oh1; oh++) {
            int ih0 = oh * sh - g.ph();
            boolean rowsInside = ih0 >= 0 && ih0 + 2 * dh < h;
            int o = out + oh * g.ow() * L;
            int ow = 0;
            if (rowsInside) {
                for (; ow < lo0; ow++) {
                    border(x, at, g, wts, wAt, bAt, dst, o + ow * L, oh, ow, clamps, lo, hi);
                }
                int r0 = at + ih0 * w * L;
                int r1 = r0 + rowStep;
                int r2 = r1 + rowStep;
                for (; ow < hi0; ow++) {
                    int c = (ow * sw - g.pw()) * L;
                    FloatVector acc = FloatVector.fromArray(S, x, r0 + c).fma(w0, bv);
                    acc = FloatVector.fromArray(S, x, r0 + c + t1).fma(w1, acc);
                    acc = FloatVector.fromArray(S, x, r0 + c + t2).fma(w2, acc);
                    acc = FloatVector.fromArray(S, x, r1 + c).fma(w3, acc);
                    acc = FloatVector.fromArray(S, x, r1 + c + t1).fma(w4, acc);
                    acc = FloatVector.fromArray(S, x, r1 + c + t2).fma(w5, acc);
                    acc = FloatVector.fromArray(S, x, r2 + c).fma(w6, acc);
                    acc = FloatVector.fromArray(S, x, r2 + c + t1).fma(w7, acc);
                    acc = FloatVector.fromArray(S, x, r2 + c + t2).fma(w8, acc);
                    if (clamps) {
                        acc = acc.max(lov).min(hiv);
                    }
                    acc.intoArray(dst, o + ow * L);
                }
            }
            for (; ow < g.ow(); ow++) {
                border(x, at, g, wts, wAt, bAt, dst, o + ow * L, oh, ow, clamps, lo, hi);
            }
        }
    }

    /**
     * {@link #pixelsInPlace} for a stride-1, dilation-1 window: the output rows whose window lies
     * inside the plane go two at a time through {@link ConvDepthwise3x3}, the border columns of
     * those rows and the rows outside tap by tap. A method of its own, so that the stride-2 layers
     * keep the code C2 compiles for the one-pixel loop alone: with this branch in the same method
     * they ran 15-25% slower.
     */
    private static void pairsInPlace(float[] x, int at, Im2col.Geometry g, float[] wts, int wAt, int bAt, float[] dst, int out,
                                     boolean clamps, float lo, float hi) {
        int w = g.w();
        int first = Math.min(g.oh(), g.ph());
        int end = Math.max(first, Math.min(g.oh(), g.h() - 2 + g.ph()));
        int lo0 = Math.min(g.ow(), g.pw());
        int hi0 = Math.max(lo0, Math.min(g.ow(), w - 2 + g.pw()));
        pixelsInPlace(x, at, g, wts, wAt, bAt, dst, out, clamps, lo, hi, 0, first);
        int oh = first;
        for (; oh + 2 <= end; oh += 2) {
            int o = out + oh * g.ow() * L;
            int o2 = o + g.ow() * L;
            for (int ow = 0; ow < lo0; ow++) {
                border(x, at, g, wts, wAt, bAt, dst, o + ow * L, oh, ow, clamps, lo, hi);
                border(x, at, g, wts, wAt, bAt, dst, o2 + ow * L, oh + 1, ow, clamps, lo, hi);
            }
            ConvDepthwise3x3.rowPair(x, at + ((oh - g.ph()) * w + lo0 - g.pw()) * L, w * L, hi0 - lo0, wts, wAt, bAt, dst, o + lo0 * L,
                    g.ow() * L, clamps, lo, hi);
            for (int ow = hi0; ow < g.ow(); ow++) {
                border(x, at, g, wts, wAt, bAt, dst, o + ow * L, oh, ow, clamps, lo, hi);
                border(x, at, g, wts, wAt, bAt, dst, o2 + ow * L, oh + 1, ow, clamps, lo, hi);
            }
        }
        pixelsInPlace(x, at, g, wts, wAt, bAt, dst, out, clamps, lo, hi, oh, g.oh());
    }

    /**
     * {@link #pixelsInPlace} for a stride-2, dilation-1 window: the inner columns of the rows whose
     * window lies inside the plane four pixels at a time ({@link ConvDepthwise3x3#rowStride2}), the
     * rest tap by tap.
     */
    private static void quadsInPlace(float[] x, int at, Im2col.Geometry g, float[] wts, int wAt, int bAt, float[] dst, int out,
                                     boolean clamps, float lo, float hi) {
        int w = g.w();
        // Rows with 2 oh - ph >= 0 and 2 oh - ph + 2 < h; columns likewise.
        int first = Math.min(g.oh(), (g.ph() + 1) / 2);
        int end = Math.max(first, Math.min(g.oh(), Math.floorDiv(g.h() - 3 + g.ph(), 2) + 1));
        int lo0 = Math.min(g.ow(), (g.pw() + 1) / 2);
        int hi0 = Math.max(lo0, Math.min(g.ow(), Math.floorDiv(w - 3 + g.pw(), 2) + 1));
        pixelsInPlace(x, at, g, wts, wAt, bAt, dst, out, clamps, lo, hi, 0, first);
        for (int oh = first; oh < end; oh++) {
            int o = out + oh * g.ow() * L;
            for (int ow = 0; ow < lo0; ow++) {
                border(x, at, g, wts, wAt, bAt, dst, o + ow * L, oh, ow, clamps, lo, hi);
            }
            ConvDepthwise3x3.rowStride2(x, at + ((2 * oh - g.ph()) * w + 2 * lo0 - g.pw()) * L, w * L, hi0 - lo0, wts, wAt, bAt, dst,
                    o + lo0 * L, clamps, lo, hi);
            for (int ow = hi0; ow < g.ow(); ow++) {
                border(x, at, g, wts, wAt, bAt, dst, o + ow * L, oh, ow, clamps, lo, hi);
            }
        }
        pixelsInPlace(x, at, g, wts, wAt, bAt, dst, out, clamps, lo, hi, end, g.oh());
    }

    /** One output pixel whose window may reach outside the plane: taps outside count as zeros. */
    private static void border(float[] x, int at, Im2col.Geometry g, float[] wts, int wAt, int bAt, float[] dst, int o, int oh,
                               int ow, boolean clamps, float lo, float hi) {
        FloatVector acc = FloatVector.fromArray(S, wts, bAt);
        for (int i = 0; i < g.kh(); i++) {
            int ih = oh * g.sh() - g.ph() + i * g.dh();
            if (ih < 0 || ih >= g.h()) {
                continue;
            }
            for (int j = 0; j < g.kw(); j++) {
                int iw = ow * g.sw() - g.pw() + j * g.dw();
                if (iw >= 0 && iw < g.w()) {
                    acc = FloatVector.fromArray(S, x, at + (ih * g.w() + iw) * L).fma(FloatVector.fromArray(S, wts, wAt + (i * g.kw() + j) * L), acc);
                }
            }
        }
        if (clamps) {
            acc = acc.max(FloatVector.broadcast(S, lo)).min(FloatVector.broadcast(S, hi));
        }
        acc.intoArray(dst, o);
    }
}
