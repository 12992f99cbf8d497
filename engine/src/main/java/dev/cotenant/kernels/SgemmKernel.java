package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernel of {@link Sgemm}: one {@code MR x NR} tile of C from a packed
 * A panel ({@code MR} values per k) and a packed B panel ({@code NR} values per k).
 *
 * <p>With 8-float vectors (AVX2) the tile is 4 rows by 2 vectors: 8 accumulators, 2 B vectors and
 * the broadcast A value. The textbook 6x16 tile (12 accumulators) measured at 40% of peak here:
 * C2 needs spare registers to broadcast a scalar, and with 15 of 16 taken it spills inside the
 * loop; the 4x16 tile runs at about 95% of peak with its panels in L1. Packed panels are zero-padded, so
 * the loop always computes the full tile; only the stores honour a partial tile, rows by count and
 * columns through a scratch tile. No vector is ever passed to a method that might not be inlined:
 * C2 would box it, and the kernel would crawl. On hardware with wider vectors the same shape covers more columns per tile.
 */
final class SgemmKernel {

    static final VectorSpecies<Float> S = pick();
    static final int W = S.length();
    static final int MR = 4;
    static final int NR = 2 * W;

    private SgemmKernel() {}

    private static VectorSpecies<Float> pick() {
        VectorSpecies<Float> p = FloatVector.SPECIES_PREFERRED;
        // 512-bit vectors would make 32-column tiles; keep them, the layout follows NR.
        return p.length() >= 4 ? p : FloatVector.SPECIES_128;
    }

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
        if (nr == NR) {
            storeFull(c, co, c00, c01, load);
            if (mr > 1) storeFull(c, co + ldc, c10, c11, load);
            if (mr > 2) storeFull(c, co + 2 * ldc, c20, c21, load);
            if (mr > 3) storeFull(c, co + 3 * ldc, c30, c31, load);
        } else {
            // A partial tile goes through the scratch tile, so that no vector crosses a call.
            c00.intoArray(scratch, 0);
            c01.intoArray(scratch, W);
            c10.intoArray(scratch, NR);
            c11.intoArray(scratch, NR + W);
            c20.intoArray(scratch, 2 * NR);
            c21.intoArray(scratch, 2 * NR + W);
            c30.intoArray(scratch, 3 * NR);
            c31.intoArray(scratch, 3 * NR + W);
            copyPartial(scratch, c, co, ldc, mr, nr, load);
        }
        if (ep != null) {
            epilogue(c, co, ldc, mr, nr, ep, row, col);
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

    /** Biases and activation over the tile just stored, which is still in L1. */
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

    private static void storeFull(float[] c, int o, FloatVector v0, FloatVector v1, boolean load) {
        if (load) {
            v0 = v0.add(FloatVector.fromArray(S, c, o));
            v1 = v1.add(FloatVector.fromArray(S, c, o + W));
        }
        v0.intoArray(c, o);
        v1.intoArray(c, o + W);
    }
}
