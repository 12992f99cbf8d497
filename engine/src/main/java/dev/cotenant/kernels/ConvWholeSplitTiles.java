package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of {@link ConvWholeTiles} for a vector unit of 16 registers (AVX2), four pixels at a time:
 * the tile's first four pixels times the pair's {@code 2L} output channels over the chunk, then
 * the rest.
 *
 * <p>Why. The pair kernels keep 16 accumulators (14 for seven pixels), two weight vectors and the
 * broadcast inputs live: 19 registers or more, beyond AVX2's 16, so C2 keeps accumulators on the
 * stack and every step waits on their stores and reloads. Four pixels keep eight accumulators, two
 * weight vectors and four broadcasts, 14 registers even when C2 hoists every broadcast to the top
 * of the step (it does; the SGEMM tile for 16 registers is the same shape, {@link SgemmKernel}).
 * The weights are then read twice per tile, from L1. Splitting by block instead (eight pixels, one
 * block at a time) needs up to 17 registers once the eight broadcasts are hoisted. {@link ConvBlocked}
 * takes these when {@link VectorUnit#REGISTERS} is 16.
 * Written by {@code engine/tools/conv_tiles.py}: change the pattern there, not one variant here.
 */
final class ConvWholeSplitTiles {

    static final VectorSpecies<Float> S = ConvBlocked.S;
    static final int L = ConvBlocked.L;

    private ConvWholeSplitTiles() {}

    /**
     * 8 pixels {@code L} floats apart (blocked, stride 1) from {@code b + ko[i]}, bias to output.
     */
    static void run8xL(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        {
            FloatVector c00 = FloatVector.fromArray(S, bias, bo);
            FloatVector c01 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c10 = FloatVector.fromArray(S, bias, bo);
            FloatVector c11 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c20 = FloatVector.fromArray(S, bias, bo);
            FloatVector c21 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c30 = FloatVector.fromArray(S, bias, bo);
            FloatVector c31 = FloatVector.fromArray(S, bias, bo + L);
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
        {
            FloatVector c40 = FloatVector.fromArray(S, bias, bo);
            FloatVector c41 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c50 = FloatVector.fromArray(S, bias, bo);
            FloatVector c51 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c60 = FloatVector.fromArray(S, bias, bo);
            FloatVector c61 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c70 = FloatVector.fromArray(S, bias, bo);
            FloatVector c71 = FloatVector.fromArray(S, bias, bo + L);
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                FloatVector a4 = FloatVector.broadcast(S, x[o + 4 * L]);
                c40 = a4.fma(v0, c40);
                c41 = a4.fma(v1, c41);
                FloatVector a5 = FloatVector.broadcast(S, x[o + 5 * L]);
                c50 = a5.fma(v0, c50);
                c51 = a5.fma(v1, c51);
                FloatVector a6 = FloatVector.broadcast(S, x[o + 6 * L]);
                c60 = a6.fma(v0, c60);
                c61 = a6.fma(v1, c61);
                FloatVector a7 = FloatVector.broadcast(S, x[o + 7 * L]);
                c70 = a7.fma(v0, c70);
                c71 = a7.fma(v1, c71);
            }
            if (r0 >= 0) {
                c40 = c40.add(FloatVector.fromArray(S, res, r0 + 4 * L));
                c41 = c41.add(FloatVector.fromArray(S, res, r1 + 4 * L));
                c50 = c50.add(FloatVector.fromArray(S, res, r0 + 5 * L));
                c51 = c51.add(FloatVector.fromArray(S, res, r1 + 5 * L));
                c60 = c60.add(FloatVector.fromArray(S, res, r0 + 6 * L));
                c61 = c61.add(FloatVector.fromArray(S, res, r1 + 6 * L));
                c70 = c70.add(FloatVector.fromArray(S, res, r0 + 7 * L));
                c71 = c71.add(FloatVector.fromArray(S, res, r1 + 7 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c40 = c40.max(l).min(h);
                c41 = c41.max(l).min(h);
                c50 = c50.max(l).min(h);
                c51 = c51.max(l).min(h);
                c60 = c60.max(l).min(h);
                c61 = c61.max(l).min(h);
                c70 = c70.max(l).min(h);
                c71 = c71.max(l).min(h);
            }
            c40.intoArray(y, y0 + 4 * L);
            c50.intoArray(y, y0 + 5 * L);
            c60.intoArray(y, y0 + 6 * L);
            c70.intoArray(y, y0 + 7 * L);
            c41.intoArray(y, y1 + 4 * L);
            c51.intoArray(y, y1 + 5 * L);
            c61.intoArray(y, y1 + 6 * L);
            c71.intoArray(y, y1 + 7 * L);
        }
    }

    /**
     * 8 pixels {@code 2L} floats apart (blocked, stride 2) from {@code b + ko[i]}, bias to output.
     */
    static void run8x2L(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        {
            FloatVector c00 = FloatVector.fromArray(S, bias, bo);
            FloatVector c01 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c10 = FloatVector.fromArray(S, bias, bo);
            FloatVector c11 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c20 = FloatVector.fromArray(S, bias, bo);
            FloatVector c21 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c30 = FloatVector.fromArray(S, bias, bo);
            FloatVector c31 = FloatVector.fromArray(S, bias, bo + L);
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
        {
            FloatVector c40 = FloatVector.fromArray(S, bias, bo);
            FloatVector c41 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c50 = FloatVector.fromArray(S, bias, bo);
            FloatVector c51 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c60 = FloatVector.fromArray(S, bias, bo);
            FloatVector c61 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c70 = FloatVector.fromArray(S, bias, bo);
            FloatVector c71 = FloatVector.fromArray(S, bias, bo + L);
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                FloatVector a4 = FloatVector.broadcast(S, x[o + 4 * 2 * L]);
                c40 = a4.fma(v0, c40);
                c41 = a4.fma(v1, c41);
                FloatVector a5 = FloatVector.broadcast(S, x[o + 5 * 2 * L]);
                c50 = a5.fma(v0, c50);
                c51 = a5.fma(v1, c51);
                FloatVector a6 = FloatVector.broadcast(S, x[o + 6 * 2 * L]);
                c60 = a6.fma(v0, c60);
                c61 = a6.fma(v1, c61);
                FloatVector a7 = FloatVector.broadcast(S, x[o + 7 * 2 * L]);
                c70 = a7.fma(v0, c70);
                c71 = a7.fma(v1, c71);
            }
            if (r0 >= 0) {
                c40 = c40.add(FloatVector.fromArray(S, res, r0 + 4 * L));
                c41 = c41.add(FloatVector.fromArray(S, res, r1 + 4 * L));
                c50 = c50.add(FloatVector.fromArray(S, res, r0 + 5 * L));
                c51 = c51.add(FloatVector.fromArray(S, res, r1 + 5 * L));
                c60 = c60.add(FloatVector.fromArray(S, res, r0 + 6 * L));
                c61 = c61.add(FloatVector.fromArray(S, res, r1 + 6 * L));
                c70 = c70.add(FloatVector.fromArray(S, res, r0 + 7 * L));
                c71 = c71.add(FloatVector.fromArray(S, res, r1 + 7 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c40 = c40.max(l).min(h);
                c41 = c41.max(l).min(h);
                c50 = c50.max(l).min(h);
                c51 = c51.max(l).min(h);
                c60 = c60.max(l).min(h);
                c61 = c61.max(l).min(h);
                c70 = c70.max(l).min(h);
                c71 = c71.max(l).min(h);
            }
            c40.intoArray(y, y0 + 4 * L);
            c50.intoArray(y, y0 + 5 * L);
            c60.intoArray(y, y0 + 6 * L);
            c70.intoArray(y, y0 + 7 * L);
            c41.intoArray(y, y1 + 4 * L);
            c51.intoArray(y, y1 + 5 * L);
            c61.intoArray(y, y1 + 6 * L);
            c71.intoArray(y, y1 + 7 * L);
        }
    }

    /**
     * 8 pixels one float apart (NCHW, stride 1) from {@code b + ko[i]}, bias to output.
     */
    static void run8x1(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        {
            FloatVector c00 = FloatVector.fromArray(S, bias, bo);
            FloatVector c01 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c10 = FloatVector.fromArray(S, bias, bo);
            FloatVector c11 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c20 = FloatVector.fromArray(S, bias, bo);
            FloatVector c21 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c30 = FloatVector.fromArray(S, bias, bo);
            FloatVector c31 = FloatVector.fromArray(S, bias, bo + L);
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
        {
            FloatVector c40 = FloatVector.fromArray(S, bias, bo);
            FloatVector c41 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c50 = FloatVector.fromArray(S, bias, bo);
            FloatVector c51 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c60 = FloatVector.fromArray(S, bias, bo);
            FloatVector c61 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c70 = FloatVector.fromArray(S, bias, bo);
            FloatVector c71 = FloatVector.fromArray(S, bias, bo + L);
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                FloatVector a4 = FloatVector.broadcast(S, x[o + 4]);
                c40 = a4.fma(v0, c40);
                c41 = a4.fma(v1, c41);
                FloatVector a5 = FloatVector.broadcast(S, x[o + 5]);
                c50 = a5.fma(v0, c50);
                c51 = a5.fma(v1, c51);
                FloatVector a6 = FloatVector.broadcast(S, x[o + 6]);
                c60 = a6.fma(v0, c60);
                c61 = a6.fma(v1, c61);
                FloatVector a7 = FloatVector.broadcast(S, x[o + 7]);
                c70 = a7.fma(v0, c70);
                c71 = a7.fma(v1, c71);
            }
            if (r0 >= 0) {
                c40 = c40.add(FloatVector.fromArray(S, res, r0 + 4 * L));
                c41 = c41.add(FloatVector.fromArray(S, res, r1 + 4 * L));
                c50 = c50.add(FloatVector.fromArray(S, res, r0 + 5 * L));
                c51 = c51.add(FloatVector.fromArray(S, res, r1 + 5 * L));
                c60 = c60.add(FloatVector.fromArray(S, res, r0 + 6 * L));
                c61 = c61.add(FloatVector.fromArray(S, res, r1 + 6 * L));
                c70 = c70.add(FloatVector.fromArray(S, res, r0 + 7 * L));
                c71 = c71.add(FloatVector.fromArray(S, res, r1 + 7 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c40 = c40.max(l).min(h);
                c41 = c41.max(l).min(h);
                c50 = c50.max(l).min(h);
                c51 = c51.max(l).min(h);
                c60 = c60.max(l).min(h);
                c61 = c61.max(l).min(h);
                c70 = c70.max(l).min(h);
                c71 = c71.max(l).min(h);
            }
            c40.intoArray(y, y0 + 4 * L);
            c50.intoArray(y, y0 + 5 * L);
            c60.intoArray(y, y0 + 6 * L);
            c70.intoArray(y, y0 + 7 * L);
            c41.intoArray(y, y1 + 4 * L);
            c51.intoArray(y, y1 + 5 * L);
            c61.intoArray(y, y1 + 6 * L);
            c71.intoArray(y, y1 + 7 * L);
        }
    }

    /**
     * 8 pixels two floats apart (NCHW, stride 2) from {@code b + ko[i]}, bias to output.
     */
    static void run8x2(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        {
            FloatVector c00 = FloatVector.fromArray(S, bias, bo);
            FloatVector c01 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c10 = FloatVector.fromArray(S, bias, bo);
            FloatVector c11 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c20 = FloatVector.fromArray(S, bias, bo);
            FloatVector c21 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c30 = FloatVector.fromArray(S, bias, bo);
            FloatVector c31 = FloatVector.fromArray(S, bias, bo + L);
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
        {
            FloatVector c40 = FloatVector.fromArray(S, bias, bo);
            FloatVector c41 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c50 = FloatVector.fromArray(S, bias, bo);
            FloatVector c51 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c60 = FloatVector.fromArray(S, bias, bo);
            FloatVector c61 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c70 = FloatVector.fromArray(S, bias, bo);
            FloatVector c71 = FloatVector.fromArray(S, bias, bo + L);
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                FloatVector a4 = FloatVector.broadcast(S, x[o + 4 * 2]);
                c40 = a4.fma(v0, c40);
                c41 = a4.fma(v1, c41);
                FloatVector a5 = FloatVector.broadcast(S, x[o + 5 * 2]);
                c50 = a5.fma(v0, c50);
                c51 = a5.fma(v1, c51);
                FloatVector a6 = FloatVector.broadcast(S, x[o + 6 * 2]);
                c60 = a6.fma(v0, c60);
                c61 = a6.fma(v1, c61);
                FloatVector a7 = FloatVector.broadcast(S, x[o + 7 * 2]);
                c70 = a7.fma(v0, c70);
                c71 = a7.fma(v1, c71);
            }
            if (r0 >= 0) {
                c40 = c40.add(FloatVector.fromArray(S, res, r0 + 4 * L));
                c41 = c41.add(FloatVector.fromArray(S, res, r1 + 4 * L));
                c50 = c50.add(FloatVector.fromArray(S, res, r0 + 5 * L));
                c51 = c51.add(FloatVector.fromArray(S, res, r1 + 5 * L));
                c60 = c60.add(FloatVector.fromArray(S, res, r0 + 6 * L));
                c61 = c61.add(FloatVector.fromArray(S, res, r1 + 6 * L));
                c70 = c70.add(FloatVector.fromArray(S, res, r0 + 7 * L));
                c71 = c71.add(FloatVector.fromArray(S, res, r1 + 7 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c40 = c40.max(l).min(h);
                c41 = c41.max(l).min(h);
                c50 = c50.max(l).min(h);
                c51 = c51.max(l).min(h);
                c60 = c60.max(l).min(h);
                c61 = c61.max(l).min(h);
                c70 = c70.max(l).min(h);
                c71 = c71.max(l).min(h);
            }
            c40.intoArray(y, y0 + 4 * L);
            c50.intoArray(y, y0 + 5 * L);
            c60.intoArray(y, y0 + 6 * L);
            c70.intoArray(y, y0 + 7 * L);
            c41.intoArray(y, y1 + 4 * L);
            c51.intoArray(y, y1 + 5 * L);
            c61.intoArray(y, y1 + 6 * L);
            c71.intoArray(y, y1 + 7 * L);
        }
    }

    /**
     * 7 pixels {@code L} floats apart (blocked, stride 1) from {@code b + ko[i]}, bias to output.
     */
    static void run7xL(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        {
            FloatVector c00 = FloatVector.fromArray(S, bias, bo);
            FloatVector c01 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c10 = FloatVector.fromArray(S, bias, bo);
            FloatVector c11 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c20 = FloatVector.fromArray(S, bias, bo);
            FloatVector c21 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c30 = FloatVector.fromArray(S, bias, bo);
            FloatVector c31 = FloatVector.fromArray(S, bias, bo + L);
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
        {
            FloatVector c40 = FloatVector.fromArray(S, bias, bo);
            FloatVector c41 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c50 = FloatVector.fromArray(S, bias, bo);
            FloatVector c51 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c60 = FloatVector.fromArray(S, bias, bo);
            FloatVector c61 = FloatVector.fromArray(S, bias, bo + L);
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                FloatVector a4 = FloatVector.broadcast(S, x[o + 4 * L]);
                c40 = a4.fma(v0, c40);
                c41 = a4.fma(v1, c41);
                FloatVector a5 = FloatVector.broadcast(S, x[o + 5 * L]);
                c50 = a5.fma(v0, c50);
                c51 = a5.fma(v1, c51);
                FloatVector a6 = FloatVector.broadcast(S, x[o + 6 * L]);
                c60 = a6.fma(v0, c60);
                c61 = a6.fma(v1, c61);
            }
            if (r0 >= 0) {
                c40 = c40.add(FloatVector.fromArray(S, res, r0 + 4 * L));
                c41 = c41.add(FloatVector.fromArray(S, res, r1 + 4 * L));
                c50 = c50.add(FloatVector.fromArray(S, res, r0 + 5 * L));
                c51 = c51.add(FloatVector.fromArray(S, res, r1 + 5 * L));
                c60 = c60.add(FloatVector.fromArray(S, res, r0 + 6 * L));
                c61 = c61.add(FloatVector.fromArray(S, res, r1 + 6 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c40 = c40.max(l).min(h);
                c41 = c41.max(l).min(h);
                c50 = c50.max(l).min(h);
                c51 = c51.max(l).min(h);
                c60 = c60.max(l).min(h);
                c61 = c61.max(l).min(h);
            }
            c40.intoArray(y, y0 + 4 * L);
            c50.intoArray(y, y0 + 5 * L);
            c60.intoArray(y, y0 + 6 * L);
            c41.intoArray(y, y1 + 4 * L);
            c51.intoArray(y, y1 + 5 * L);
            c61.intoArray(y, y1 + 6 * L);
        }
    }

    /**
     * 7 pixels {@code 2L} floats apart (blocked, stride 2) from {@code b + ko[i]}, bias to output.
     */
    static void run7x2L(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        {
            FloatVector c00 = FloatVector.fromArray(S, bias, bo);
            FloatVector c01 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c10 = FloatVector.fromArray(S, bias, bo);
            FloatVector c11 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c20 = FloatVector.fromArray(S, bias, bo);
            FloatVector c21 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c30 = FloatVector.fromArray(S, bias, bo);
            FloatVector c31 = FloatVector.fromArray(S, bias, bo + L);
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
        {
            FloatVector c40 = FloatVector.fromArray(S, bias, bo);
            FloatVector c41 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c50 = FloatVector.fromArray(S, bias, bo);
            FloatVector c51 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c60 = FloatVector.fromArray(S, bias, bo);
            FloatVector c61 = FloatVector.fromArray(S, bias, bo + L);
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                FloatVector a4 = FloatVector.broadcast(S, x[o + 4 * 2 * L]);
                c40 = a4.fma(v0, c40);
                c41 = a4.fma(v1, c41);
                FloatVector a5 = FloatVector.broadcast(S, x[o + 5 * 2 * L]);
                c50 = a5.fma(v0, c50);
                c51 = a5.fma(v1, c51);
                FloatVector a6 = FloatVector.broadcast(S, x[o + 6 * 2 * L]);
                c60 = a6.fma(v0, c60);
                c61 = a6.fma(v1, c61);
            }
            if (r0 >= 0) {
                c40 = c40.add(FloatVector.fromArray(S, res, r0 + 4 * L));
                c41 = c41.add(FloatVector.fromArray(S, res, r1 + 4 * L));
                c50 = c50.add(FloatVector.fromArray(S, res, r0 + 5 * L));
                c51 = c51.add(FloatVector.fromArray(S, res, r1 + 5 * L));
                c60 = c60.add(FloatVector.fromArray(S, res, r0 + 6 * L));
                c61 = c61.add(FloatVector.fromArray(S, res, r1 + 6 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c40 = c40.max(l).min(h);
                c41 = c41.max(l).min(h);
                c50 = c50.max(l).min(h);
                c51 = c51.max(l).min(h);
                c60 = c60.max(l).min(h);
                c61 = c61.max(l).min(h);
            }
            c40.intoArray(y, y0 + 4 * L);
            c50.intoArray(y, y0 + 5 * L);
            c60.intoArray(y, y0 + 6 * L);
            c41.intoArray(y, y1 + 4 * L);
            c51.intoArray(y, y1 + 5 * L);
            c61.intoArray(y, y1 + 6 * L);
        }
    }

    /** The kernel {@code kind} of {@link ConvTiles#runKind}. */
    static void run(int kind, float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] bias, int bo,
            float[] res, int r0, int r1, float[] y, int y0, int y1, boolean clamp, float lo, float hi) {
        switch (kind) {
            case 0 -> run8xL(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
            case 1 -> run8x2L(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
            case 2 -> run8x1(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
            case 3 -> run8x2(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
            case 4 -> run7xL(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
            case 5 -> run7x2L(x, b, ko, steps, wt, wo, bias, bo, res, r0, r1, y, y0, y1, clamp, lo, hi);
            default -> throw new IllegalArgumentException("no run kernel " + kind);
        }
    }
}
