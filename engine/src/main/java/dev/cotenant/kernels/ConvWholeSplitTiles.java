package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of {@link ConvWholeTiles} for a vector unit of 16 registers (AVX2): a tile of eight (seven)
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
final class ConvWholeSplitTiles {

    static final VectorSpecies<Float> S = ConvBlocked.S;
    static final int L = ConvBlocked.L;

    private ConvWholeSplitTiles() {}

    /** 4 pixels L floats apart from {@code b + ko[i]}, bias to output. */
    static void part4xL(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        FloatVector s0 = FloatVector.fromArray(S, bias, bo);
        FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector c00 = s0;
        FloatVector c01 = s1;
        FloatVector c10 = s0;
        FloatVector c11 = s1;
        FloatVector c20 = s0;
        FloatVector c21 = s1;
        FloatVector c30 = s0;
        FloatVector c31 = s1;
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
        if (r0 >= 0) {
            c00 = c00.add(FloatVector.fromArray(S, res, r0 + 0 * L));
            c01 = c01.add(FloatVector.fromArray(S, res, r1 + 0 * L));
            c10 = c10.add(FloatVector.fromArray(S, res, r0 + 1 * L));
            c11 = c11.add(FloatVector.fromArray(S, res, r1 + 1 * L));
            c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
            c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
            c30 = c30.add(FloatVector.fromArray(S, res, r0 + 3 * L));
            c31 = c31.add(FloatVector.fromArray(S, res, r1 + 3 * L));
        }
        if (clamp) {
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
            c00 = c00.max(l).min(h);
            c01 = c01.max(l).min(h);
            c10 = c10.max(l).min(h);
            c11 = c11.max(l).min(h);
            c20 = c20.max(l).min(h);
            c21 = c21.max(l).min(h);
            c30 = c30.max(l).min(h);
            c31 = c31.max(l).min(h);
        }
        c00.intoArray(y, y0 + 0 * L);
        c10.intoArray(y, y0 + 1 * L);
        c20.intoArray(y, y0 + 2 * L);
        c30.intoArray(y, y0 + 3 * L);
        c01.intoArray(y, y1 + 0 * L);
        c11.intoArray(y, y1 + 1 * L);
        c21.intoArray(y, y1 + 2 * L);
        c31.intoArray(y, y1 + 3 * L);
    }

    /** 3 pixels L floats apart from {@code b + ko[i]}, bias to output. */
    static void part3xL(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        FloatVector s0 = FloatVector.fromArray(S, bias, bo);
        FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector c00 = s0;
        FloatVector c01 = s1;
        FloatVector c10 = s0;
        FloatVector c11 = s1;
        FloatVector c20 = s0;
        FloatVector c21 = s1;
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
        if (r0 >= 0) {
            c00 = c00.add(FloatVector.fromArray(S, res, r0 + 0 * L));
            c01 = c01.add(FloatVector.fromArray(S, res, r1 + 0 * L));
            c10 = c10.add(FloatVector.fromArray(S, res, r0 + 1 * L));
            c11 = c11.add(FloatVector.fromArray(S, res, r1 + 1 * L));
            c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
            c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
        }
        if (clamp) {
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
            c00 = c00.max(l).min(h);
            c01 = c01.max(l).min(h);
            c10 = c10.max(l).min(h);
            c11 = c11.max(l).min(h);
            c20 = c20.max(l).min(h);
            c21 = c21.max(l).min(h);
        }
        c00.intoArray(y, y0 + 0 * L);
        c10.intoArray(y, y0 + 1 * L);
        c20.intoArray(y, y0 + 2 * L);
        c01.intoArray(y, y1 + 0 * L);
        c11.intoArray(y, y1 + 1 * L);
        c21.intoArray(y, y1 + 2 * L);
    }

    /** 4 pixels 2 * L floats apart from {@code b + ko[i]}, bias to output. */
    static void part4x2L(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        FloatVector s0 = FloatVector.fromArray(S, bias, bo);
        FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector c00 = s0;
        FloatVector c01 = s1;
        FloatVector c10 = s0;
        FloatVector c11 = s1;
        FloatVector c20 = s0;
        FloatVector c21 = s1;
        FloatVector c30 = s0;
        FloatVector c31 = s1;
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
        if (r0 >= 0) {
            c00 = c00.add(FloatVector.fromArray(S, res, r0 + 0 * L));
            c01 = c01.add(FloatVector.fromArray(S, res, r1 + 0 * L));
            c10 = c10.add(FloatVector.fromArray(S, res, r0 + 1 * L));
            c11 = c11.add(FloatVector.fromArray(S, res, r1 + 1 * L));
            c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
            c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
            c30 = c30.add(FloatVector.fromArray(S, res, r0 + 3 * L));
            c31 = c31.add(FloatVector.fromArray(S, res, r1 + 3 * L));
        }
        if (clamp) {
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
            c00 = c00.max(l).min(h);
            c01 = c01.max(l).min(h);
            c10 = c10.max(l).min(h);
            c11 = c11.max(l).min(h);
            c20 = c20.max(l).min(h);
            c21 = c21.max(l).min(h);
            c30 = c30.max(l).min(h);
            c31 = c31.max(l).min(h);
        }
        c00.intoArray(y, y0 + 0 * L);
        c10.intoArray(y, y0 + 1 * L);
        c20.intoArray(y, y0 + 2 * L);
        c30.intoArray(y, y0 + 3 * L);
        c01.intoArray(y, y1 + 0 * L);
        c11.intoArray(y, y1 + 1 * L);
        c21.intoArray(y, y1 + 2 * L);
        c31.intoArray(y, y1 + 3 * L);
    }

    /** 3 pixels 2 * L floats apart from {@code b + ko[i]}, bias to output. */
    static void part3x2L(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        FloatVector s0 = FloatVector.fromArray(S, bias, bo);
        FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector c00 = s0;
        FloatVector c01 = s1;
        FloatVector c10 = s0;
        FloatVector c11 = s1;
        FloatVector c20 = s0;
        FloatVector c21 = s1;
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
        if (r0 >= 0) {
            c00 = c00.add(FloatVector.fromArray(S, res, r0 + 0 * L));
            c01 = c01.add(FloatVector.fromArray(S, res, r1 + 0 * L));
            c10 = c10.add(FloatVector.fromArray(S, res, r0 + 1 * L));
            c11 = c11.add(FloatVector.fromArray(S, res, r1 + 1 * L));
            c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
            c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
        }
        if (clamp) {
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
            c00 = c00.max(l).min(h);
            c01 = c01.max(l).min(h);
            c10 = c10.max(l).min(h);
            c11 = c11.max(l).min(h);
            c20 = c20.max(l).min(h);
            c21 = c21.max(l).min(h);
        }
        c00.intoArray(y, y0 + 0 * L);
        c10.intoArray(y, y0 + 1 * L);
        c20.intoArray(y, y0 + 2 * L);
        c01.intoArray(y, y1 + 0 * L);
        c11.intoArray(y, y1 + 1 * L);
        c21.intoArray(y, y1 + 2 * L);
    }

    /** 4 pixels 1 floats apart from {@code b + ko[i]}, bias to output. */
    static void part4x1(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        FloatVector s0 = FloatVector.fromArray(S, bias, bo);
        FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector c00 = s0;
        FloatVector c01 = s1;
        FloatVector c10 = s0;
        FloatVector c11 = s1;
        FloatVector c20 = s0;
        FloatVector c21 = s1;
        FloatVector c30 = s0;
        FloatVector c31 = s1;
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
        if (r0 >= 0) {
            c00 = c00.add(FloatVector.fromArray(S, res, r0 + 0 * L));
            c01 = c01.add(FloatVector.fromArray(S, res, r1 + 0 * L));
            c10 = c10.add(FloatVector.fromArray(S, res, r0 + 1 * L));
            c11 = c11.add(FloatVector.fromArray(S, res, r1 + 1 * L));
            c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
            c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
            c30 = c30.add(FloatVector.fromArray(S, res, r0 + 3 * L));
            c31 = c31.add(FloatVector.fromArray(S, res, r1 + 3 * L));
        }
        if (clamp) {
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
            c00 = c00.max(l).min(h);
            c01 = c01.max(l).min(h);
            c10 = c10.max(l).min(h);
            c11 = c11.max(l).min(h);
            c20 = c20.max(l).min(h);
            c21 = c21.max(l).min(h);
            c30 = c30.max(l).min(h);
            c31 = c31.max(l).min(h);
        }
        c00.intoArray(y, y0 + 0 * L);
        c10.intoArray(y, y0 + 1 * L);
        c20.intoArray(y, y0 + 2 * L);
        c30.intoArray(y, y0 + 3 * L);
        c01.intoArray(y, y1 + 0 * L);
        c11.intoArray(y, y1 + 1 * L);
        c21.intoArray(y, y1 + 2 * L);
        c31.intoArray(y, y1 + 3 * L);
    }

    /** 4 pixels 2 floats apart from {@code b + ko[i]}, bias to output. */
    static void part4x2(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        FloatVector s0 = FloatVector.fromArray(S, bias, bo);
        FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector c00 = s0;
        FloatVector c01 = s1;
        FloatVector c10 = s0;
        FloatVector c11 = s1;
        FloatVector c20 = s0;
        FloatVector c21 = s1;
        FloatVector c30 = s0;
        FloatVector c31 = s1;
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
        if (r0 >= 0) {
            c00 = c00.add(FloatVector.fromArray(S, res, r0 + 0 * L));
            c01 = c01.add(FloatVector.fromArray(S, res, r1 + 0 * L));
            c10 = c10.add(FloatVector.fromArray(S, res, r0 + 1 * L));
            c11 = c11.add(FloatVector.fromArray(S, res, r1 + 1 * L));
            c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
            c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
            c30 = c30.add(FloatVector.fromArray(S, res, r0 + 3 * L));
            c31 = c31.add(FloatVector.fromArray(S, res, r1 + 3 * L));
        }
        if (clamp) {
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
            c00 = c00.max(l).min(h);
            c01 = c01.max(l).min(h);
            c10 = c10.max(l).min(h);
            c11 = c11.max(l).min(h);
            c20 = c20.max(l).min(h);
            c21 = c21.max(l).min(h);
            c30 = c30.max(l).min(h);
            c31 = c31.max(l).min(h);
        }
        c00.intoArray(y, y0 + 0 * L);
        c10.intoArray(y, y0 + 1 * L);
        c20.intoArray(y, y0 + 2 * L);
        c30.intoArray(y, y0 + 3 * L);
        c01.intoArray(y, y1 + 0 * L);
        c11.intoArray(y, y1 + 1 * L);
        c21.intoArray(y, y1 + 2 * L);
        c31.intoArray(y, y1 + 3 * L);
    }

    /** The kernel {@code kind} of {@link ConvTiles#runKind}, as two parts. */
    static void run(int kind, float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        // The second part's residual offsets move with its pixels; -1 (no residual) stays.
        int s0 = r0 < 0 ? r0 : r0 + 4 * L;
        int s1 = r1 < 0 ? r1 : r1 + 4 * L;
        switch (kind) {
            case 0 -> {
                part4xL(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
                part4xL(x, b + 4 * L, ko, steps, wt, wo, bias, bo, res, s0, s1, y, y0 + 4 * L, y1 + 4 * L, clamp, lo, hi);
            }
            case 1 -> {
                part4x2L(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
                part4x2L(x, b + 4 * 2 * L, ko, steps, wt, wo, bias, bo, res, s0, s1, y, y0 + 4 * L, y1 + 4 * L, clamp, lo, hi);
            }
            case 2 -> {
                part4x1(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
                part4x1(x, b + 4 * 1, ko, steps, wt, wo, bias, bo, res, s0, s1, y, y0 + 4 * L, y1 + 4 * L, clamp, lo, hi);
            }
            case 3 -> {
                part4x2(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
                part4x2(x, b + 4 * 2, ko, steps, wt, wo, bias, bo, res, s0, s1, y, y0 + 4 * L, y1 + 4 * L, clamp, lo, hi);
            }
            case 4 -> {
                part4xL(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
                part3xL(x, b + 4 * L, ko, steps, wt, wo, bias, bo, res, s0, s1, y, y0 + 4 * L, y1 + 4 * L, clamp, lo, hi);
            }
            case 5 -> {
                part4x2L(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
                part3x2L(x, b + 4 * 2 * L, ko, steps, wt, wo, bias, bo, res, s0, s1, y, y0 + 4 * L, y1 + 4 * L, clamp, lo, hi);
            }
            default -> throw new IllegalArgumentException("no run kernel " + kind);
        }
    }
}
