package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of {@link ConvWholeTiles} for a vector unit of 16 registers (AVX2), one block of the pair at a
 * time: the tile's pixels times {@code L} output channels over the chunk, then the same pixels
 * times the other {@code L}.
 *
 * <p>Why. The pair kernels keep 16 accumulators (14 for seven pixels), two weight vectors and the
 * broadcast inputs live: 19 registers, more than AVX2 has, so C2 keeps accumulators on the stack
 * and every step waits on their stores and reloads. One block at a time keeps eight accumulators,
 * one weight vector and the broadcasts, within 16. The input is then read twice per pair, from
 * L1: per step eight FMAs against one weight load and eight broadcast loads, which a core with
 * three load ports (Zen 3, Golden Cove) issues beside its two FMA units. {@link ConvBlocked}
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
            FloatVector s0 = FloatVector.fromArray(S, bias, bo);
            FloatVector c00 = s0;
            FloatVector c10 = s0;
            FloatVector c20 = s0;
            FloatVector c30 = s0;
            FloatVector c40 = s0;
            FloatVector c50 = s0;
            FloatVector c60 = s0;
            FloatVector c70 = s0;
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                c00 = FloatVector.broadcast(S, x[o]).fma(v0, c00);
                c10 = FloatVector.broadcast(S, x[o + 1 * L]).fma(v0, c10);
                c20 = FloatVector.broadcast(S, x[o + 2 * L]).fma(v0, c20);
                c30 = FloatVector.broadcast(S, x[o + 3 * L]).fma(v0, c30);
                c40 = FloatVector.broadcast(S, x[o + 4 * L]).fma(v0, c40);
                c50 = FloatVector.broadcast(S, x[o + 5 * L]).fma(v0, c50);
                c60 = FloatVector.broadcast(S, x[o + 6 * L]).fma(v0, c60);
                c70 = FloatVector.broadcast(S, x[o + 7 * L]).fma(v0, c70);
            }
            if (r0 >= 0) {
                c00 = c00.add(FloatVector.fromArray(S, res, r0 + 0 * L));
                c10 = c10.add(FloatVector.fromArray(S, res, r0 + 1 * L));
                c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
                c30 = c30.add(FloatVector.fromArray(S, res, r0 + 3 * L));
                c40 = c40.add(FloatVector.fromArray(S, res, r0 + 4 * L));
                c50 = c50.add(FloatVector.fromArray(S, res, r0 + 5 * L));
                c60 = c60.add(FloatVector.fromArray(S, res, r0 + 6 * L));
                c70 = c70.add(FloatVector.fromArray(S, res, r0 + 7 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c00 = c00.max(l).min(h);
                c10 = c10.max(l).min(h);
                c20 = c20.max(l).min(h);
                c30 = c30.max(l).min(h);
                c40 = c40.max(l).min(h);
                c50 = c50.max(l).min(h);
                c60 = c60.max(l).min(h);
                c70 = c70.max(l).min(h);
            }
            c00.intoArray(y, y0 + 0 * L);
            c10.intoArray(y, y0 + 1 * L);
            c20.intoArray(y, y0 + 2 * L);
            c30.intoArray(y, y0 + 3 * L);
            c40.intoArray(y, y0 + 4 * L);
            c50.intoArray(y, y0 + 5 * L);
            c60.intoArray(y, y0 + 6 * L);
            c70.intoArray(y, y0 + 7 * L);
        }
        {
            FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c01 = s1;
            FloatVector c11 = s1;
            FloatVector c21 = s1;
            FloatVector c31 = s1;
            FloatVector c41 = s1;
            FloatVector c51 = s1;
            FloatVector c61 = s1;
            FloatVector c71 = s1;
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                c01 = FloatVector.broadcast(S, x[o]).fma(v1, c01);
                c11 = FloatVector.broadcast(S, x[o + 1 * L]).fma(v1, c11);
                c21 = FloatVector.broadcast(S, x[o + 2 * L]).fma(v1, c21);
                c31 = FloatVector.broadcast(S, x[o + 3 * L]).fma(v1, c31);
                c41 = FloatVector.broadcast(S, x[o + 4 * L]).fma(v1, c41);
                c51 = FloatVector.broadcast(S, x[o + 5 * L]).fma(v1, c51);
                c61 = FloatVector.broadcast(S, x[o + 6 * L]).fma(v1, c61);
                c71 = FloatVector.broadcast(S, x[o + 7 * L]).fma(v1, c71);
            }
            if (r0 >= 0) {
                c01 = c01.add(FloatVector.fromArray(S, res, r1 + 0 * L));
                c11 = c11.add(FloatVector.fromArray(S, res, r1 + 1 * L));
                c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
                c31 = c31.add(FloatVector.fromArray(S, res, r1 + 3 * L));
                c41 = c41.add(FloatVector.fromArray(S, res, r1 + 4 * L));
                c51 = c51.add(FloatVector.fromArray(S, res, r1 + 5 * L));
                c61 = c61.add(FloatVector.fromArray(S, res, r1 + 6 * L));
                c71 = c71.add(FloatVector.fromArray(S, res, r1 + 7 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c01 = c01.max(l).min(h);
                c11 = c11.max(l).min(h);
                c21 = c21.max(l).min(h);
                c31 = c31.max(l).min(h);
                c41 = c41.max(l).min(h);
                c51 = c51.max(l).min(h);
                c61 = c61.max(l).min(h);
                c71 = c71.max(l).min(h);
            }
            c01.intoArray(y, y1 + 0 * L);
            c11.intoArray(y, y1 + 1 * L);
            c21.intoArray(y, y1 + 2 * L);
            c31.intoArray(y, y1 + 3 * L);
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
            FloatVector s0 = FloatVector.fromArray(S, bias, bo);
            FloatVector c00 = s0;
            FloatVector c10 = s0;
            FloatVector c20 = s0;
            FloatVector c30 = s0;
            FloatVector c40 = s0;
            FloatVector c50 = s0;
            FloatVector c60 = s0;
            FloatVector c70 = s0;
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                c00 = FloatVector.broadcast(S, x[o]).fma(v0, c00);
                c10 = FloatVector.broadcast(S, x[o + 1 * 2 * L]).fma(v0, c10);
                c20 = FloatVector.broadcast(S, x[o + 2 * 2 * L]).fma(v0, c20);
                c30 = FloatVector.broadcast(S, x[o + 3 * 2 * L]).fma(v0, c30);
                c40 = FloatVector.broadcast(S, x[o + 4 * 2 * L]).fma(v0, c40);
                c50 = FloatVector.broadcast(S, x[o + 5 * 2 * L]).fma(v0, c50);
                c60 = FloatVector.broadcast(S, x[o + 6 * 2 * L]).fma(v0, c60);
                c70 = FloatVector.broadcast(S, x[o + 7 * 2 * L]).fma(v0, c70);
            }
            if (r0 >= 0) {
                c00 = c00.add(FloatVector.fromArray(S, res, r0 + 0 * L));
                c10 = c10.add(FloatVector.fromArray(S, res, r0 + 1 * L));
                c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
                c30 = c30.add(FloatVector.fromArray(S, res, r0 + 3 * L));
                c40 = c40.add(FloatVector.fromArray(S, res, r0 + 4 * L));
                c50 = c50.add(FloatVector.fromArray(S, res, r0 + 5 * L));
                c60 = c60.add(FloatVector.fromArray(S, res, r0 + 6 * L));
                c70 = c70.add(FloatVector.fromArray(S, res, r0 + 7 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c00 = c00.max(l).min(h);
                c10 = c10.max(l).min(h);
                c20 = c20.max(l).min(h);
                c30 = c30.max(l).min(h);
                c40 = c40.max(l).min(h);
                c50 = c50.max(l).min(h);
                c60 = c60.max(l).min(h);
                c70 = c70.max(l).min(h);
            }
            c00.intoArray(y, y0 + 0 * L);
            c10.intoArray(y, y0 + 1 * L);
            c20.intoArray(y, y0 + 2 * L);
            c30.intoArray(y, y0 + 3 * L);
            c40.intoArray(y, y0 + 4 * L);
            c50.intoArray(y, y0 + 5 * L);
            c60.intoArray(y, y0 + 6 * L);
            c70.intoArray(y, y0 + 7 * L);
        }
        {
            FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c01 = s1;
            FloatVector c11 = s1;
            FloatVector c21 = s1;
            FloatVector c31 = s1;
            FloatVector c41 = s1;
            FloatVector c51 = s1;
            FloatVector c61 = s1;
            FloatVector c71 = s1;
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                c01 = FloatVector.broadcast(S, x[o]).fma(v1, c01);
                c11 = FloatVector.broadcast(S, x[o + 1 * 2 * L]).fma(v1, c11);
                c21 = FloatVector.broadcast(S, x[o + 2 * 2 * L]).fma(v1, c21);
                c31 = FloatVector.broadcast(S, x[o + 3 * 2 * L]).fma(v1, c31);
                c41 = FloatVector.broadcast(S, x[o + 4 * 2 * L]).fma(v1, c41);
                c51 = FloatVector.broadcast(S, x[o + 5 * 2 * L]).fma(v1, c51);
                c61 = FloatVector.broadcast(S, x[o + 6 * 2 * L]).fma(v1, c61);
                c71 = FloatVector.broadcast(S, x[o + 7 * 2 * L]).fma(v1, c71);
            }
            if (r0 >= 0) {
                c01 = c01.add(FloatVector.fromArray(S, res, r1 + 0 * L));
                c11 = c11.add(FloatVector.fromArray(S, res, r1 + 1 * L));
                c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
                c31 = c31.add(FloatVector.fromArray(S, res, r1 + 3 * L));
                c41 = c41.add(FloatVector.fromArray(S, res, r1 + 4 * L));
                c51 = c51.add(FloatVector.fromArray(S, res, r1 + 5 * L));
                c61 = c61.add(FloatVector.fromArray(S, res, r1 + 6 * L));
                c71 = c71.add(FloatVector.fromArray(S, res, r1 + 7 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c01 = c01.max(l).min(h);
                c11 = c11.max(l).min(h);
                c21 = c21.max(l).min(h);
                c31 = c31.max(l).min(h);
                c41 = c41.max(l).min(h);
                c51 = c51.max(l).min(h);
                c61 = c61.max(l).min(h);
                c71 = c71.max(l).min(h);
            }
            c01.intoArray(y, y1 + 0 * L);
            c11.intoArray(y, y1 + 1 * L);
            c21.intoArray(y, y1 + 2 * L);
            c31.intoArray(y, y1 + 3 * L);
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
            FloatVector s0 = FloatVector.fromArray(S, bias, bo);
            FloatVector c00 = s0;
            FloatVector c10 = s0;
            FloatVector c20 = s0;
            FloatVector c30 = s0;
            FloatVector c40 = s0;
            FloatVector c50 = s0;
            FloatVector c60 = s0;
            FloatVector c70 = s0;
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                c00 = FloatVector.broadcast(S, x[o]).fma(v0, c00);
                c10 = FloatVector.broadcast(S, x[o + 1]).fma(v0, c10);
                c20 = FloatVector.broadcast(S, x[o + 2]).fma(v0, c20);
                c30 = FloatVector.broadcast(S, x[o + 3]).fma(v0, c30);
                c40 = FloatVector.broadcast(S, x[o + 4]).fma(v0, c40);
                c50 = FloatVector.broadcast(S, x[o + 5]).fma(v0, c50);
                c60 = FloatVector.broadcast(S, x[o + 6]).fma(v0, c60);
                c70 = FloatVector.broadcast(S, x[o + 7]).fma(v0, c70);
            }
            if (r0 >= 0) {
                c00 = c00.add(FloatVector.fromArray(S, res, r0 + 0 * L));
                c10 = c10.add(FloatVector.fromArray(S, res, r0 + 1 * L));
                c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
                c30 = c30.add(FloatVector.fromArray(S, res, r0 + 3 * L));
                c40 = c40.add(FloatVector.fromArray(S, res, r0 + 4 * L));
                c50 = c50.add(FloatVector.fromArray(S, res, r0 + 5 * L));
                c60 = c60.add(FloatVector.fromArray(S, res, r0 + 6 * L));
                c70 = c70.add(FloatVector.fromArray(S, res, r0 + 7 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c00 = c00.max(l).min(h);
                c10 = c10.max(l).min(h);
                c20 = c20.max(l).min(h);
                c30 = c30.max(l).min(h);
                c40 = c40.max(l).min(h);
                c50 = c50.max(l).min(h);
                c60 = c60.max(l).min(h);
                c70 = c70.max(l).min(h);
            }
            c00.intoArray(y, y0 + 0 * L);
            c10.intoArray(y, y0 + 1 * L);
            c20.intoArray(y, y0 + 2 * L);
            c30.intoArray(y, y0 + 3 * L);
            c40.intoArray(y, y0 + 4 * L);
            c50.intoArray(y, y0 + 5 * L);
            c60.intoArray(y, y0 + 6 * L);
            c70.intoArray(y, y0 + 7 * L);
        }
        {
            FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c01 = s1;
            FloatVector c11 = s1;
            FloatVector c21 = s1;
            FloatVector c31 = s1;
            FloatVector c41 = s1;
            FloatVector c51 = s1;
            FloatVector c61 = s1;
            FloatVector c71 = s1;
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                c01 = FloatVector.broadcast(S, x[o]).fma(v1, c01);
                c11 = FloatVector.broadcast(S, x[o + 1]).fma(v1, c11);
                c21 = FloatVector.broadcast(S, x[o + 2]).fma(v1, c21);
                c31 = FloatVector.broadcast(S, x[o + 3]).fma(v1, c31);
                c41 = FloatVector.broadcast(S, x[o + 4]).fma(v1, c41);
                c51 = FloatVector.broadcast(S, x[o + 5]).fma(v1, c51);
                c61 = FloatVector.broadcast(S, x[o + 6]).fma(v1, c61);
                c71 = FloatVector.broadcast(S, x[o + 7]).fma(v1, c71);
            }
            if (r0 >= 0) {
                c01 = c01.add(FloatVector.fromArray(S, res, r1 + 0 * L));
                c11 = c11.add(FloatVector.fromArray(S, res, r1 + 1 * L));
                c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
                c31 = c31.add(FloatVector.fromArray(S, res, r1 + 3 * L));
                c41 = c41.add(FloatVector.fromArray(S, res, r1 + 4 * L));
                c51 = c51.add(FloatVector.fromArray(S, res, r1 + 5 * L));
                c61 = c61.add(FloatVector.fromArray(S, res, r1 + 6 * L));
                c71 = c71.add(FloatVector.fromArray(S, res, r1 + 7 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c01 = c01.max(l).min(h);
                c11 = c11.max(l).min(h);
                c21 = c21.max(l).min(h);
                c31 = c31.max(l).min(h);
                c41 = c41.max(l).min(h);
                c51 = c51.max(l).min(h);
                c61 = c61.max(l).min(h);
                c71 = c71.max(l).min(h);
            }
            c01.intoArray(y, y1 + 0 * L);
            c11.intoArray(y, y1 + 1 * L);
            c21.intoArray(y, y1 + 2 * L);
            c31.intoArray(y, y1 + 3 * L);
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
            FloatVector s0 = FloatVector.fromArray(S, bias, bo);
            FloatVector c00 = s0;
            FloatVector c10 = s0;
            FloatVector c20 = s0;
            FloatVector c30 = s0;
            FloatVector c40 = s0;
            FloatVector c50 = s0;
            FloatVector c60 = s0;
            FloatVector c70 = s0;
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                c00 = FloatVector.broadcast(S, x[o]).fma(v0, c00);
                c10 = FloatVector.broadcast(S, x[o + 1 * 2]).fma(v0, c10);
                c20 = FloatVector.broadcast(S, x[o + 2 * 2]).fma(v0, c20);
                c30 = FloatVector.broadcast(S, x[o + 3 * 2]).fma(v0, c30);
                c40 = FloatVector.broadcast(S, x[o + 4 * 2]).fma(v0, c40);
                c50 = FloatVector.broadcast(S, x[o + 5 * 2]).fma(v0, c50);
                c60 = FloatVector.broadcast(S, x[o + 6 * 2]).fma(v0, c60);
                c70 = FloatVector.broadcast(S, x[o + 7 * 2]).fma(v0, c70);
            }
            if (r0 >= 0) {
                c00 = c00.add(FloatVector.fromArray(S, res, r0 + 0 * L));
                c10 = c10.add(FloatVector.fromArray(S, res, r0 + 1 * L));
                c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
                c30 = c30.add(FloatVector.fromArray(S, res, r0 + 3 * L));
                c40 = c40.add(FloatVector.fromArray(S, res, r0 + 4 * L));
                c50 = c50.add(FloatVector.fromArray(S, res, r0 + 5 * L));
                c60 = c60.add(FloatVector.fromArray(S, res, r0 + 6 * L));
                c70 = c70.add(FloatVector.fromArray(S, res, r0 + 7 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c00 = c00.max(l).min(h);
                c10 = c10.max(l).min(h);
                c20 = c20.max(l).min(h);
                c30 = c30.max(l).min(h);
                c40 = c40.max(l).min(h);
                c50 = c50.max(l).min(h);
                c60 = c60.max(l).min(h);
                c70 = c70.max(l).min(h);
            }
            c00.intoArray(y, y0 + 0 * L);
            c10.intoArray(y, y0 + 1 * L);
            c20.intoArray(y, y0 + 2 * L);
            c30.intoArray(y, y0 + 3 * L);
            c40.intoArray(y, y0 + 4 * L);
            c50.intoArray(y, y0 + 5 * L);
            c60.intoArray(y, y0 + 6 * L);
            c70.intoArray(y, y0 + 7 * L);
        }
        {
            FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c01 = s1;
            FloatVector c11 = s1;
            FloatVector c21 = s1;
            FloatVector c31 = s1;
            FloatVector c41 = s1;
            FloatVector c51 = s1;
            FloatVector c61 = s1;
            FloatVector c71 = s1;
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                c01 = FloatVector.broadcast(S, x[o]).fma(v1, c01);
                c11 = FloatVector.broadcast(S, x[o + 1 * 2]).fma(v1, c11);
                c21 = FloatVector.broadcast(S, x[o + 2 * 2]).fma(v1, c21);
                c31 = FloatVector.broadcast(S, x[o + 3 * 2]).fma(v1, c31);
                c41 = FloatVector.broadcast(S, x[o + 4 * 2]).fma(v1, c41);
                c51 = FloatVector.broadcast(S, x[o + 5 * 2]).fma(v1, c51);
                c61 = FloatVector.broadcast(S, x[o + 6 * 2]).fma(v1, c61);
                c71 = FloatVector.broadcast(S, x[o + 7 * 2]).fma(v1, c71);
            }
            if (r0 >= 0) {
                c01 = c01.add(FloatVector.fromArray(S, res, r1 + 0 * L));
                c11 = c11.add(FloatVector.fromArray(S, res, r1 + 1 * L));
                c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
                c31 = c31.add(FloatVector.fromArray(S, res, r1 + 3 * L));
                c41 = c41.add(FloatVector.fromArray(S, res, r1 + 4 * L));
                c51 = c51.add(FloatVector.fromArray(S, res, r1 + 5 * L));
                c61 = c61.add(FloatVector.fromArray(S, res, r1 + 6 * L));
                c71 = c71.add(FloatVector.fromArray(S, res, r1 + 7 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c01 = c01.max(l).min(h);
                c11 = c11.max(l).min(h);
                c21 = c21.max(l).min(h);
                c31 = c31.max(l).min(h);
                c41 = c41.max(l).min(h);
                c51 = c51.max(l).min(h);
                c61 = c61.max(l).min(h);
                c71 = c71.max(l).min(h);
            }
            c01.intoArray(y, y1 + 0 * L);
            c11.intoArray(y, y1 + 1 * L);
            c21.intoArray(y, y1 + 2 * L);
            c31.intoArray(y, y1 + 3 * L);
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
            FloatVector s0 = FloatVector.fromArray(S, bias, bo);
            FloatVector c00 = s0;
            FloatVector c10 = s0;
            FloatVector c20 = s0;
            FloatVector c30 = s0;
            FloatVector c40 = s0;
            FloatVector c50 = s0;
            FloatVector c60 = s0;
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                c00 = FloatVector.broadcast(S, x[o]).fma(v0, c00);
                c10 = FloatVector.broadcast(S, x[o + 1 * L]).fma(v0, c10);
                c20 = FloatVector.broadcast(S, x[o + 2 * L]).fma(v0, c20);
                c30 = FloatVector.broadcast(S, x[o + 3 * L]).fma(v0, c30);
                c40 = FloatVector.broadcast(S, x[o + 4 * L]).fma(v0, c40);
                c50 = FloatVector.broadcast(S, x[o + 5 * L]).fma(v0, c50);
                c60 = FloatVector.broadcast(S, x[o + 6 * L]).fma(v0, c60);
            }
            if (r0 >= 0) {
                c00 = c00.add(FloatVector.fromArray(S, res, r0 + 0 * L));
                c10 = c10.add(FloatVector.fromArray(S, res, r0 + 1 * L));
                c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
                c30 = c30.add(FloatVector.fromArray(S, res, r0 + 3 * L));
                c40 = c40.add(FloatVector.fromArray(S, res, r0 + 4 * L));
                c50 = c50.add(FloatVector.fromArray(S, res, r0 + 5 * L));
                c60 = c60.add(FloatVector.fromArray(S, res, r0 + 6 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c00 = c00.max(l).min(h);
                c10 = c10.max(l).min(h);
                c20 = c20.max(l).min(h);
                c30 = c30.max(l).min(h);
                c40 = c40.max(l).min(h);
                c50 = c50.max(l).min(h);
                c60 = c60.max(l).min(h);
            }
            c00.intoArray(y, y0 + 0 * L);
            c10.intoArray(y, y0 + 1 * L);
            c20.intoArray(y, y0 + 2 * L);
            c30.intoArray(y, y0 + 3 * L);
            c40.intoArray(y, y0 + 4 * L);
            c50.intoArray(y, y0 + 5 * L);
            c60.intoArray(y, y0 + 6 * L);
        }
        {
            FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c01 = s1;
            FloatVector c11 = s1;
            FloatVector c21 = s1;
            FloatVector c31 = s1;
            FloatVector c41 = s1;
            FloatVector c51 = s1;
            FloatVector c61 = s1;
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                c01 = FloatVector.broadcast(S, x[o]).fma(v1, c01);
                c11 = FloatVector.broadcast(S, x[o + 1 * L]).fma(v1, c11);
                c21 = FloatVector.broadcast(S, x[o + 2 * L]).fma(v1, c21);
                c31 = FloatVector.broadcast(S, x[o + 3 * L]).fma(v1, c31);
                c41 = FloatVector.broadcast(S, x[o + 4 * L]).fma(v1, c41);
                c51 = FloatVector.broadcast(S, x[o + 5 * L]).fma(v1, c51);
                c61 = FloatVector.broadcast(S, x[o + 6 * L]).fma(v1, c61);
            }
            if (r0 >= 0) {
                c01 = c01.add(FloatVector.fromArray(S, res, r1 + 0 * L));
                c11 = c11.add(FloatVector.fromArray(S, res, r1 + 1 * L));
                c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
                c31 = c31.add(FloatVector.fromArray(S, res, r1 + 3 * L));
                c41 = c41.add(FloatVector.fromArray(S, res, r1 + 4 * L));
                c51 = c51.add(FloatVector.fromArray(S, res, r1 + 5 * L));
                c61 = c61.add(FloatVector.fromArray(S, res, r1 + 6 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c01 = c01.max(l).min(h);
                c11 = c11.max(l).min(h);
                c21 = c21.max(l).min(h);
                c31 = c31.max(l).min(h);
                c41 = c41.max(l).min(h);
                c51 = c51.max(l).min(h);
                c61 = c61.max(l).min(h);
            }
            c01.intoArray(y, y1 + 0 * L);
            c11.intoArray(y, y1 + 1 * L);
            c21.intoArray(y, y1 + 2 * L);
            c31.intoArray(y, y1 + 3 * L);
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
            FloatVector s0 = FloatVector.fromArray(S, bias, bo);
            FloatVector c00 = s0;
            FloatVector c10 = s0;
            FloatVector c20 = s0;
            FloatVector c30 = s0;
            FloatVector c40 = s0;
            FloatVector c50 = s0;
            FloatVector c60 = s0;
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                c00 = FloatVector.broadcast(S, x[o]).fma(v0, c00);
                c10 = FloatVector.broadcast(S, x[o + 1 * 2 * L]).fma(v0, c10);
                c20 = FloatVector.broadcast(S, x[o + 2 * 2 * L]).fma(v0, c20);
                c30 = FloatVector.broadcast(S, x[o + 3 * 2 * L]).fma(v0, c30);
                c40 = FloatVector.broadcast(S, x[o + 4 * 2 * L]).fma(v0, c40);
                c50 = FloatVector.broadcast(S, x[o + 5 * 2 * L]).fma(v0, c50);
                c60 = FloatVector.broadcast(S, x[o + 6 * 2 * L]).fma(v0, c60);
            }
            if (r0 >= 0) {
                c00 = c00.add(FloatVector.fromArray(S, res, r0 + 0 * L));
                c10 = c10.add(FloatVector.fromArray(S, res, r0 + 1 * L));
                c20 = c20.add(FloatVector.fromArray(S, res, r0 + 2 * L));
                c30 = c30.add(FloatVector.fromArray(S, res, r0 + 3 * L));
                c40 = c40.add(FloatVector.fromArray(S, res, r0 + 4 * L));
                c50 = c50.add(FloatVector.fromArray(S, res, r0 + 5 * L));
                c60 = c60.add(FloatVector.fromArray(S, res, r0 + 6 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c00 = c00.max(l).min(h);
                c10 = c10.max(l).min(h);
                c20 = c20.max(l).min(h);
                c30 = c30.max(l).min(h);
                c40 = c40.max(l).min(h);
                c50 = c50.max(l).min(h);
                c60 = c60.max(l).min(h);
            }
            c00.intoArray(y, y0 + 0 * L);
            c10.intoArray(y, y0 + 1 * L);
            c20.intoArray(y, y0 + 2 * L);
            c30.intoArray(y, y0 + 3 * L);
            c40.intoArray(y, y0 + 4 * L);
            c50.intoArray(y, y0 + 5 * L);
            c60.intoArray(y, y0 + 6 * L);
        }
        {
            FloatVector s1 = FloatVector.fromArray(S, bias, bo + L);
            FloatVector c01 = s1;
            FloatVector c11 = s1;
            FloatVector c21 = s1;
            FloatVector c31 = s1;
            FloatVector c41 = s1;
            FloatVector c51 = s1;
            FloatVector c61 = s1;
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                c01 = FloatVector.broadcast(S, x[o]).fma(v1, c01);
                c11 = FloatVector.broadcast(S, x[o + 1 * 2 * L]).fma(v1, c11);
                c21 = FloatVector.broadcast(S, x[o + 2 * 2 * L]).fma(v1, c21);
                c31 = FloatVector.broadcast(S, x[o + 3 * 2 * L]).fma(v1, c31);
                c41 = FloatVector.broadcast(S, x[o + 4 * 2 * L]).fma(v1, c41);
                c51 = FloatVector.broadcast(S, x[o + 5 * 2 * L]).fma(v1, c51);
                c61 = FloatVector.broadcast(S, x[o + 6 * 2 * L]).fma(v1, c61);
            }
            if (r0 >= 0) {
                c01 = c01.add(FloatVector.fromArray(S, res, r1 + 0 * L));
                c11 = c11.add(FloatVector.fromArray(S, res, r1 + 1 * L));
                c21 = c21.add(FloatVector.fromArray(S, res, r1 + 2 * L));
                c31 = c31.add(FloatVector.fromArray(S, res, r1 + 3 * L));
                c41 = c41.add(FloatVector.fromArray(S, res, r1 + 4 * L));
                c51 = c51.add(FloatVector.fromArray(S, res, r1 + 5 * L));
                c61 = c61.add(FloatVector.fromArray(S, res, r1 + 6 * L));
            }
            if (clamp) {
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, hi);
                c01 = c01.max(l).min(h);
                c11 = c11.max(l).min(h);
                c21 = c21.max(l).min(h);
                c31 = c31.max(l).min(h);
                c41 = c41.max(l).min(h);
                c51 = c51.max(l).min(h);
                c61 = c61.max(l).min(h);
            }
            c01.intoArray(y, y1 + 0 * L);
            c11.intoArray(y, y1 + 1 * L);
            c21.intoArray(y, y1 + 2 * L);
            c31.intoArray(y, y1 + 3 * L);
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
