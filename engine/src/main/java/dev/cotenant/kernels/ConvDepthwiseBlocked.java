package dev.cotenant.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 2-D convolution with the channels as the vector lanes. {@link ConvDepthwise} vectorises
 * along an output row, which is fine for long rows but leaves most lanes and most of the time to
 * per-row overhead on the 7x7 to 28x28 planes of MobileNet's later blocks (measured 2 to 4 GFLOP/s
 * there). Here a block of {@code L} channels (L = vector lanes) is first laid out channel-last into a
 * zero-bordered buffer ({@code [padded row][padded column][L]}); each output pixel of the block is
 * then one vector: {@code KH x KW} contiguous loads and FMAs with the per-tap weight vectors held in
 * registers, bias first and the clamp (Relu, Clip) last, still in registers. The result goes back to
 * channel-first planes. The layout changes are gathers (L channels of one input pixel; L pixels of
 * one output channel), {@code O(H x W)} of them per block against {@code OH x OW x KH x KW}
 * vector FMAs, with no per-row overhead. Measured single-threaded against the row kernel (best of
 * many runs): 1.6x to 8x faster from 112x112 stride 2 down to 7x7 (bench/RESULTS.md). A last block of fewer than {@code L} channels runs with zero lanes. {@link ConvReference}
 * is its oracle.
 */
public final class ConvDepthwiseBlocked {

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    private static final int L = S.length();
    /**
     * Planes larger than this (floats) are read in place, their border pixels tap by tap; smaller
     * ones are copied into a zero-bordered buffer first. On a 14x14 plane a quarter of the pixels
     * are border pixels, and tap by tap they cost more than copying the plane (which is in L1):
     * MobileNetV2's depthwise layers at 14x14 went from 53 to 40 us, at 7x7 from 46 to 28. On its
     * 112x112 and 56x56 planes (beyond L2) the copy costs as much memory traffic as the
     * convolution, so those stay in place.
     */
    private static final int IN_PLACE_FLOATS = 28 * 28 * 16;

    private ConvDepthwiseBlocked() {}

    /** Whether the geometry has at least a vector's worth of channels, so that blocks are mostly full. */
    public static boolean suits(Im2col.Geometry g) {
        return g.c() >= L;
    }

    private static int paddedH(Im2col.Geometry g) {
        return (g.oh() - 1) * g.sh() + (g.kh() - 1) * g.dh() + 1;
    }

    private static int paddedW(Im2col.Geometry g) {
        return (g.ow() - 1) * g.sw() + (g.kw() - 1) * g.dw() + 1;
    }

    /** Floats of scratch one thread needs: the channel-last input and output and the block's weights and bias. */
    public static int scratchSize(Im2col.Geometry g) {
        return Math.multiplyExact(L, paddedH(g) * paddedW(g) + g.oh() * g.ow() + g.kh() * g.kw() + 1);
    }

    /**
     * Output planes for an input of {@code batch x C x H x W}, weights {@code C x KH x KW}, per-channel
     * {@code bias} (or {@code null}) and activation {@code ep} (or {@code null}); {@code scratch} holds
     * one {@link #scratchSize} array per thread.
     */
    public static void run(float[] x, int xOff, int batch, Im2col.Geometry g, float[] wt, float[] bias,
                           GemmEpilogue ep, float[] y, int yOff, float[][] scratch, Workers w) {
        int blocks = (g.c() + L - 1) / L;
        int units = batch * blocks;
        int slots = Math.min(scratch.length, Math.max(1, Math.min(w.threads(), units)));
        w.parallelFor(slots, 1, (s, e) -> {
            for (int slot = s; slot < e; slot++) {
                for (int u = slot; u < units; u += slots) {
                    block(x, xOff, u / blocks, (u % blocks) * L, g, wt, bias, ep, y, yOff, scratch[slot]);
                }
            }
        });
    }

    private static void block(float[] x, int xOff, int n, int c0, Im2col.Geometry g, float[] wt, float[] bias,
                              GemmEpilogue ep, float[] y, int yOff, float[] buf) {
        int cl = Math.min(L, g.c() - c0);
        int hp = paddedH(g);
        int wp = paddedW(g);
        int taps = g.kh() * g.kw();
        int outAt = hp * wp * L;
        int wAt = outAt + g.oh() * g.ow() * L;
        int bAt = wAt + taps * L;
        Arrays.fill(buf, 0, outAt, 0f);
        Arrays.fill(buf, wAt, bAt + L, 0f);
        int plane = g.h() * g.w();
        int lastW = Math.min(g.w(), wp - g.pw());
        if (cl == L) {
            // Whole blocks: one gather of the L channels per input pixel.
            int[] idx = strides(plane);
            int src = xOff + (n * g.c() + c0) * plane;
            for (int ih = 0; ih < Math.min(g.h(), hp - g.ph()); ih++) {
                int row = ((ih + g.ph()) * wp + g.pw()) * L;
                int sr = src + ih * g.w();
                for (int iw = 0; iw < lastW; iw++) {
                    FloatVector.fromArray(S, x, sr + iw, idx, 0).intoArray(buf, row + iw * L);
                }
            }
        }
        for (int ci = 0; ci < cl; ci++) {
            int c = c0 + ci;
            int src = xOff + (n * g.c() + c) * plane;
            for (int ih = 0; ih < g.h() && cl < L; ih++) {
                int ph = ih + g.ph();
                if (ph >= hp) {
                    break;
                }
                int row = (ph * wp + g.pw()) * L + ci;
                int last = Math.min(g.w(), wp - g.pw());
                int sr = src + ih * g.w();
                for (int iw = 0; iw < last; iw++) {
                    buf[row + iw * L] = x[sr + iw];
                }
            }
            for (int t = 0; t < taps; t++) {
                buf[wAt + t * L + ci] = wt[c * taps + t];
            }
            buf[bAt + ci] = bias == null ? 0f : bias[c];
        }
        boolean clamps = ep != null && ep.clamps;
        pixels(buf, 0, g, wp, buf, wAt, bAt, buf, outAt, clamps, clamps ? ep.lo : 0f, clamps ? ep.hi : 0f);
        int outPlane = g.oh() * g.ow();
        int[] lanes = strides(L);
        for (int ci = 0; ci < cl; ci++) {
            int dst = yOff + (n * g.c() + c0 + ci) * outPlane;
            int p = 0;
            // L pixels of one channel at a time: a gather at stride L out of the channel-last block.
            for (; p + L <= outPlane; p += L) {
                FloatVector.fromArray(S, buf, outAt + p * L + ci, lanes, 0).intoArray(y, dst + p);
            }
            for (; p < outPlane; p++) {
                y[dst + p] = buf[outAt + p * L + ci];
            }
            if (ep != null && ep.pointwise) {
                ep.activate(y, dst, outPlane);
            }
        }
    }

    /** {@code {0, s, 2s, ...}}, L of them. */
    private static int[] strides(int s) {
        int[] idx = new int[L];
        for (int i = 0; i < L; i++) {
            idx[i] = i * s;
        }
        return idx;
    }

    /**
     * Output pixels of one channel block from its channel-last planes: the input at {@code src}
     * ({@code [rows][wp][L]}, zero-bordered), the tap weights at {@code wAt} and the bias at
     * {@code bAt} of {@code wts} ({@code L} values each), the output to {@code dst} at {@code out}
     * ({@code [oh][ow][L]}).
     */
    private static void pixels(float[] src, int at, Im2col.Geometry g, int wp, float[] wts, int wAt, int bAt, float[] dst,
                               int out, boolean clamps, float lo, float hi) {
        if (g.kh() == 3 && g.kw() == 3) {
            pixels3x3(src, at, g, wp, wts, wAt, bAt, dst, out, clamps, lo, hi);
        } else if (g.kh() == 5 && g.kw() == 5 && g.sh() == 1 && g.sw() == 1 && g.dh() == 1 && g.dw() == 1) {
            // Two rows at a time with eight accumulators (ConvDepthwise5x5); an odd last row below.
            int rs = wp * L;
            int oh = 0;
            for (; oh + 2 <= g.oh(); oh += 2) {
                ConvDepthwise5x5.rowPair(src, at + oh * rs, rs, g.ow(), wts, wAt, bAt, dst, out + oh * g.ow() * L, g.ow() * L, clamps,
                        lo, hi);
            }
            if (oh < g.oh()) {
                pixelsAny(src, at, g, wp, wts, wAt, bAt, dst, out, clamps, lo, hi, oh);
            }
        } else {
            pixelsAny(src, at, g, wp, wts, wAt, bAt, dst, out, clamps, lo, hi, 0);
        }
    }

    /**
     * Whether {@link ConvDepthwise3x3#rowStride2} takes this 3x3 window: stride 2, dilation 1, rows
     * of eight pixels or more (on a 7-wide row three of seven pixels are left over, one at a time,
     * and MobileNetV2's 576 channels at 14 -> 7 went from 34 to 39 us).
     */
    static boolean quads(Im2col.Geometry g) {
        return g.sh() == 2 && g.sw() == 2 && g.dh() == 1 && g.dw() == 1 && g.ow() >= 8;
    }

    /** Whether {@link ConvDepthwise3x3#rowPair} takes this 3x3 window: stride and dilation 1. */
    static boolean pairs(Im2col.Geometry g) {
        return g.sh() == 1 && g.sw() == 1 && g.dh() == 1 && g.dw() == 1;
    }

    private static void pixels3x3(float[] src, int at, Im2col.Geometry g, int wp, float[] wts, int wAt, int bAt, float[] dst,
                                  int out, boolean clamps, float lo, float hi) {
        int rs = wp * L;
        int oh = 0;
        if (pairs(g)) {
            // Two rows at a time with eight accumulators (ConvDepthwise3x3); an odd last row below.
            for (; oh + 2 <= g.oh(); oh += 2) {
                ConvDepthwise3x3.rowPair(src, at + oh * rs, rs, g.ow(), wts, wAt, bAt, dst, out + oh * g.ow() * L, g.ow() * L, clamps,
                        lo, hi);
            }
        } else if (quads(g)) {
            for (; oh < g.oh(); oh++) {
                ConvDepthwise3x3.rowStride2(src, at + 2 * oh * rs, rs, g.ow(), wts, wAt, bAt, dst, out + oh * g.ow() * L, clamps, lo, hi);
            }
        }
        if (oh < g.oh()) {
            rows3x3(src, at, g, wp, wts, wAt, bAt, dst, out, clamps, lo, hi, oh);
        }
    }

    /**
     * Output rows from {@code oh0} on, one pixel at a time: any stride and dilation. A method of its
     * own, so that C2 compiles this loop as it did before the faster kernels were dispatched beside
     * it (in one method, MobileNetV2's 7-wide stride-2 layer ran 20% slower).
     */
    private static void rows3x3(float[] buf, int at, Im2col.Geometry g, int wp, float[] wts, int wAt, int bAt, float[] dst,
                                int out, boolean clamps, float lo, float hi, int oh0) {
        FloatVector w0 = FloatVector.fromArray(S, wts, wAt), w1 = FloatVector.fromArray(S, wts, wAt + L);
        FloatVector w2 = FloatVector.fromArray(S, wts, wAt + 2 * L), w3 = FloatVector.fromArray(S, wts, wAt + 3 * L);
        FloatVector w4 = FloatVector.fromArray(S, wts, wAt + 4 * L), w5 = FloatVector.fromArray(S, wts, wAt + 5 * L);
        FloatVector w6 = FloatVector.fromArray(S, wts, wAt + 6 * L), w7 = FloatVector.fromArray(S, wts, wAt + 7 * L);
        FloatVector w8 = FloatVector.fromArray(S, wts, wAt + 8 * L);
        FloatVector bv = FloatVector.fromArray(S, wts, bAt);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        int sx = g.sw() * L;
        int t1 = g.dw() * L;
        int t2 = 2 * t1;
        int rowStep = g.dh() * wp * L;
        int o = out + oh0 * g.ow() * L;
        for (int oh = oh0; oh < g.oh(); oh++) {
            int r0 = at + oh * g.sh() * wp * L;
            int r1 = r0 + rowStep;
            int r2 = r1 + rowStep;
            for (int ow = 0; ow < g.ow(); ow++, o += L) {
                int c = ow * sx;
                FloatVector acc = FloatVector.fromArray(S, buf, r0 + c).fma(w0, bv);
                acc = FloatVector.fromArray(S, buf, r0 + c + t1).fma(w1, acc);
                acc = FloatVector.fromArray(S, buf, r0 + c + t2).fma(w2, acc);
                acc = FloatVector.fromArray(S, buf, r1 + c).fma(w3, acc);
                acc = FloatVector.fromArray(S, buf, r1 + c + t1).fma(w4, acc);
                acc = FloatVector.fromArray(S, buf, r1 + c + t2).fma(w5, acc);
                acc = FloatVector.fromArray(S, buf, r2 + c).fma(w6, acc);
                acc = FloatVector.fromArray(S, buf, r2 + c + t1).fma(w7, acc);
                acc = FloatVector.fromArray(S, buf, r2 + c + t2).fma(w8, acc);
                if (clamps) {
                    acc = acc.max(lov).min(hiv);
                }
                acc.intoArray(dst, o);
            }
        }
    }

    /**
     * Any kernel size, four output pixels of a row at a time, each with its own accumulator. One
     * pixel at a time, every pixel was a single chain of KH x KW dependent FMAs (100 cycles for a
     * 5x5 window at four cycles each) that the core could not overlap enough: EfficientNet's 5x5
     * layers ran at 12-13 GFLOP/s on a Zen 3 core (bench/RESULTS.md, Zen 3 section).
     */
    private static void pixelsAny(float[] buf, int at, Im2col.Geometry g, int wp, float[] wts, int wAt, int bAt, float[] dst,
                                  int out, boolean clamps, float lo, float hi, int oh0) {
        FloatVector bv = FloatVector.fromArray(S, wts, bAt);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        int kh = g.kh();
        int kw = g.kw();
        int sx = g.sw() * L;
        int tw = g.dw() * L;
        int th = g.dh() * wp * L;
        int rs = g.sh() * wp * L;
        int fours = g.ow() - g.ow() % 4;
        int o = out + oh0 * g.ow() * L;
        for (int oh = oh0; oh < g.oh(); oh++) {
            int row = at + oh * rs;
            int ow = 0;
            for (; ow < fours; ow += 4, o += 4 * L) {
                FloatVector a0 = bv;
                FloatVector a1 = bv;
                FloatVector a2 = bv;
                FloatVector a3 = bv;
                int wk = wAt;
                for (int i = 0, r = row + ow * sx; i < kh; i++, r += th) {
                    for (int j = 0, c = r; j < kw; j++, c += tw, wk += L) {
                        FloatVector wv = FloatVector.fromArray(S, wts, wk);
                        a0 = FloatVector.fromArray(S, buf, c).fma(wv, a0);
                        a1 = FloatVector.fromArray(S, buf, c + sx).fma(wv, a1);
                        a2 = FloatVector.fromArray(S, buf, c + 2 * sx).fma(wv, a2);
                        a3 = FloatVector.fromArray(S, buf, c + 3 * sx).fma(wv, a3);
                    }
                }
                if (clamps) {
                    a0 = a0.max(lov).min(hiv);
                    a1 = a1.max(lov).min(hiv);
                    a2 = a2.max(lov).min(hiv);
                    a3 = a3.max(lov).min(hiv);
                }
                a0.intoArray(dst, o);
                a1.intoArray(dst, o + L);
                a2.intoArray(dst, o + 2 * L);
                a3.intoArray(dst, o + 3 * L);
            }
            for (; ow < g.ow(); ow++, o += L) {
                FloatVector acc = bv;
                int wk = wAt;
                for (int i = 0, r = row + ow * sx; i < kh; i++, r += th) {
                    for (int j = 0, c = r; j < kw; j++, c += tw, wk += L) {
                        acc = FloatVector.fromArray(S, buf, c).fma(FloatVector.fromArray(S, wts, wk), acc);
                    }
                }
                if (clamps) {
                    acc = acc.max(lov).min(hiv);
                }
                acc.intoArray(dst, o);
            }
        }
    }

    /**
     * Weights {@code [C][KH][KW]} and bias (or {@code null}) packed for {@link #runBlocked}: per
     * channel block, the taps' L-lane weight vectors, then the block's bias vector; zeros for the
     * padding lanes.
     */
    public static float[] packBlocked(float[] wt, float[] bias, Im2col.Geometry g) {
        int taps = g.kh() * g.kw();
        int blocks = (g.c() + L - 1) / L;
        float[] p = new float[blocks * (taps + 1) * L];
        for (int c = 0; c < g.c(); c++) {
            int at = c / L * (taps + 1) * L + c % L;
            for (int t = 0; t < taps; t++) {
                p[at + t * L] = wt[c * taps + t];
            }
            p[at + taps * L] = bias == null ? 0f : bias[c];
        }
        return p;
    }

    /** Floats of scratch one thread needs for {@link #runBlocked}: one zero-bordered block plane. */
    public static int blockedScratchSize(Im2col.Geometry g) {
        return Math.multiplyExact(L, paddedH(g) * paddedW(g));
    }

    /**
     * Depthwise convolution of channel-blocked planes ({@code [batch][C/L][H][W][L]}, see
     * {@link ConvBlocked}) into blocked planes, with weights from {@link #packBlocked}: no layout
     * change at all, each block's plane is copied row by row into a zero-bordered buffer when the
     * convolution pads, else read in place. {@code scratch} holds a zeroed
     * {@link #blockedScratchSize} array per thread, whose border is never written.
     */
    public static void runBlocked(float[] x, int xOff, int batch, Im2col.Geometry g, float[] packed, GemmEpilogue ep,
                                  float[] y, int yOff, float[][] scratch, Workers w) {
        runBlocked(x, xOff, batch, 0, (g.c() + L - 1) / L, g, packed, ep, y, yOff, scratch, w);
    }

    /** As above, for channel blocks {@code [b0, b1)} of every image only. */
    public static void runBlocked(float[] x, int xOff, int batch, int b0, int b1, Im2col.Geometry g, float[] packed, GemmEpilogue ep,
                                  float[] y, int yOff, float[][] scratch, Workers w) {
        int blocks = (g.c() + L - 1) / L;
        int span = b1 - b0;
        int units = batch * span;
        int taps = g.kh() * g.kw();
        int hp = paddedH(g);
        int wp = paddedW(g);
        boolean padded = g.ph() > 0 || g.pw() > 0 || hp > g.h() || wp > g.w();
        int plane = g.h() * g.w() * L;
        int outPlane = g.oh() * g.ow() * L;
        boolean clamps = ep != null && ep.clamps;
        float lo = clamps ? ep.lo : 0f;
        float hi = clamps ? ep.hi : 0f;
        int slots = Math.min(scratch.length, Math.max(1, Math.min(w.threads(), units)));
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        w.parallelFor(slots, 1, (s, e) -> {
            for (int slot = s; slot < e; slot++) {
                float[] buf = scratch[slot];
                for (int v = next.getAndIncrement(); v < units; v = next.getAndIncrement()) {
                    int u = v / span * blocks + b0 + v % span;
                    int src = xOff + u * plane;
                    int wAt = (u % blocks) * (taps + 1) * L;
                    int dst = yOff + u * outPlane;
                    if (padded && g.kh() == 3 && g.kw() == 3 && plane > IN_PLACE_FLOATS) {
                        // Border pixels check their taps; the rest read the plane in place.
                        ConvDepthwiseInPlace.run(x, src, g, packed, wAt, wAt + taps * L, y, dst, clamps, lo, hi);
                    } else if (padded) {
                        int cols = Math.min(g.w(), wp - g.pw()) * L;
                        for (int ih = 0; ih < g.h() && ih + g.ph() < hp; ih++) {
                            System.arraycopy(x, src + ih * g.w() * L, buf, ((ih + g.ph()) * wp + g.pw()) * L, cols);
                        }
                        pixels(buf, 0, g, wp, packed, wAt, wAt + taps * L, y, dst, clamps, lo, hi);
                    } else {
                        pixels(x, src, g, g.w(), packed, wAt, wAt + taps * L, y, dst, clamps, lo, hi);
                    }
                    if (ep != null && ep.pointwise) {
                        ep.activate(y, dst, outPlane);
                    }
                }
            }
        });
    }
}
