package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 2-D convolution (one filter per channel), computed directly: a GEMM would have a
 * single-row A per channel and waste the micro-kernel. Each output row starts as the bias and
 * gathers {@code KH x KW} shifted input rows, every one a long contiguous multiply-add on whole
 * vectors; the row is then still in L1 when the activation runs. For a stride above 1 each input
 * row is first split into its stride phases (for stride 2, even and odd columns), so that the taps
 * read contiguous memory too. Which output columns each tap reaches is worked out once, when the
 * operator binds ({@link Taps}). {@link ConvReference} is its oracle.
 */
public final class ConvDepthwise {

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    /** At least two vectors of floats. */
    private static final int SLACK = 2 * S.length() + 8;

    private ConvDepthwise() {}

    /** Per horizontal tap: the first and end output column it reaches, and where it reads in its phase row. */
    public record Taps(int[] lo, int[] hi, int[] phase, int[] shift, int phaseLength, boolean square3, int paddedH, int paddedW,
                       int paddedPhase) {

        public static Taps of(Im2col.Geometry g) {
            int k = g.kw();
            int s = g.sw();
            int[] lo = new int[k];
            int[] hi = new int[k];
            int[] phase = new int[k];
            int[] shift = new int[k];
            for (int t = 0; t < k; t++) {
                int off = t * g.dw() - g.pw();
                int l = off >= 0 ? 0 : (-off + s - 1) / s;
                int h = g.w() - 1 - off < 0 ? 0 : (g.w() - 1 - off) / s + 1;
                lo[t] = Math.min(l, g.ow());
                hi[t] = Math.max(lo[t], Math.min(h, g.ow()));
                // Input column o * s + off lies in phase (off mod s) at index o + floor(off / s).
                phase[t] = Math.floorMod(off, s);
                shift[t] = Math.floorDiv(off, s);
            }
            boolean square3 = g.kh() == 3 && g.kw() == 3 && g.dh() == 1 && g.dw() == 1 && g.sh() == g.sw() && s <= 2;
            int ph = Math.max(g.h() + g.ph(), (g.oh() - 1) * g.sh() + g.kh());
            int pw = Math.max(g.w() + g.pw(), (g.ow() - 1) * s + g.kw());
            return new Taps(lo, hi, phase, shift, (g.w() + s - 1) / s, square3, ph, pw, (pw + s - 1) / s);
        }

        /** Floats of per-thread scratch the kernel needs. */
        public int scratchSize() {
            // Padded plane, slack for the last vector's over-read, and a row for the last partial vector.
            return square3 ? paddedH * paddedPhase * 2 + 2 * SLACK : 2 * phaseLength;
        }
    }

    /**
     * Output planes {@code [n][c]} for an input of {@code batch x C x H x W}, weights
     * {@code C x KH x KW}, per-channel {@code bias} (or {@code null}). {@code scratch} holds
     * {@code threads x stride x phaseLength} floats for strided convolutions.
     */
    public static void run(float[] x, int xOff, int batch, Im2col.Geometry g, Taps taps, float[] wt, float[] bias,
                           GemmEpilogue ep, float[] y, int yOff, float[][] scratch, Workers w) {
        int planes = batch * g.c();
        int slots = Math.min(scratch.length, Math.max(1, planes));
        w.parallelFor(slots, 1, (s, e) -> {
            for (int slot = s; slot < e; slot++) {
                int from = (int) ((long) planes * slot / slots);
                int to = (int) ((long) planes * (slot + 1) / slots);
                for (int pl = from; pl < to; pl++) {
                    int c = pl % g.c();
                    if (taps.square3()) {
                        plane3x3(x, xOff + pl * g.h() * g.w(), g, taps, wt, c * 9, bias == null ? 0f : bias[c], ep,
                                y, yOff + pl * g.oh() * g.ow(), scratch[slot]);
                    } else {
                        plane(x, xOff + pl * g.h() * g.w(), g, taps, wt, c * g.kh() * g.kw(), bias == null ? 0f : bias[c], ep,
                                y, yOff + pl * g.oh() * g.ow(), scratch[slot]);
                    }
                }
            }
        });
    }

    private static void plane(float[] x, int xo, Im2col.Geometry g, Taps taps, float[] wt, int wo, float b, GemmEpilogue ep,
                              float[] y, int yo, float[] phases) {
        int ow = g.ow();
        int sw = g.sw();
        int pl = taps.phaseLength();
        for (int oh = 0; oh < g.oh(); oh++) {
            int row = yo + oh * ow;
            java.util.Arrays.fill(y, row, row + ow, b);
            for (int kh = 0; kh < g.kh(); kh++) {
                int ih = oh * g.sh() - g.ph() + kh * g.dh();
                if (ih < 0 || ih >= g.h()) {
                    continue;
                }
                int src = xo + ih * g.w();
                float[] in = x;
                int base = src;
                if (sw > 1) {
                    for (int i = 0; i < g.w(); i++) {
                        phases[(i % sw) * pl + i / sw] = x[src + i];
                    }
                    in = phases;
                    base = 0;
                }
                for (int kw = 0; kw < g.kw(); kw++) {
                    int lo = taps.lo()[kw];
                    int hi = taps.hi()[kw];
                    if (hi > lo) {
                        int from = sw > 1 ? base + taps.phase()[kw] * pl + taps.shift()[kw] : base + taps.shift()[kw];
                        axpy(wt[wo + kh * g.kw() + kw], in, from, y, row, lo, hi);
                    }
                }
            }
            if (ep != null) {
                ep.activate(y, row, ow);
            }
        }
    }

    /**
     * The common 3x3 case (stride 1 or 2): the plane is first copied into a zero-bordered buffer,
     * split into stride phases, so that every tap of every output is in range and contiguous; then
     * each vector of outputs is computed whole in a register from nine loads, with the nine
     * weights held in registers for the plane.
     */
    private static void plane3x3(float[] x, int xo, Im2col.Geometry g, Taps t, float[] wt, int wo, float b, GemmEpilogue ep,
                                 float[] y, int yo, float[] pad) {
        int s = g.sw();
        int lp = t.paddedPhase();
        int rowLen = s * lp;
        // The border is never written, so it stays zero from the buffer's allocation: every plane of
        // this operator has the same geometry.
        for (int ih = 0; ih < g.h(); ih++) {
            int dst = (ih + g.ph()) * rowLen;
            int src = xo + ih * g.w();
            if (s == 1) {
                System.arraycopy(x, src, pad, dst + g.pw(), g.w());
            } else {
                // Padded column c goes to phase c & 1 at c >> 1.
                int first = g.pw() & 1;
                int even = dst + ((g.pw() + 1) >> 1);
                for (int iw = first, j = 0; iw < g.w(); iw += 2, j++) {
                    pad[even + j] = x[src + iw];
                }
                int odd = dst + lp + ((g.pw() + (1 - first)) >> 1);
                for (int iw = 1 - first, j = 0; iw < g.w(); iw += 2, j++) {
                    pad[odd + j] = x[src + iw];
                }
            }
        }
        FloatVector w0 = FloatVector.broadcast(S, wt[wo]), w1 = FloatVector.broadcast(S, wt[wo + 1]), w2 = FloatVector.broadcast(S, wt[wo + 2]);
        FloatVector w3 = FloatVector.broadcast(S, wt[wo + 3]), w4 = FloatVector.broadcast(S, wt[wo + 4]), w5 = FloatVector.broadcast(S, wt[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(S, wt[wo + 6]), w7 = FloatVector.broadcast(S, wt[wo + 7]), w8 = FloatVector.broadcast(S, wt[wo + 8]);
        FloatVector bv = FloatVector.broadcast(S, b);
        int len = S.length();
        int ow = g.ow();
        // Tap kw of a row reads phase (kw % s) at offset kw / s.
        int t1 = s == 1 ? 1 : lp;
        int t2 = s == 1 ? 2 : 1;
        int spare = t.paddedH() * rowLen + SLACK;
        for (int oh = 0; oh < g.oh(); oh++) {
            int r0 = oh * g.sh() * rowLen;
            int r1 = r0 + rowLen;
            int r2 = r1 + rowLen;
            int yr = yo + oh * ow;
            // Whole vectors throughout: the last, partial one reads a little past the row (into the
            // next row or the slack) and is stored through a spare row.
            for (int o = 0; o < ow; o += len) {
                FloatVector acc = FloatVector.fromArray(S, pad, r0 + o).fma(w0, bv);
                acc = FloatVector.fromArray(S, pad, r0 + t1 + o).fma(w1, acc);
                acc = FloatVector.fromArray(S, pad, r0 + t2 + o).fma(w2, acc);
                acc = FloatVector.fromArray(S, pad, r1 + o).fma(w3, acc);
                acc = FloatVector.fromArray(S, pad, r1 + t1 + o).fma(w4, acc);
                acc = FloatVector.fromArray(S, pad, r1 + t2 + o).fma(w5, acc);
                acc = FloatVector.fromArray(S, pad, r2 + o).fma(w6, acc);
                acc = FloatVector.fromArray(S, pad, r2 + t1 + o).fma(w7, acc);
                acc = FloatVector.fromArray(S, pad, r2 + t2 + o).fma(w8, acc);
                if (o + len <= ow) {
                    acc.intoArray(y, yr + o);
                } else {
                    acc.intoArray(pad, spare);
                    System.arraycopy(pad, spare, y, yr + o, ow - o);
                }
            }
            if (ep != null) {
                ep.activate(y, yr, ow);
            }
        }
    }

    /** {@code y[yo + i] += a * x[xo + i]} for i in [lo, hi). */
    private static void axpy(float a, float[] x, int xo, float[] y, int yo, int lo, int hi) {
        int i = lo;
        int len = S.length();
        FloatVector av = FloatVector.broadcast(S, a);
        for (; i + len <= hi; i += len) {
            FloatVector.fromArray(S, x, xo + i).fma(av, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < hi; i++) {
            y[yo + i] = Math.fma(a, x[xo + i], y[yo + i]);
        }
    }
}
