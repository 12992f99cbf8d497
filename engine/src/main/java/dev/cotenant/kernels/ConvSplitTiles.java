package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of {@link ConvTiles} for a vector unit of 16 registers (AVX2), four pixels at a time:
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
final class ConvSplitTiles {

    static final VectorSpecies<Float> S = ConvBlocked.S;
    static final int L = ConvBlocked.L;

    private ConvSplitTiles() {}

    /**
     * Eight pixels at input offsets {@code b + ko[i]} and {@code b + ko[i] + d1..d7}.
     */
    static void tile(float[] x, int d1, int d2, int d3, int d4, int d5, int d6, int d7,
                     int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        {
            FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
            c00.intoArray(acc, 0 * L);
            c01.intoArray(acc, 1 * L);
            c10.intoArray(acc, 2 * L);
            c11.intoArray(acc, 3 * L);
            c20.intoArray(acc, 4 * L);
            c21.intoArray(acc, 5 * L);
            c30.intoArray(acc, 6 * L);
            c31.intoArray(acc, 7 * L);
        }
        {
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
            FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
            FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                FloatVector a4 = FloatVector.broadcast(S, x[o + d4]);
                c40 = a4.fma(v0, c40);
                c41 = a4.fma(v1, c41);
                FloatVector a5 = FloatVector.broadcast(S, x[o + d5]);
                c50 = a5.fma(v0, c50);
                c51 = a5.fma(v1, c51);
                FloatVector a6 = FloatVector.broadcast(S, x[o + d6]);
                c60 = a6.fma(v0, c60);
                c61 = a6.fma(v1, c61);
                FloatVector a7 = FloatVector.broadcast(S, x[o + d7]);
                c70 = a7.fma(v0, c70);
                c71 = a7.fma(v1, c71);
            }
            c40.intoArray(acc, 8 * L);
            c41.intoArray(acc, 9 * L);
            c50.intoArray(acc, 10 * L);
            c51.intoArray(acc, 11 * L);
            c60.intoArray(acc, 12 * L);
            c61.intoArray(acc, 13 * L);
            c70.intoArray(acc, 14 * L);
            c71.intoArray(acc, 15 * L);
        }
    }

    /**
     * 8 pixels {@code L} floats apart (blocked, stride 1) from {@code b + ko[i]};
     * pixels beyond the tile's own are read, in bounds, and dropped.
     */
    static void run8xL(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        {
            FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
            c00.intoArray(acc, 0 * L);
            c01.intoArray(acc, 1 * L);
            c10.intoArray(acc, 2 * L);
            c11.intoArray(acc, 3 * L);
            c20.intoArray(acc, 4 * L);
            c21.intoArray(acc, 5 * L);
            c30.intoArray(acc, 6 * L);
            c31.intoArray(acc, 7 * L);
        }
        {
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
            FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
            FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
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
            c40.intoArray(acc, 8 * L);
            c41.intoArray(acc, 9 * L);
            c50.intoArray(acc, 10 * L);
            c51.intoArray(acc, 11 * L);
            c60.intoArray(acc, 12 * L);
            c61.intoArray(acc, 13 * L);
            c70.intoArray(acc, 14 * L);
            c71.intoArray(acc, 15 * L);
        }
    }

    /**
     * 8 pixels {@code 2L} floats apart (blocked, stride 2) from {@code b + ko[i]};
     * pixels beyond the tile's own are read, in bounds, and dropped.
     */
    static void run8x2L(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        {
            FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
            c00.intoArray(acc, 0 * L);
            c01.intoArray(acc, 1 * L);
            c10.intoArray(acc, 2 * L);
            c11.intoArray(acc, 3 * L);
            c20.intoArray(acc, 4 * L);
            c21.intoArray(acc, 5 * L);
            c30.intoArray(acc, 6 * L);
            c31.intoArray(acc, 7 * L);
        }
        {
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
            FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
            FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
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
            c40.intoArray(acc, 8 * L);
            c41.intoArray(acc, 9 * L);
            c50.intoArray(acc, 10 * L);
            c51.intoArray(acc, 11 * L);
            c60.intoArray(acc, 12 * L);
            c61.intoArray(acc, 13 * L);
            c70.intoArray(acc, 14 * L);
            c71.intoArray(acc, 15 * L);
        }
    }

    /**
     * 8 pixels one float apart (NCHW, stride 1) from {@code b + ko[i]};
     * pixels beyond the tile's own are read, in bounds, and dropped.
     */
    static void run8x1(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        {
            FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
            c00.intoArray(acc, 0 * L);
            c01.intoArray(acc, 1 * L);
            c10.intoArray(acc, 2 * L);
            c11.intoArray(acc, 3 * L);
            c20.intoArray(acc, 4 * L);
            c21.intoArray(acc, 5 * L);
            c30.intoArray(acc, 6 * L);
            c31.intoArray(acc, 7 * L);
        }
        {
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
            FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
            FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
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
            c40.intoArray(acc, 8 * L);
            c41.intoArray(acc, 9 * L);
            c50.intoArray(acc, 10 * L);
            c51.intoArray(acc, 11 * L);
            c60.intoArray(acc, 12 * L);
            c61.intoArray(acc, 13 * L);
            c70.intoArray(acc, 14 * L);
            c71.intoArray(acc, 15 * L);
        }
    }

    /**
     * 8 pixels two floats apart (NCHW, stride 2) from {@code b + ko[i]};
     * pixels beyond the tile's own are read, in bounds, and dropped.
     */
    static void run8x2(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        {
            FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
            c00.intoArray(acc, 0 * L);
            c01.intoArray(acc, 1 * L);
            c10.intoArray(acc, 2 * L);
            c11.intoArray(acc, 3 * L);
            c20.intoArray(acc, 4 * L);
            c21.intoArray(acc, 5 * L);
            c30.intoArray(acc, 6 * L);
            c31.intoArray(acc, 7 * L);
        }
        {
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
            FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
            FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
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
            c40.intoArray(acc, 8 * L);
            c41.intoArray(acc, 9 * L);
            c50.intoArray(acc, 10 * L);
            c51.intoArray(acc, 11 * L);
            c60.intoArray(acc, 12 * L);
            c61.intoArray(acc, 13 * L);
            c70.intoArray(acc, 14 * L);
            c71.intoArray(acc, 15 * L);
        }
    }

    /**
     * 7 pixels {@code L} floats apart (blocked, stride 1) from {@code b + ko[i]};
     * pixels beyond the tile's own are read, in bounds, and dropped.
     */
    static void run7xL(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        {
            FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
            c00.intoArray(acc, 0 * L);
            c01.intoArray(acc, 1 * L);
            c10.intoArray(acc, 2 * L);
            c11.intoArray(acc, 3 * L);
            c20.intoArray(acc, 4 * L);
            c21.intoArray(acc, 5 * L);
            c30.intoArray(acc, 6 * L);
            c31.intoArray(acc, 7 * L);
        }
        {
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
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
            c40.intoArray(acc, 8 * L);
            c41.intoArray(acc, 9 * L);
            c50.intoArray(acc, 10 * L);
            c51.intoArray(acc, 11 * L);
            c60.intoArray(acc, 12 * L);
            c61.intoArray(acc, 13 * L);
        }
    }

    /**
     * 7 pixels {@code 2L} floats apart (blocked, stride 2) from {@code b + ko[i]};
     * pixels beyond the tile's own are read, in bounds, and dropped.
     */
    static void run7x2L(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        {
            FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
            c00.intoArray(acc, 0 * L);
            c01.intoArray(acc, 1 * L);
            c10.intoArray(acc, 2 * L);
            c11.intoArray(acc, 3 * L);
            c20.intoArray(acc, 4 * L);
            c21.intoArray(acc, 5 * L);
            c30.intoArray(acc, 6 * L);
            c31.intoArray(acc, 7 * L);
        }
        {
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
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
            c40.intoArray(acc, 8 * L);
            c41.intoArray(acc, 9 * L);
            c50.intoArray(acc, 10 * L);
            c51.intoArray(acc, 11 * L);
            c60.intoArray(acc, 12 * L);
            c61.intoArray(acc, 13 * L);
        }
    }

    /** The run kernel {@code kind} of {@link ConvTiles#runKind}. */
    static void run(int kind, float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        switch (kind) {
            case 0 -> run8xL(x, b, ko, steps, wt, wo, acc);
            case 1 -> run8x2L(x, b, ko, steps, wt, wo, acc);
            case 2 -> run8x1(x, b, ko, steps, wt, wo, acc);
            case 3 -> run8x2(x, b, ko, steps, wt, wo, acc);
            case 4 -> run7xL(x, b, ko, steps, wt, wo, acc);
            case 5 -> run7x2L(x, b, ko, steps, wt, wo, acc);
            default -> throw new IllegalArgumentException("no run kernel " + kind);
        }
    }
}
