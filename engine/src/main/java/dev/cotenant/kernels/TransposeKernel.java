package dev.cotenant.kernels;

/**
 * Permutes the axes of a dense tensor.
 *
 * <p>Binding first simplifies the permutation: axes of size 1 are dropped and input axes that stay
 * adjacent and in order are merged, so {@code [B,S,H,D] -> [B,H,S,D]} becomes a 3-axis problem and
 * any identity reduces to one copy. When the innermost axis survives in place, every output row is
 * a contiguous input run and the work is a {@link CopyPlan}. Otherwise the innermost input axis
 * (stride 1 in the input) and the innermost output axis (stride 1 in the output) are swapped:
 * a batch of 2-D transposes done in square tiles, so that both the strided reads and the
 * contiguous writes of a tile stay in the L1 cache. That tiled path is the FP32 fast path; other
 * storage kinds take the separable gather, which is also the reference the tests check it against.
 */
public final class TransposeKernel {

    private static final int TILE = 32;
    private static final int PARALLEL_MIN = 1 << 16;

    private final CopyPlan gather;
    // Tiled 2-D transpose: dst[db + a*dstStrideA + b] = src[sb + a + b*srcStrideB].
    private final int a;
    private final int b;
    private final int srcStrideB;
    private final int dstStrideA;
    private final int[] batchSrc;
    private final int[] batchDst;
    private final boolean tiled;

    private TransposeKernel(CopyPlan gather, boolean tiled, int a, int b, int srcStrideB, int dstStrideA, int[] batchSrc, int[] batchDst) {
        this.gather = gather;
        this.tiled = tiled;
        this.a = a;
        this.b = b;
        this.srcStrideB = srcStrideB;
        this.dstStrideA = dstStrideA;
        this.batchSrc = batchSrc;
        this.batchDst = batchDst;
    }

    /** The separable gather that performs {@code perm} on an input of shape {@code dims}: the reference. */
    public static CopyPlan gather(int[] dims, int[] perm) {
        int[] inStride = strides(dims);
        int[][] maps = new int[perm.length][];
        for (int i = 0; i < perm.length; i++) {
            maps[i] = CopyPlan.stepMap(dims[perm[i]], 0, 1, inStride[perm[i]]);
        }
        return CopyPlan.of(maps);
    }

    /** A permutation {@code perm} of an input of shape {@code dims}. */
    private record Axes(int[] dims, int[] perm) {}

    /** Binds the transpose of an input of shape {@code dims} by {@code perm} (a valid permutation). */
    public static TransposeKernel of(int[] dims, int[] perm) {
        // Simplify: drop size-1 axes, then merge input axes that remain consecutive in the output.
        Axes merged = mergeRuns(dropUnitAxes(dims, perm));
        int[] md = merged.dims();
        int[] mp = merged.perm();
        int g = md.length;
        CopyPlan gather = gather(md, mp);
        if (g < 2 || mp[g - 1] == g - 1) {
            return new TransposeKernel(gather, false, 0, 0, 0, 0, null, null);
        }
        int[] inStride = strides(md);
        int[] outDims = new int[g];
        for (int i = 0; i < g; i++) {
            outDims[i] = md[mp[i]];
        }
        int[] outStride = strides(outDims);
        int q = -1;
        for (int i = 0; i < g; i++) {
            if (mp[i] == g - 1) {
                q = i;
            }
        }
        int aLen = md[g - 1];
        int bLen = outDims[g - 1];
        int sB = inStride[mp[g - 1]];
        int dA = outStride[q];
        // Batch axes: every output axis except q and the last one.
        int batches = (int) (java.util.Arrays.stream(md).asLongStream().reduce(1, (x, y) -> x * y) / ((long) aLen * bLen));
        int[] bSrc = new int[batches];
        int[] bDst = new int[batches];
        int[] idx = new int[g];
        for (int t = 0; t < batches; t++) {
            int so = 0;
            int dO = 0;
            for (int i = 0; i < g; i++) {
                if (i != q && i != g - 1) {
                    so += idx[i] * inStride[mp[i]];
                    dO += idx[i] * outStride[i];
                }
            }
            bSrc[t] = so;
            bDst[t] = dO;
            for (int i = g - 1; i >= 0; i--) {
                if (i == q || i == g - 1) {
                    continue;
                }
                if (++idx[i] < outDims[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
        return new TransposeKernel(gather, true, aLen, bLen, sB, dA, bSrc, bDst);
    }

    /** The same permutation without the axes of size 1. */
    private static Axes dropUnitAxes(int[] dims, int[] perm) {
        int n = dims.length;
        int[] keep = new int[n];
        int kept = 0;
        int[] newIndex = new int[n];
        for (int i = 0; i < n; i++) {
            newIndex[i] = -1;
            if (dims[i] != 1) {
                newIndex[i] = kept;
                keep[kept++] = dims[i];
            }
        }
        int[] sd = java.util.Arrays.copyOf(keep, kept);
        int[] sp = new int[kept];
        int k = 0;
        for (int p : perm) {
            if (newIndex[p] >= 0) {
                sp[k++] = newIndex[p];
            }
        }
        return new Axes(sd, sp);
    }

    /** The same permutation with each run of input axes that stay adjacent and in order in the output as one axis. */
    private static Axes mergeRuns(Axes a) {
        int[] sd = a.dims();
        int[] sp = a.perm();
        int kept = sd.length;
        // Merge runs: output positions i, i+1 with sp[i+1] == sp[i] + 1.
        java.util.List<int[]> groups = new java.util.ArrayList<>();
        for (int i = 0; i < kept; i++) {
            if (i > 0 && sp[i] == sp[i - 1] + 1) {
                groups.getLast()[1] = sp[i];
            } else {
                groups.add(new int[] {sp[i], sp[i]});
            }
        }
        int g = groups.size();
        // Groups in input order give the merged input dims; their output order gives the perm.
        Integer[] byInput = new Integer[g];
        for (int i = 0; i < g; i++) {
            byInput[i] = i;
        }
        java.util.Arrays.sort(byInput, (x, y) -> Integer.compare(groups.get(x)[0], groups.get(y)[0]));
        int[] md = new int[g];
        int[] rank = new int[g];
        for (int j = 0; j < g; j++) {
            int[] grp = groups.get(byInput[j]);
            int size = 1;
            for (int ax = grp[0]; ax <= grp[1]; ax++) {
                size *= sd[ax];
            }
            md[j] = size;
            rank[byInput[j]] = j;
        }
        int[] mp = new int[g];
        for (int i = 0; i < g; i++) {
            mp[i] = rank[i];
        }
        return new Axes(md, mp);
    }

    private static int[] strides(int[] dims) {
        int[] st = new int[dims.length];
        int s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= dims[i];
        }
        return st;
    }

    /** Transposes {@code src} into {@code dst} (same storage kind, views at the given offsets). */
    public void run(Object src, int srcOff, Object dst, int dstOff, Workers workers) {
        if (tiled && src instanceof float[] in && dst instanceof float[] out) {
            runTiled(in, srcOff, out, dstOff, workers);
        } else {
            gather.run(src, srcOff, dst, dstOff, 0, 0, workers);
        }
    }

    private void runTiled(float[] in, int srcOff, float[] out, int dstOff, Workers workers) {
        int tilesA = (a + TILE - 1) / TILE;
        int units = batchSrc.length * tilesA;
        long total = (long) batchSrc.length * a * b;
        if (total < PARALLEL_MIN || workers.threads() == 1) {
            tiles(in, srcOff, out, dstOff, 0, units, tilesA);
        } else {
            workers.parallelFor(units, 1, (s, e) -> tiles(in, srcOff, out, dstOff, s, e, tilesA));
        }
    }

    private void tiles(float[] in, int srcOff, float[] out, int dstOff, int from, int to, int tilesA) {
        int sB = srcStrideB;
        int dA = dstStrideA;
        for (int u = from; u < to; u++) {
            int batch = u / tilesA;
            int a0 = (u % tilesA) * TILE;
            int a1 = Math.min(a, a0 + TILE);
            int sb = srcOff + batchSrc[batch];
            int db = dstOff + batchDst[batch];
            for (int b0 = 0; b0 < b; b0 += TILE) {
                int b1 = Math.min(b, b0 + TILE);
                for (int i = a0; i < a1; i++) {
                    int so = sb + i;
                    int dO = db + i * dA;
                    for (int j = b0; j < b1; j++) {
                        out[dO + j] = in[so + j * sB];
                    }
                }
            }
        }
    }
}
