package dev.cotenant.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Conversions between NCHW and the channel-blocked layout {@code [N][ceil(C/L)][H][W][L]} of
 * {@link ConvBlocked}, and the pools that work on it. A conversion is a transpose of L planes and
 * runs as gathers at the plane stride (to blocked) or at stride L (back); the padding lanes of the
 * last block are written as zeros, so every value of a blocked tensor is finite.
 */
public final class ChannelBlocks {

    private static final VectorSpecies<Float> S = ConvBlocked.S;
    private static final int L = ConvBlocked.L;

    private ChannelBlocks() {}

    private static int[] stride(int s) {
        int[] idx = new int[L];
        for (int i = 0; i < L; i++) {
            idx[i] = i * s;
        }
        return idx;
    }

    /** NCHW {@code [n][c][plane]} to blocked. */
    public static void toBlocked(float[] x, int xOff, int n, int c, int plane, float[] y, int yOff, Workers w) {
        int blocks = (c + L - 1) / L;
        int[] idx = stride(plane);
        w.parallelFor(n * blocks, 1, (s, e) -> {
            for (int u = s; u < e; u++) {
                int img = u / blocks;
                int b = u % blocks;
                int src = xOff + (img * c + b * L) * plane;
                int dst = yOff + (img * blocks + b) * plane * L;
                int cl = Math.min(L, c - b * L);
                if (cl == L) {
                    for (int p = 0; p < plane; p++) {
                        FloatVector.fromArray(S, x, src + p, idx, 0).intoArray(y, dst + p * L);
                    }
                } else {
                    Arrays.fill(y, dst, dst + plane * L, 0f);
                    for (int ci = 0; ci < cl; ci++) {
                        for (int p = 0; p < plane; p++) {
                            y[dst + p * L + ci] = x[src + ci * plane + p];
                        }
                    }
                }
            }
        });
    }

    /** Blocked to NCHW {@code [n][c][plane]}. */
    public static void fromBlocked(float[] x, int xOff, int n, int c, int plane, float[] y, int yOff, Workers w) {
        int blocks = (c + L - 1) / L;
        int[] idx = stride(L);
        w.parallelFor(n * blocks, 1, (s, e) -> {
            for (int u = s; u < e; u++) {
                int img = u / blocks;
                int b = u % blocks;
                int src = xOff + (img * blocks + b) * plane * L;
                int cl = Math.min(L, c - b * L);
                for (int ci = 0; ci < cl; ci++) {
                    int dst = yOff + (img * c + b * L + ci) * plane;
                    int p = 0;
                    for (; p + L <= plane; p += L) {
                        FloatVector.fromArray(S, x, src + p * L + ci, idx, 0).intoArray(y, dst + p);
                    }
                    for (; p < plane; p++) {
                        y[dst + p] = x[src + p * L + ci];
                    }
                }
            }
        });
    }

    /**
     * Max pool on blocked planes: kernel {@code kh x kw}, strides, dilations and leading pads as in
     * ONNX MaxPool (positions outside the input are skipped, as if they held minus infinity).
     */
    public static void maxPool(float[] x, int xOff, int n, int c, int h, int wd, int kh, int kw, int sh, int sw, int dh,
                               int dw, int pt, int pl, int oh, int ow, float[] y, int yOff, Workers w) {
        int blocks = (c + L - 1) / L;
        w.parallelFor(n * blocks, 1, (s, e) -> {
            FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int u = s; u < e; u++) {
                int src = xOff + u * h * wd * L;
                int dst = yOff + u * oh * ow * L;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        FloatVector m = ninf;
                        for (int i = 0; i < kh; i++) {
                            int iy = oy * sh - pt + i * dh;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int j = 0; j < kw; j++) {
                                int ix = ox * sw - pl + j * dw;
                                if (ix >= 0 && ix < wd) {
                                    m = m.max(FloatVector.fromArray(S, x, src + (iy * wd + ix) * L));
                                }
                            }
                        }
                        m.intoArray(y, dst + (oy * ow + ox) * L);
                    }
                }
            }
        });
    }

    /** Global average pool of blocked planes into NCHW {@code [n][c][1][1]}. */
    public static void globalAverage(float[] x, int xOff, int n, int c, int plane, float[] y, int yOff, Workers w) {
        int blocks = (c + L - 1) / L;
        float inv = 1f / plane;
        w.parallelFor(n * blocks, 4, (s, e) -> {
            float[] lane = new float[L];
            for (int u = s; u < e; u++) {
                int img = u / blocks;
                int b = u % blocks;
                int src = xOff + u * plane * L;
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < plane; p++) {
                    acc = acc.add(FloatVector.fromArray(S, x, src + p * L));
                }
                acc.mul(inv).intoArray(lane, 0);
                int cl = Math.min(L, c - b * L);
                System.arraycopy(lane, 0, y, yOff + img * c + b * L, cl);
            }
        });
    }
}
