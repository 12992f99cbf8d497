package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of {@link ConvTiles} for a vector unit of 16 registers (AVX2): a tile of eight (seven)
 * pixels as two calls of a kernel of four pixels (four and three), each over the pair's {@code 2L}
 * output channels.
 *
 * <p>Why. The pair kernels keep 16 accumulators (14 for seven pixels), two weight vectors and the
 * broadcast inputs live: 19 registers or more, beyond AVX2's 16, so C2 keeps accumulators on the
 * stack and every step waits on their stores and reloads. Four pixels keep eight accumulators, two
 * weight vectors and four broadcasts, 14 registers even when C2 hoists every broadcast to the top
 * of the step (it does; the SGEMM tile for 16 registers has the same shape, {@link SgemmKernel}).
 * Each part is its own method, called twice: with both parts in one method, the values the second
 * part and the epilogue need stayed live through the first part's loop, and C2 spilled the loop's
 * own base, table and bound to the stack and reloaded them every step. The weights are read twice
 * per tile, from L1. {@link ConvBlocked} takes these when {@link VectorUnit#REGISTERS} is 16.
 * Written by {@code engine/tools/conv_tiles.py}: change the pattern there, not one variant here.
 */
final class ConvSplitTiles {

    static final VectorSpecies<Float> S = ConvBlocked.S;
    static final int L = ConvBlocked.L;

    private ConvSplitTiles() {}

    /** Four pixels at input offsets {@code b + ko[i]} and {@code b + ko[i] + d1..d3}, into {@code acc[ac..]}. */
    static void quad(float[] x, int d1, int d2, int d3, int b, int[] ko, int steps, float[] wt, int wo, float[] acc, int ac) {
        FloatVector c00 = FloatVector.fromArray(S, acc, ac + 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, ac + 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, ac + 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, ac + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, ac + 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, ac + 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, ac + 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, ac + 7 * L);
        int n = Math.min(steps, ConvBlocked.KC);
        for (int i = 0; i < n; i++) {
            int o = b + ko[i];
            int wk = wo + i * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, x[o]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[o + d1]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[o + d2]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[o + d3]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
        }
        c00.intoArray(acc, ac + 0 * L);
        c01.intoArray(acc, ac + 1 * L);
        c10.intoArray(acc, ac + 2 * L);
        c11.intoArray(acc, ac + 3 * L);
        c20.intoArray(acc, ac + 4 * L);
        c21.intoArray(acc, ac + 5 * L);
        c30.intoArray(acc, ac + 6 * L);
        c31.intoArray(acc, ac + 7 * L);
    }

    /** 4 pixels L floats apart from {@code b + ko[i]}, into {@code acc[ac..]}. */
    static void part4xL(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc, int ac) {
        FloatVector c00 = FloatVector.fromArray(S, acc, ac + 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, ac + 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, ac + 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, ac + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, ac + 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, ac + 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, ac + 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, ac + 7 * L);
        int n = Math.min(steps, ConvBlocked.KC);
        for (int i = 0; i < n; i++) {
            int o = b + ko[i];
            int wk = wo + i * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, x[o]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[o + 1 * L]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[o + 2 * L]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[o + 3 * L]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
        }
        c00.intoArray(acc, ac + 0 * L);
        c01.intoArray(acc, ac + 1 * L);
        c10.intoArray(acc, ac + 2 * L);
        c11.intoArray(acc, ac + 3 * L);
        c20.intoArray(acc, ac + 4 * L);
        c21.intoArray(acc, ac + 5 * L);
        c30.intoArray(acc, ac + 6 * L);
        c31.intoArray(acc, ac + 7 * L);
    }

    /** 3 pixels L floats apart from {@code b + ko[i]}, into {@code acc[ac..]}. */
    static void part3xL(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc, int ac) {
        FloatVector c00 = FloatVector.fromArray(S, acc, ac + 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, ac + 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, ac + 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, ac + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, ac + 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, ac + 5 * L);
        int n = Math.min(steps, ConvBlocked.KC);
        for (int i = 0; i < n; i++) {
            int o = b + ko[i];
            int wk = wo + i * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, x[o]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[o + 1 * L]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[o + 2 * L]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
        }
        c00.intoArray(acc, ac + 0 * L);
        c01.intoArray(acc, ac + 1 * L);
        c10.intoArray(acc, ac + 2 * L);
        c11.intoArray(acc, ac + 3 * L);
        c20.intoArray(acc, ac + 4 * L);
        c21.intoArray(acc, ac + 5 * L);
    }

    /** 4 pixels 2 * L floats apart from {@code b + ko[i]}, into {@code acc[ac..]}. */
    static void part4x2L(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc, int ac) {
        FloatVector c00 = FloatVector.fromArray(S, acc, ac + 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, ac + 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, ac + 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, ac + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, ac + 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, ac + 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, ac + 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, ac + 7 * L);
        int n = Math.min(steps, ConvBlocked.KC);
        for (int i = 0; i < n; i++) {
            int o = b + ko[i];
            int wk = wo + i * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, x[o]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[o + 1 * 2 * L]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[o + 2 * 2 * L]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[o + 3 * 2 * L]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
        }
        c00.intoArray(acc, ac + 0 * L);
        c01.intoArray(acc, ac + 1 * L);
        c10.intoArray(acc, ac + 2 * L);
        c11.intoArray(acc, ac + 3 * L);
        c20.intoArray(acc, ac + 4 * L);
        c21.intoArray(acc, ac + 5 * L);
        c30.intoArray(acc, ac + 6 * L);
        c31.intoArray(acc, ac + 7 * L);
    }

    /** 3 pixels 2 * L floats apart from {@code b + ko[i]}, into {@code acc[ac..]}. */
    static void part3x2L(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc, int ac) {
        FloatVector c00 = FloatVector.fromArray(S, acc, ac + 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, ac + 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, ac + 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, ac + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, ac + 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, ac + 5 * L);
        int n = Math.min(steps, ConvBlocked.KC);
        for (int i = 0; i < n; i++) {
            int o = b + ko[i];
            int wk = wo + i * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, x[o]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[o + 1 * 2 * L]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[o + 2 * 2 * L]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
        }
        c00.intoArray(acc, ac + 0 * L);
        c01.intoArray(acc, ac + 1 * L);
        c10.intoArray(acc, ac + 2 * L);
        c11.intoArray(acc, ac + 3 * L);
        c20.intoArray(acc, ac + 4 * L);
        c21.intoArray(acc, ac + 5 * L);
    }

    /** 4 pixels 1 floats apart from {@code b + ko[i]}, into {@code acc[ac..]}. */
    static void part4x1(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc, int ac) {
        FloatVector c00 = FloatVector.fromArray(S, acc, ac + 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, ac + 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, ac + 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, ac + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, ac + 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, ac + 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, ac + 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, ac + 7 * L);
        int n = Math.min(steps, ConvBlocked.KC);
        for (int i = 0; i < n; i++) {
            int o = b + ko[i];
            int wk = wo + i * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, x[o]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[o + 1]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[o + 2]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[o + 3]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
        }
        c00.intoArray(acc, ac + 0 * L);
        c01.intoArray(acc, ac + 1 * L);
        c10.intoArray(acc, ac + 2 * L);
        c11.intoArray(acc, ac + 3 * L);
        c20.intoArray(acc, ac + 4 * L);
        c21.intoArray(acc, ac + 5 * L);
        c30.intoArray(acc, ac + 6 * L);
        c31.intoArray(acc, ac + 7 * L);
    }

    /** 4 pixels 2 floats apart from {@code b + ko[i]}, into {@code acc[ac..]}. */
    static void part4x2(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc, int ac) {
        FloatVector c00 = FloatVector.fromArray(S, acc, ac + 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, ac + 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, ac + 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, ac + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, ac + 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, ac + 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, ac + 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, ac + 7 * L);
        int n = Math.min(steps, ConvBlocked.KC);
        for (int i = 0; i < n; i++) {
            int o = b + ko[i];
            int wk = wo + i * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, x[o]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[o + 1 * 2]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[o + 2 * 2]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[o + 3 * 2]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
        }
        c00.intoArray(acc, ac + 0 * L);
        c01.intoArray(acc, ac + 1 * L);
        c10.intoArray(acc, ac + 2 * L);
        c11.intoArray(acc, ac + 3 * L);
        c20.intoArray(acc, ac + 4 * L);
        c21.intoArray(acc, ac + 5 * L);
        c30.intoArray(acc, ac + 6 * L);
        c31.intoArray(acc, ac + 7 * L);
    }

    /** Any eight pixels, as two calls of {@link #quad}. */
    static void tile(float[] x, int d1, int d2, int d3, int d4, int d5, int d6, int d7,
                     int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        quad(x, d1, d2, d3, b, ko, steps, wt, wo, acc, 0);
        quad(x, d5 - d4, d6 - d4, d7 - d4, b + d4, ko, steps, wt, wo, acc, 8 * L);
    }

    /** The run kernel {@code kind} of {@link ConvTiles#runKind}, as two parts. */
    static void run(int kind, float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        switch (kind) {
            case 0 -> {
                part4xL(x, b, ko, steps, wt, wo, acc, 0);
                part4xL(x, b + 4 * L, ko, steps, wt, wo, acc, 8 * L);
            }
            case 1 -> {
                part4x2L(x, b, ko, steps, wt, wo, acc, 0);
                part4x2L(x, b + 4 * 2 * L, ko, steps, wt, wo, acc, 8 * L);
            }
            case 2 -> {
                part4x1(x, b, ko, steps, wt, wo, acc, 0);
                part4x1(x, b + 4 * 1, ko, steps, wt, wo, acc, 8 * L);
            }
            case 3 -> {
                part4x2(x, b, ko, steps, wt, wo, acc, 0);
                part4x2(x, b + 4 * 2, ko, steps, wt, wo, acc, 8 * L);
            }
            case 4 -> {
                part4xL(x, b, ko, steps, wt, wo, acc, 0);
                part3xL(x, b + 4 * L, ko, steps, wt, wo, acc, 8 * L);
            }
            case 5 -> {
                part4x2L(x, b, ko, steps, wt, wo, acc, 0);
                part3x2L(x, b + 4 * 2 * L, ko, steps, wt, wo, acc, 8 * L);
            }
            default -> throw new IllegalArgumentException("no run kernel " + kind);
        }
    }
}
