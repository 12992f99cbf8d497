package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernel of {@link Sgemm}: one {@code MR x NR} tile of C from a packed
 * A panel ({@code MR} values per k) and a packed B panel ({@code NR} values per k).
 *
 * <p>The tile is {@code MR} rows by 2 vectors, and {@code MR} follows the register file
 * ({@link VectorUnit#REGISTERS}). With 32 registers (AVX-512, AArch64) it is 8 rows: 16
 * accumulators, 2 B vectors and the broadcast A value, 19 registers; per k step 16 FMAs against 2
 * vector loads and 8 broadcasts. On a 512-bit Sapphire Rapids core the 8-row tile reached 123 to
 * 165 GFLOP/s (the FMA loop's ceiling is about 164) where a 4-row one reached 48 to 137
 * (bench/RESULTS.md). With 16 registers (AVX2) the 8-row tile spills: C2 keeps an accumulator on
 * the stack and every k step waits on its store and reload (58 of 103 GFLOP/s on a Zen 3 core, in
 * L1). There the tile is 4 rows: 8 accumulators, just enough independent chains to cover a
 * 4-cycle FMA on two units, 2 B vectors and 4 broadcasts, 14 registers even when C2 hoists every
 * broadcast to the top of the step, which it does. A 5-row tile (10 accumulators) ran at 100
 * GFLOP/s alone in L1 but at 33-36 inside the GEMM: there C2 hoisted all five broadcasts, needed
 * 17 registers and spilled an accumulator (its disassembly shows the store and reload in the
 * loop); a 6-row one spilled the same way. The 4-row tile runs the GEMM at 88-96 GFLOP/s where
 * the 8-row one ran at 48-53 (bench/RESULTS.md). Each tile is its own method so that C2
 * allocates its registers alone; the choice between them is a static final and folds away.
 *
 * <p>Packed panels are zero-padded, so the loop always computes the full tile. The accumulators
 * then go to a scratch tile in L1 and from there to C, full or partial: no vector is ever passed
 * to a method that might not be inlined (C2 would box it, and the kernel would crawl). Passing
 * them to a per-row store helper did exactly that once the tile grew to 8 rows: the helper was no
 * longer inlined and the kernel ran at 5 GFLOP/s.
 */
final class SgemmKernel {

    static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    static final int W = S.length();
    static final int MR = VectorUnit.REGISTERS >= 32 ? 8 : 4;
    static final int NR = 2 * W;

    private SgemmKernel() {}

    /**
     * C[0..mr, 0..nr) (+)= A_panel . B_panel over {@code kc} steps.
     *
     * @param load add to what C holds instead of overwriting it
     * @param ep the epilogue to apply (last K block only), or {@code null}
     * @param row index of the tile's first row in the epilogue's row numbering
     * @param col index of the tile's first column
     * @param scratch {@code MR * NR} floats for a partial tile
     */
    static void tile(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, int mr, int nr,
                     boolean load, GemmEpilogue ep, int row, int col, float[] scratch) {
        if (MR == 8) {
            tile8(kc, a, ao, b, bo, c, co, ldc, mr, nr, load, ep, row, col, scratch);
        } else {
            tile4(kc, a, ao, b, bo, c, co, ldc, mr, nr, load, ep, row, col, scratch);
        }
    }

    private static void tile8(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, int mr, int nr,
                              boolean load, GemmEpilogue ep, int row, int col, float[] scratch) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bp = bo + p * NR;
            int ap = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + W);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ap + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ap + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[ap + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, a[ap + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        {
            // Every tile goes through the scratch tile (in L1), so that no vector crosses a call.
            c00.intoArray(scratch, 0);
            c01.intoArray(scratch, W);
            c10.intoArray(scratch, NR);
            c11.intoArray(scratch, NR + W);
            c20.intoArray(scratch, 2 * NR);
            c21.intoArray(scratch, 2 * NR + W);
            c30.intoArray(scratch, 3 * NR);
            c31.intoArray(scratch, 3 * NR + W);
            c40.intoArray(scratch, 4 * NR);
            c41.intoArray(scratch, 4 * NR + W);
            c50.intoArray(scratch, 5 * NR);
            c51.intoArray(scratch, 5 * NR + W);
            c60.intoArray(scratch, 6 * NR);
            c61.intoArray(scratch, 6 * NR + W);
            c70.intoArray(scratch, 7 * NR);
            c71.intoArray(scratch, 7 * NR + W);
            flush(scratch, c, co, ldc, mr, nr, load, ep, row, col);
        }
    }

    private static void tile4(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, int mr, int nr,
                              boolean load, GemmEpilogue ep, int row, int col, float[] scratch) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bp = bo + p * NR;
            int ap = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + W);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        if (mr == MR && nr == NR && (ep == null || ep.rowBias == null && !ep.pointwise)) {
            // A full tile goes from the registers to C: through the scratch tile it cost a store,
            // a reload and a call per vector, a tenth of a tile's time at BERT-tiny's K of 128.
            if (load) {
                c00 = c00.add(FloatVector.fromArray(S, c, co));
                c01 = c01.add(FloatVector.fromArray(S, c, co + W));
                c10 = c10.add(FloatVector.fromArray(S, c, co + ldc));
                c11 = c11.add(FloatVector.fromArray(S, c, co + ldc + W));
                c20 = c20.add(FloatVector.fromArray(S, c, co + 2 * ldc));
                c21 = c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + W));
                c30 = c30.add(FloatVector.fromArray(S, c, co + 3 * ldc));
                c31 = c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + W));
            }
            if (ep != null && ep.colBias != null) {
                FloatVector s0 = FloatVector.fromArray(S, ep.colBias, col);
                FloatVector s1 = FloatVector.fromArray(S, ep.colBias, col + W);
                c00 = c00.add(s0);
                c01 = c01.add(s1);
                c10 = c10.add(s0);
                c11 = c11.add(s1);
                c20 = c20.add(s0);
                c21 = c21.add(s1);
                c30 = c30.add(s0);
                c31 = c31.add(s1);
            }
            if (ep != null && ep.clamps) {
                FloatVector lo = FloatVector.broadcast(S, ep.lo);
                FloatVector hi = FloatVector.broadcast(S, ep.hi);
                c00 = c00.max(lo).min(hi);
                c01 = c01.max(lo).min(hi);
                c10 = c10.max(lo).min(hi);
                c11 = c11.max(lo).min(hi);
                c20 = c20.max(lo).min(hi);
                c21 = c21.max(lo).min(hi);
                c30 = c30.max(lo).min(hi);
                c31 = c31.max(lo).min(hi);
            }
            c00.intoArray(c, co);
            c01.intoArray(c, co + W);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + W);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + W);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + W);
            return;
        }
        c00.intoArray(scratch, 0);
        c01.intoArray(scratch, W);
        c10.intoArray(scratch, 1 * NR);
        c11.intoArray(scratch, 1 * NR + W);
        c20.intoArray(scratch, 2 * NR);
        c21.intoArray(scratch, 2 * NR + W);
        c30.intoArray(scratch, 3 * NR);
        c31.intoArray(scratch, 3 * NR + W);
        flush(scratch, c, co, ldc, mr, nr, load, ep, row, col);
    }

    /**
     * The tile from scratch into C. A full tile gets its biases and clamp on the way, so that C is
     * written once (with a small K, as in pointwise convolutions, a second pass over C for the
     * epilogue cost as much as the multiply); a partial tile is copied, then finished in place.
     */
    private static void flush(float[] t, float[] c, int co, int ldc, int mr, int nr, boolean load, GemmEpilogue ep, int row, int col) {
        if (nr != NR) {
            copyPartial(t, c, co, ldc, mr, nr, load);
            if (ep != null) {
                epilogue(c, co, ldc, mr, nr, ep, row, col);
            }
            return;
        }
        for (int r = 0; r < mr; r++) {
            int o = co + r * ldc;
            int s = r * NR;
            for (int j = 0; j < NR; j += W) {
                FloatVector v = FloatVector.fromArray(S, t, s + j);
                if (load) {
                    v = v.add(FloatVector.fromArray(S, c, o + j));
                }
                if (ep != null) {
                    if (ep.rowBias != null) {
                        v = v.add(ep.rowBias[row + r]);
                    }
                    if (ep.colBias != null) {
                        v = v.add(FloatVector.fromArray(S, ep.colBias, col + j));
                    }
                    if (ep.clamps) {
                        v = v.max(ep.lo).min(ep.hi);
                    }
                }
                v.intoArray(c, o + j);
            }
            if (ep != null && ep.pointwise) {
                ep.activate(c, o, NR);
            }
        }
    }

    private static void copyPartial(float[] t, float[] c, int co, int ldc, int mr, int nr, boolean load) {
        for (int r = 0; r < mr; r++) {
            int o = co + r * ldc;
            int s = r * NR;
            if (load) {
                for (int j = 0; j < nr; j++) {
                    c[o + j] += t[s + j];
                }
            } else {
                System.arraycopy(t, s, c, o, nr);
            }
        }
    }

    /** Biases and activation over a partial tile just stored, which is still in L1. */
    private static void epilogue(float[] c, int co, int ldc, int mr, int nr, GemmEpilogue ep, int row, int col) {
        for (int r = 0; r < mr; r++) {
            int o = co + r * ldc;
            float rb = ep.rowBias == null ? 0f : ep.rowBias[row + r];
            if (nr == NR) {
                FloatVector rbv = FloatVector.broadcast(S, rb);
                for (int j = 0; j < NR; j += W) {
                    FloatVector v = FloatVector.fromArray(S, c, o + j).add(rbv);
                    if (ep.colBias != null) {
                        v = v.add(FloatVector.fromArray(S, ep.colBias, col + j));
                    }
                    if (ep.clamps) {
                        v = v.max(ep.lo).min(ep.hi);
                    }
                    v.intoArray(c, o + j);
                }
            } else {
                for (int j = 0; j < nr; j++) {
                    float v = c[o + j] + rb + (ep.colBias == null ? 0f : ep.colBias[col + j]);
                    c[o + j] = ep.clamps ? Math.min(Math.max(v, ep.lo), ep.hi) : v;
                }
            }
            if (ep.pointwise) {
                ep.activate(c, o, nr);
            }
        }
    }
}
