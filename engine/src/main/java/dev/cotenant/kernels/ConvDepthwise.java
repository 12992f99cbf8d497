package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 2-D convolution (one filter per channel), computed directly: a GEMM would have a
 * single-row A per channel and waste the micro-kernel. Each output row starts as the bias and
 * gathers {@code KH x KW} shifted input rows; with stride 1 those rows are contiguous and the
 * multiply-adds run on whole vectors. The row is then still in L1 when the activation runs.
 * {@link ConvReference} is its oracle.
 */
public final class ConvDepthwise {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private ConvDepthwise() {}

    /**
     * Output planes {@code [n][c]} for an input of {@code batch x C x H x W}, weights
     * {@code C x KH x KW}, per-channel {@code bias} (or {@code null}).
     */
    public static void run(float[] x, int xOff, int batch, Im2col.Geometry g, float[] wt, float[] bias,
                           GemmEpilogue ep, float[] y, int yOff, Workers w) {
        int planes = batch * g.c();
        int work = g.oh() * g.ow() * g.kh() * g.kw();
        w.parallelFor(planes, Math.max(1, 32768 / Math.max(1, work)), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int c = pl % g.c();
                plane(x, xOff + pl * g.h() * g.w(), g, wt, c * g.kh() * g.kw(), bias == null ? 0f : bias[c], ep,
                        y, yOff + pl * g.oh() * g.ow());
            }
        });
    }

    private static void plane(float[] x, int xo, Im2col.Geometry g, float[] wt, int wo, float b, GemmEpilogue ep, float[] y, int yo) {
        int ow = g.ow();
        for (int oh = 0; oh < g.oh(); oh++) {
            int row = yo + oh * ow;
            java.util.Arrays.fill(y, row, row + ow, b);
            for (int kh = 0; kh < g.kh(); kh++) {
                int ih = oh * g.sh() - g.ph() + kh * g.dh();
                if (ih < 0 || ih >= g.h()) {
                    continue;
                }
                int src = xo + ih * g.w();
                for (int kw = 0; kw < g.kw(); kw++) {
                    float wv = wt[wo + kh * g.kw() + kw];
                    int shift = kw * g.dw() - g.pw();
                    int lo = Math.min(ow, shift >= 0 ? 0 : (-shift + g.sw() - 1) / g.sw());
                    int hi = g.w() - 1 - shift < 0 ? 0 : Math.min(ow, (g.w() - 1 - shift) / g.sw() + 1);
                    if (hi <= lo) {
                        continue;
                    }
                    if (g.sw() == 1) {
                        axpy(wv, x, src + shift, y, row, lo, hi);
                    } else {
                        int sw = g.sw();
                        for (int o = lo; o < hi; o++) {
                            y[row + o] += wv * x[src + shift + o * sw];
                        }
                    }
                }
            }
            if (ep != null) {
                ep.activate(y, row, ow);
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
