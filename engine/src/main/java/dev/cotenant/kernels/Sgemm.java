package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply, {@code C = A . B} (plus an epilogue), on packed operands.
 *
 * <p>Design. Both operands are packed whole before the multiply: A into panels of {@link #MR} rows
 * stored k-major ({@code MR} values per k step), B into panels of {@link #NR} columns stored k-major
 * ({@code NR} values per k step), each zero-padded to a whole panel. A constant operand (weights) is
 * packed once when an operator binds; the other is packed per run into a buffer also allocated at
 * bind time, and convolution writes its im2col columns straight into B's layout, so no separate
 * packing pass exists there.
 *
 * <p>The multiply follows the classic GotoBLAS blocking. The output is cut into macro tiles of
 * {@code MC x NC}; a tile walks K in blocks of {@code KC}, and within a block runs the micro-kernel
 * over every (row panel, column panel) pair with column panels outer. A {@code KC x NR} B panel
 * (96 KiB with 512-bit vectors) then stays in L2 while the row panels stream past it, and the
 * {@code MC x KC} slice of A stays in L2 across the column panels. B is not kept in L1: the
 * micro-kernel reads 128 bytes of it per k step against 16 FMAs, 8 bytes a cycle on a core with
 * one 512-bit FMA unit (Zen 4), 16 with two, well within what L2 delivers; what a K block costs is
 * the tile's trip through the scratch tile and C at its end. {@code KC} = 768 (BERT's hidden size,
 * one block for its Q/K/V and FFN-in products) measured 3-8% faster than 256 at BERT's shapes on
 * Zen 4 (`cotenant bench --kernels`, bench/RESULTS.md); the whole model moved within its noise.
 * Macro tiles are independent, so threads share them out; their size shrinks for small problems so
 * both cores get work. Accumulation over K blocks goes
 * through C; the epilogue (bias, activation) runs on the last K block while the tile is in
 * registers.
 */
public final class Sgemm {

    /** Rows per packed A panel. */
    public static final int MR = SgemmKernel.MR;
    /** Columns per packed B panel. */
    public static final int NR = SgemmKernel.NR;

    static final int KC = 768;
    /**
     * Rows of a macro tile: 128 with either tile height (16 panels of 8, 32 of 4). At 64 rows of
     * 4-row panels BERT-base's 128 rows were two macro tiles, each streaming every B panel, the
     * first from memory: FFN-out (128 x 768 x 3072, weights cold) 6.90-7.00 -> 6.71-6.86 ms.
     */
    static final int MC = 128;
    static final int NC = 24 * NR;
    /** Bytes of packed A that a macro tile may keep in L2 across all its column panels. */
    static final long A_IN_L2 = 1L << 20;

    private Sgemm() {}

    /** Floats a packed {@code m x k} A needs. */
    public static int packedASize(int m, int k) {
        return Math.multiplyExact(panels(m, MR) * MR, Math.max(k, 1));
    }

    /** Floats a packed {@code k x n} B needs. */
    public static int packedBSize(int k, int n) {
        return Math.multiplyExact(panels(n, NR) * NR, Math.max(k, 1));
    }

    static int panels(int n, int width) {
        return (n + width - 1) / width;
    }

    /**
     * Packs {@code alpha * A} for an {@code m x k} A, read from {@code a} at {@code off} with row
     * stride {@code lda}, or transposed ({@code A[i][p] = a[off + p * lda + i]}).
     */
    public static void packA(float[] a, int off, int lda, boolean trans, int m, int k, float alpha, float[] dst, int dstOff, Workers w) {
        int np = panels(m, MR);
        w.parallelFor(np, Math.max(1, 16384 / Math.max(1, k * MR)), (s, e) -> {
            for (int q = s; q < e; q++) {
                packAPanel(a, off, lda, trans, m, k, alpha, dst, dstOff + q * k * MR, q * MR);
            }
        });
    }

    private static void packAPanel(float[] a, int off, int lda, boolean trans, int m, int k, float alpha, float[] dst, int d, int r0) {
        int rows = Math.min(MR, m - r0);
        if (trans) {
            for (int p = 0; p < k; p++) {
                int src = off + p * lda + r0;
                for (int r = 0; r < MR; r++) {
                    dst[d++] = r < rows ? alpha * a[src + r] : 0f;
                }
            }
            return;
        }
        if (rows == 4 && MR == 4 && SgemmKernel.W == 8) {
            packFourRows(a, off + r0 * lda, lda, k, alpha, dst, d);
            return;
        }
        for (int r = 0; r < MR; r++) {
            int src = off + (r0 + r) * lda;
            int o = d + r;
            if (r < rows) {
                for (int p = 0; p < k; p++) {
                    dst[o + p * MR] = alpha * a[src + p];
                }
            } else {
                for (int p = 0; p < k; p++) {
                    dst[o + p * MR] = 0f;
                }
            }
        }
    }

    // Four rows of 8 k steps, interleaved into 8 groups of four by two rounds of two-vector
    // shuffles: the first pairs rows 0-1 and 2-3 value by value, the second joins the pairs.
    private static final VectorShuffle<Float> PAIR_LO = shuffle(0, 8, 1, 9, 2, 10, 3, 11);
    private static final VectorShuffle<Float> PAIR_HI = shuffle(4, 12, 5, 13, 6, 14, 7, 15);
    private static final VectorShuffle<Float> JOIN_LO = shuffle(0, 1, 8, 9, 2, 3, 10, 11);
    private static final VectorShuffle<Float> JOIN_HI = shuffle(4, 5, 12, 13, 6, 7, 14, 15);

    /** An 8-lane shuffle, or null where vectors have another length (never used there). */
    private static VectorShuffle<Float> shuffle(int... lanes) {
        return SgemmKernel.W == 8 ? VectorShuffle.fromValues(SgemmKernel.S, lanes) : null;
    }

    /**
     * One panel of four whole rows at 8 lanes, 8 k steps per round of shuffles. A row at a time,
     * every fourth float written, packing cost a tenth of BERT-tiny's 128 x 128 x 128 products
     * (6.3 of 51 us; 4.7 this way, and the product 81.5 -> 84 GFLOP/s).
     */
    private static void packFourRows(float[] a, int src, int lda, int k, float alpha, float[] dst, int d) {
        VectorSpecies<Float> sp = SgemmKernel.S;
        int s1 = src + lda;
        int s2 = s1 + lda;
        int s3 = s2 + lda;
        int p = 0;
        for (; p + 8 <= k; p += 8, d += 32) {
            FloatVector r0 = FloatVector.fromArray(sp, a, src + p).mul(alpha);
            FloatVector r1 = FloatVector.fromArray(sp, a, s1 + p).mul(alpha);
            FloatVector r2 = FloatVector.fromArray(sp, a, s2 + p).mul(alpha);
            FloatVector r3 = FloatVector.fromArray(sp, a, s3 + p).mul(alpha);
            FloatVector lo01 = r0.rearrange(PAIR_LO, r1);
            FloatVector lo23 = r2.rearrange(PAIR_LO, r3);
            FloatVector hi01 = r0.rearrange(PAIR_HI, r1);
            FloatVector hi23 = r2.rearrange(PAIR_HI, r3);
            lo01.rearrange(JOIN_LO, lo23).intoArray(dst, d);
            lo01.rearrange(JOIN_HI, lo23).intoArray(dst, d + 8);
            hi01.rearrange(JOIN_LO, hi23).intoArray(dst, d + 16);
            hi01.rearrange(JOIN_HI, hi23).intoArray(dst, d + 24);
        }
        for (; p < k; p++, d += 4) {
            dst[d] = alpha * a[src + p];
            dst[d + 1] = alpha * a[s1 + p];
            dst[d + 2] = alpha * a[s2 + p];
            dst[d + 3] = alpha * a[s3 + p];
        }
    }

    /**
     * Packs a {@code k x n} B, read from {@code b} at {@code off} with row stride {@code ldb}, or
     * transposed ({@code B[p][j] = b[off + j * ldb + p]}).
     */
    public static void packB(float[] b, int off, int ldb, boolean trans, int k, int n, float[] dst, int dstOff, Workers w) {
        int np = panels(n, NR);
        w.parallelFor(np, Math.max(1, 16384 / Math.max(1, k * NR)), (s, e) -> {
            for (int q = s; q < e; q++) {
                packBPanel(b, off, ldb, trans, k, n, dst, dstOff + q * k * NR, q * NR);
            }
        });
    }

    private static void packBPanel(float[] b, int off, int ldb, boolean trans, int k, int n, float[] dst, int d, int c0) {
        int cols = Math.min(NR, n - c0);
        if (trans) {
            for (int j = 0; j < NR; j++) {
                int src = off + (c0 + j) * ldb;
                int o = d + j;
                for (int p = 0; p < k; p++) {
                    dst[o + p * NR] = j < cols ? b[src + p] : 0f;
                }
            }
            return;
        }
        if (cols == NR) {
            int w = SgemmKernel.W;
            for (int p = 0; p < k; p++) {
                int src = off + p * ldb + c0;
                for (int j = 0; j < NR; j += w) {
                    FloatVector.fromArray(SgemmKernel.S, b, src + j).intoArray(dst, d + j);
                }
                d += NR;
            }
            return;
        }
        for (int p = 0; p < k; p++) {
            int src = off + p * ldb + c0;
            for (int j = 0; j < NR; j++) {
                dst[d + j] = j < cols ? b[src + j] : 0f;
            }
            d += NR;
        }
    }

    /**
     * {@code C = A . B} (or {@code C += A . B} when {@code accumulate}), then the epilogue, for an
     * {@code m x k} packed A and a {@code k x n} packed B; C is row-major with row stride
     * {@code ldc}. {@code epRow} is the epilogue row-bias index of C's first row.
     */
    public static void multiply(int m, int n, int k, float[] pa, int paOff, float[] pb, int pbOff,
                                float[] c, int cOff, int ldc, boolean accumulate, GemmEpilogue ep, int epRow, Workers w) {
        if (m <= 0 || n <= 0) {
            return;
        }
        GemmEpilogue last = ep != null && ep.hasWork() ? ep : null;
        if (m == 1) {
            // A single row (a classifier at batch 1) is a matrix-vector product: streaming B once, panel
            // by panel, is all there is to it; the register tile would compute seven zero rows.
            row(n, k, pa, paOff, pb, pbOff, c, cOff, accumulate, last, epRow, w);
            return;
        }
        int mPanels = panels(m, MR);
        int nPanels = panels(n, NR);
        int mcP = Math.min(MC / MR, mPanels);
        int ncP = Math.min(NC / NR, nPanels);
        // Enough tiles for every thread to have several, so a slow one does not hold the rest.
        int want = w.threads() == 1 ? 1 : 3 * w.threads();
        while (panels(mPanels, mcP) * panels(nPanels, ncP) < want && (ncP > 2 || mcP > 2)) {
            if (ncP >= mcP && ncP > 2) {
                ncP = (ncP + 1) / 2;
            } else {
                mcP = (mcP + 1) / 2;
            }
        }
        int tilesM = panels(mPanels, mcP);
        int tilesN = panels(nPanels, ncP);
        int fmcP = mcP;
        int fncP = ncP;
        w.parallelFor(tilesM * tilesN, 1, (s, e) -> {
            for (int t = s; t < e; t++) {
                int tn = t / tilesM;
                int tm = t % tilesM;
                macroTile(m, n, k, pa, paOff, pb, pbOff, c, cOff, ldc, accumulate, last, epRow,
                        tm * fmcP, Math.min(mPanels, (tm + 1) * fmcP), tn * fncP, Math.min(nPanels, (tn + 1) * fncP));
            }
        });
    }

    private static void row(int n, int k, float[] pa, int paOff, float[] pb, int pbOff, float[] c, int cOff, boolean accumulate,
                            GemmEpilogue ep, int epRow, Workers w) {
        int nPanels = panels(n, NR);
        int vw = SgemmKernel.W;
        w.parallelFor(nPanels, 4, (s, e) -> {
            float[] tile = new float[NR];
            for (int jp = s; jp < e; jp++) {
                int bo = pbOff + jp * k * NR;
                FloatVector c0 = FloatVector.zero(SgemmKernel.S), c1 = FloatVector.zero(SgemmKernel.S);
                FloatVector d0 = FloatVector.zero(SgemmKernel.S), d1 = FloatVector.zero(SgemmKernel.S);
                int p = 0;
                for (; p + 1 < k; p += 2) {
                    FloatVector a0 = FloatVector.broadcast(SgemmKernel.S, pa[paOff + p * MR]);
                    FloatVector a1 = FloatVector.broadcast(SgemmKernel.S, pa[paOff + (p + 1) * MR]);
                    int b = bo + p * NR;
                    c0 = a0.fma(FloatVector.fromArray(SgemmKernel.S, pb, b), c0);
                    c1 = a0.fma(FloatVector.fromArray(SgemmKernel.S, pb, b + vw), c1);
                    d0 = a1.fma(FloatVector.fromArray(SgemmKernel.S, pb, b + NR), d0);
                    d1 = a1.fma(FloatVector.fromArray(SgemmKernel.S, pb, b + NR + vw), d1);
                }
                if (p < k) {
                    FloatVector a0 = FloatVector.broadcast(SgemmKernel.S, pa[paOff + p * MR]);
                    int b = bo + p * NR;
                    c0 = a0.fma(FloatVector.fromArray(SgemmKernel.S, pb, b), c0);
                    c1 = a0.fma(FloatVector.fromArray(SgemmKernel.S, pb, b + vw), c1);
                }
                c0.add(d0).intoArray(tile, 0);
                c1.add(d1).intoArray(tile, vw);
                int col = jp * NR;
                int nr = Math.min(NR, n - col);
                for (int j = 0; j < nr; j++) {
                    float v = tile[j] + (accumulate ? c[cOff + col + j] : 0f);
                    if (ep != null) {
                        v += (ep.rowBias != null ? ep.rowBias[epRow] : 0f) + (ep.colBias != null ? ep.colBias[col + j] : 0f);
                        if (ep.clamps) {
                            v = Math.min(Math.max(v, ep.lo), ep.hi);
                        }
                    }
                    c[cOff + col + j] = v;
                }
                if (ep != null && ep.pointwise) {
                    ep.activate(c, cOff + col, nr);
                }
            }
        });
    }

    private static void macroTile(int m, int n, int k, float[] pa, int paOff, float[] pb, int pbOff,
                                  float[] c, int cOff, int ldc, boolean accumulate, GemmEpilogue ep, int epRow,
                                  int ip0, int ip1, int jp0, int jp1) {
        int blocks = Math.max(1, panels(k, KC));
        float[] scratch = new float[MR * NR];
        // A pointwise activation (GELU, sigmoid) runs once over the macro tile's finished rows, not
        // per tile row: called on 16 values at a time, its per-call cost took as long as the
        // activation itself (BERT-tiny's GELU-fused FFN GEMM, 128 x 512: 0.3 ms more than the GEMM
        // after it of the same size). The rows are still in L2.
        GemmEpilogue inTile = ep == null ? null : ep.withoutPointwise();
        // With column panels outside the K blocks a packed B panel, contiguous over all of K, is read
        // as one sequential stream: weights too large for the caches (BERT's) come from memory once
        // per run in an order the prefetcher follows. That needs the tile's whole MC x K slice of A
        // to stay in L2; when it would not, the K blocks go outside and A is reused block by block.
        boolean panelsOuter = 4L * (ip1 - ip0) * MR * k <= A_IN_L2;
        int outer = panelsOuter ? jp1 - jp0 : blocks;
        int inner = panelsOuter ? blocks : jp1 - jp0;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int jp = jp0 + (panelsOuter ? o : i);
                int kb = panelsOuter ? i : o;
                int col = jp * NR;
                int nr = Math.min(NR, n - col);
                int k0 = kb * KC;
                int kc = Math.min(KC, k - k0);
                boolean load = accumulate || kb > 0;
                GemmEpilogue e = kb == blocks - 1 ? inTile : null;
                int bo = pbOff + jp * k * NR + k0 * NR;
                for (int ip = ip0; ip < ip1; ip++) {
                    int row = ip * MR;
                    int mr = Math.min(MR, m - row);
                    SgemmKernel.tile(Math.max(kc, 0), pa, paOff + ip * k * MR + k0 * MR, pb, bo,
                            c, cOff + row * ldc + col, ldc, mr, nr, load, e, epRow + row, col, scratch);
                }
            }
        }
        if (inTile != ep) {
            int col = jp0 * NR;
            int cols = Math.min(n, jp1 * NR) - col;
            for (int row = ip0 * MR; row < Math.min(m, ip1 * MR); row++) {
                ep.activate(c, cOff + row * ldc + col, cols);
            }
        }
    }
}
