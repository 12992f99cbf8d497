package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner loops of {@link ConvBlocked}: one tile of output pixels times the
 * {@code 2L} output channels of a block pair, {@code acc += input . weights} over one chunk of K
 * steps. The tile's first pixel reads step i at {@code b + ko[i]} (ko: the layer's offset table,
 * chunk by chunk), the weights of step i are the {@code 2L} floats at {@code wo + 2L i}, and the
 * accumulators (pixel r, block j) live at {@code (2r + j) L} of {@code acc}, a scratch tile in L1
 * through which ConvBlocked also starts (bias, residual, an earlier chunk) and stores (clamp,
 * partial tile) each tile.
 *
 * <p>Per step a kernel loads two weight vectors and broadcasts one input value per pixel: 16
 * FMAs against 10 loads for eight pixels, the shape of the SGEMM kernel. What decides the speed
 * is the scalar work around them and whether it fits the integer registers: the two FMA ports
 * also serve the integer ALU and the moves between register files, and a loop that needs more
 * than the 13 allocatable registers gets a base spilled into a vector register and moved back on
 * every step. So the loop keeps only the arrays, one base, the step and its bound: the offset
 * table starts at the chunk (no start register), the other pixels are constant displacements
 * from the first, and the bound is visibly at most {@link ConvBlocked#KC}, which spares the loop
 * C2's strip mining for safepoint polls and the extra live values that brings. The disassembly of
 * the earlier loops (a start step, nested loops over a block's lanes, eight bases) showed those
 * spills, and their speed, 105 to 125 GFLOP/s, depended on which registers C2 happened to pick,
 * even on which garbage collector ran; these run at 135 to 150 on the same layers under either
 * (bench/RESULTS.md).
 *
 * <p>The variants differ only in those displacements, so each is a separate copy (sixteen
 * accumulators cannot cross a method call without the JIT boxing them):
 * <ul>
 *   <li>{@code run8x*}: eight pixels of a row, {@code L} or {@code 2L} floats apart in a blocked
 *       input (stride 1 or 2), or 1 or 2 floats apart in an NCHW input (a stem);
 *   <li>{@code run7x*}: the same for seven pixels, the width that divides every plane of a
 *       224x224 network (7, 14, 28, 56, 112), so tiles along a row never wrap and never compute
 *       pixels to throw away;
 *   <li>{@code tile}: any eight pixels, displacements {@code d1..d7} in registers, for tiles
 *       that wrap a row and other strides.
 * </ul>
 * Written by {@code engine/tools/conv_tiles.py}: change the pattern there, not one variant here.
 */
final class ConvTiles {

    static final VectorSpecies<Float> S = ConvBlocked.S;
    static final int L = ConvBlocked.L;

    private ConvTiles() {}

    /**
     * Eight pixels at input offsets {@code b + ko[i]} and {@code b + ko[i] + d1..d7}.
     */
    static void tile(float[] x, int d1, int d2, int d3, int d4, int d5, int d6, int d7,
                     int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
        c00.intoArray(acc, 0 * L);
        c01.intoArray(acc, 1 * L);
        c10.intoArray(acc, 2 * L);
        c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L);
        c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L);
        c41.intoArray(acc, 9 * L);
        c50.intoArray(acc, 10 * L);
        c51.intoArray(acc, 11 * L);
        c60.intoArray(acc, 12 * L);
        c61.intoArray(acc, 13 * L);
        c70.intoArray(acc, 14 * L);
        c71.intoArray(acc, 15 * L);
    }

    /**
     * 8 pixels {@code L} floats apart (blocked, stride 1) from {@code b + ko[i]};
     * pixels beyond the tile's own are read, in bounds, and dropped.
     */
    static void run8xL(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
        c00.intoArray(acc, 0 * L);
        c01.intoArray(acc, 1 * L);
        c10.intoArray(acc, 2 * L);
        c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L);
        c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L);
        c41.intoArray(acc, 9 * L);
        c50.intoArray(acc, 10 * L);
        c51.intoArray(acc, 11 * L);
        c60.intoArray(acc, 12 * L);
        c61.intoArray(acc, 13 * L);
        c70.intoArray(acc, 14 * L);
        c71.intoArray(acc, 15 * L);
    }

    /**
     * 8 pixels {@code 2L} floats apart (blocked, stride 2) from {@code b + ko[i]};
     * pixels beyond the tile's own are read, in bounds, and dropped.
     */
    static void run8x2L(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
        c00.intoArray(acc, 0 * L);
        c01.intoArray(acc, 1 * L);
        c10.intoArray(acc, 2 * L);
        c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L);
        c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L);
        c41.intoArray(acc, 9 * L);
        c50.intoArray(acc, 10 * L);
        c51.intoArray(acc, 11 * L);
        c60.intoArray(acc, 12 * L);
        c61.intoArray(acc, 13 * L);
        c70.intoArray(acc, 14 * L);
        c71.intoArray(acc, 15 * L);
    }

    /**
     * 8 pixels one float apart (NCHW, stride 1) from {@code b + ko[i]};
     * pixels beyond the tile's own are read, in bounds, and dropped.
     */
    static void run8x1(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
        c00.intoArray(acc, 0 * L);
        c01.intoArray(acc, 1 * L);
        c10.intoArray(acc, 2 * L);
        c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L);
        c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L);
        c41.intoArray(acc, 9 * L);
        c50.intoArray(acc, 10 * L);
        c51.intoArray(acc, 11 * L);
        c60.intoArray(acc, 12 * L);
        c61.intoArray(acc, 13 * L);
        c70.intoArray(acc, 14 * L);
        c71.intoArray(acc, 15 * L);
    }

    /**
     * 8 pixels two floats apart (NCHW, stride 2) from {@code b + ko[i]};
     * pixels beyond the tile's own are read, in bounds, and dropped.
     */
    static void run8x2(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
        c00.intoArray(acc, 0 * L);
        c01.intoArray(acc, 1 * L);
        c10.intoArray(acc, 2 * L);
        c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L);
        c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L);
        c41.intoArray(acc, 9 * L);
        c50.intoArray(acc, 10 * L);
        c51.intoArray(acc, 11 * L);
        c60.intoArray(acc, 12 * L);
        c61.intoArray(acc, 13 * L);
        c70.intoArray(acc, 14 * L);
        c71.intoArray(acc, 15 * L);
    }

    /**
     * 7 pixels {@code L} floats apart (blocked, stride 1) from {@code b + ko[i]};
     * pixels beyond the tile's own are read, in bounds, and dropped.
     */
    static void run7xL(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
        c00.intoArray(acc, 0 * L);
        c01.intoArray(acc, 1 * L);
        c10.intoArray(acc, 2 * L);
        c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L);
        c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L);
        c41.intoArray(acc, 9 * L);
        c50.intoArray(acc, 10 * L);
        c51.intoArray(acc, 11 * L);
        c60.intoArray(acc, 12 * L);
        c61.intoArray(acc, 13 * L);
    }

    /**
     * 7 pixels {@code 2L} floats apart (blocked, stride 2) from {@code b + ko[i]};
     * pixels beyond the tile's own are read, in bounds, and dropped.
     */
    static void run7x2L(float[] x, int b, int[] ko, int steps, float[] wt, int wo, float[] acc) {
        FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
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
        c00.intoArray(acc, 0 * L);
        c01.intoArray(acc, 1 * L);
        c10.intoArray(acc, 2 * L);
        c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L);
        c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L);
        c41.intoArray(acc, 9 * L);
        c50.intoArray(acc, 10 * L);
        c51.intoArray(acc, 11 * L);
        c60.intoArray(acc, 12 * L);
        c61.intoArray(acc, 13 * L);
    }

    /**
     * The run kernel for tiles of {@code width} pixels {@code stride} floats apart in the input
     * ({@code blocked}: steps are channels of a block), or -1 when none fits (then {@link #tile}).
     */
    static int runKind(int width, int stride, boolean blocked) {
        if (width == 8 && blocked && stride == L) {
            return 0;
        }
        if (width == 8 && blocked && stride == 2 * L) {
            return 1;
        }
        if (width == 8 && !blocked && stride == 1) {
            return 2;
        }
        if (width == 8 && !blocked && stride == 2) {
            return 3;
        }
        if (width == 7 && blocked && stride == L) {
            return 4;
        }
        if (width == 7 && blocked && stride == 2 * L) {
            return 5;
        }
        return -1;
    }

    /** The run kernel {@code kind} of {@link #runKind}. */
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
