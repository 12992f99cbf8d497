package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of {@link ConvTiles} for a vector unit of 16 registers (AVX2), one block of the pair at a
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
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
            FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v0 = FloatVector.fromArray(S, wt, wk);
                c00 = FloatVector.broadcast(S, x[o]).fma(v0, c00);
                c10 = FloatVector.broadcast(S, x[o + d1]).fma(v0, c10);
                c20 = FloatVector.broadcast(S, x[o + d2]).fma(v0, c20);
                c30 = FloatVector.broadcast(S, x[o + d3]).fma(v0, c30);
                c40 = FloatVector.broadcast(S, x[o + d4]).fma(v0, c40);
                c50 = FloatVector.broadcast(S, x[o + d5]).fma(v0, c50);
                c60 = FloatVector.broadcast(S, x[o + d6]).fma(v0, c60);
                c70 = FloatVector.broadcast(S, x[o + d7]).fma(v0, c70);
            }
            c00.intoArray(acc, 0 * L);
            c10.intoArray(acc, 2 * L);
            c20.intoArray(acc, 4 * L);
            c30.intoArray(acc, 6 * L);
            c40.intoArray(acc, 8 * L);
            c50.intoArray(acc, 10 * L);
            c60.intoArray(acc, 12 * L);
            c70.intoArray(acc, 14 * L);
        }
        {
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
            FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
            int n = Math.min(steps, ConvBlocked.KC);
            for (int i = 0; i < n; i++) {
                int o = b + ko[i];
                int wk = wo + i * 2 * L;
                FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
                c01 = FloatVector.broadcast(S, x[o]).fma(v1, c01);
                c11 = FloatVector.broadcast(S, x[o + d1]).fma(v1, c11);
                c21 = FloatVector.broadcast(S, x[o + d2]).fma(v1, c21);
                c31 = FloatVector.broadcast(S, x[o + d3]).fma(v1, c31);
                c41 = FloatVector.broadcast(S, x[o + d4]).fma(v1, c41);
                c51 = FloatVector.broadcast(S, x[o + d5]).fma(v1, c51);
                c61 = FloatVector.broadcast(S, x[o + d6]).fma(v1, c61);
                c71 = FloatVector.broadcast(S, x[o + d7]).fma(v1, c71);
            }
            c01.intoArray(acc, 1 * L);
            c11.intoArray(acc, 3 * L);
            c21.intoArray(acc, 5 * L);
            c31.intoArray(acc, 7 * L);
            c41.intoArray(acc, 9 * L);
            c51.intoArray(acc, 11 * L);
            c61.intoArray(acc, 13 * L);
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
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
            FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
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
            c00.intoArray(acc, 0 * L);
            c10.intoArray(acc, 2 * L);
            c20.intoArray(acc, 4 * L);
            c30.intoArray(acc, 6 * L);
            c40.intoArray(acc, 8 * L);
            c50.intoArray(acc, 10 * L);
            c60.intoArray(acc, 12 * L);
            c70.intoArray(acc, 14 * L);
        }
        {
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
            FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
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
            c01.intoArray(acc, 1 * L);
            c11.intoArray(acc, 3 * L);
            c21.intoArray(acc, 5 * L);
            c31.intoArray(acc, 7 * L);
            c41.intoArray(acc, 9 * L);
            c51.intoArray(acc, 11 * L);
            c61.intoArray(acc, 13 * L);
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
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
            FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
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
            c00.intoArray(acc, 0 * L);
            c10.intoArray(acc, 2 * L);
            c20.intoArray(acc, 4 * L);
            c30.intoArray(acc, 6 * L);
            c40.intoArray(acc, 8 * L);
            c50.intoArray(acc, 10 * L);
            c60.intoArray(acc, 12 * L);
            c70.intoArray(acc, 14 * L);
        }
        {
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
            FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
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
            c01.intoArray(acc, 1 * L);
            c11.intoArray(acc, 3 * L);
            c21.intoArray(acc, 5 * L);
            c31.intoArray(acc, 7 * L);
            c41.intoArray(acc, 9 * L);
            c51.intoArray(acc, 11 * L);
            c61.intoArray(acc, 13 * L);
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
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
            FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
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
            c00.intoArray(acc, 0 * L);
            c10.intoArray(acc, 2 * L);
            c20.intoArray(acc, 4 * L);
            c30.intoArray(acc, 6 * L);
            c40.intoArray(acc, 8 * L);
            c50.intoArray(acc, 10 * L);
            c60.intoArray(acc, 12 * L);
            c70.intoArray(acc, 14 * L);
        }
        {
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
            FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
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
            c01.intoArray(acc, 1 * L);
            c11.intoArray(acc, 3 * L);
            c21.intoArray(acc, 5 * L);
            c31.intoArray(acc, 7 * L);
            c41.intoArray(acc, 9 * L);
            c51.intoArray(acc, 11 * L);
            c61.intoArray(acc, 13 * L);
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
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
            FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
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
            c00.intoArray(acc, 0 * L);
            c10.intoArray(acc, 2 * L);
            c20.intoArray(acc, 4 * L);
            c30.intoArray(acc, 6 * L);
            c40.intoArray(acc, 8 * L);
            c50.intoArray(acc, 10 * L);
            c60.intoArray(acc, 12 * L);
            c70.intoArray(acc, 14 * L);
        }
        {
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
            FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
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
            c01.intoArray(acc, 1 * L);
            c11.intoArray(acc, 3 * L);
            c21.intoArray(acc, 5 * L);
            c31.intoArray(acc, 7 * L);
            c41.intoArray(acc, 9 * L);
            c51.intoArray(acc, 11 * L);
            c61.intoArray(acc, 13 * L);
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
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
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
            c00.intoArray(acc, 0 * L);
            c10.intoArray(acc, 2 * L);
            c20.intoArray(acc, 4 * L);
            c30.intoArray(acc, 6 * L);
            c40.intoArray(acc, 8 * L);
            c50.intoArray(acc, 10 * L);
            c60.intoArray(acc, 12 * L);
        }
        {
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
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
            c01.intoArray(acc, 1 * L);
            c11.intoArray(acc, 3 * L);
            c21.intoArray(acc, 5 * L);
            c31.intoArray(acc, 7 * L);
            c41.intoArray(acc, 9 * L);
            c51.intoArray(acc, 11 * L);
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
            FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
            FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
            FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
            FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
            FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
            FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
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
            c00.intoArray(acc, 0 * L);
            c10.intoArray(acc, 2 * L);
            c20.intoArray(acc, 4 * L);
            c30.intoArray(acc, 6 * L);
            c40.intoArray(acc, 8 * L);
            c50.intoArray(acc, 10 * L);
            c60.intoArray(acc, 12 * L);
        }
        {
            FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
            FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
            FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
            FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
            FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
            FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
            FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
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
            c01.intoArray(acc, 1 * L);
            c11.intoArray(acc, 3 * L);
            c21.intoArray(acc, 5 * L);
            c31.intoArray(acc, 7 * L);
            c41.intoArray(acc, 9 * L);
            c51.intoArray(acc, 11 * L);
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
