package dev.cotenant.kernels;

/**
 * A data-movement kernel compiled at bind time: a separable gather. Output element
 * {@code (i0, ..., ik)} takes the input element at offset {@code maps[0][i0] + ... + maps[k][ik]},
 * or a fill value where any map holds {@link #FILL}.
 *
 * <p>Slice (with any steps), Expand, Tile, every Pad mode, nearest Resize and Transpose are all
 * separable gathers, so one kernel serves them for every storage kind. Binding folds the trailing
 * dimensions that read a contiguous run of the input into one row, so the common cases (slicing
 * or padding an outer axis, concatenating channel blocks, broadcasting rows) become one
 * {@link System#arraycopy} per row; only rows whose innermost dimension jumps are gathered element
 * by element through an index table. The per-row source offsets are tabulated once, so a run only
 * reads tables: nothing is allocated on the serial path.
 */
public final class CopyPlan {

    /** A map entry meaning "no input element here: write the fill value". */
    public static final int FILL = -1;

    private static final int PARALLEL_MIN = 1 << 16;

    private final int size;
    private final int rowLen;
    /** Source offset of each row, or {@link #FILL} for a row that is all fill. */
    private final int[] rowSrc;
    /** Per-element source offsets within a row (may hold FILL), or null when the row is one contiguous run. */
    private final int[] inner;

    private CopyPlan(int size, int rowLen, int[] rowSrc, int[] inner) {
        this.size = size;
        this.rowLen = rowLen;
        this.rowSrc = rowSrc;
        this.inner = inner;
    }

    /**
     * Compiles the gather. {@code maps[d]} has one entry per index of output dimension {@code d}:
     * the input element offset that index contributes (index times the input stride), or {@link #FILL}.
     */
    public static CopyPlan of(int[][] maps) {
        int rank = maps.length;
        long total = 1;
        for (int[] m : maps) {
            total *= m.length;
        }
        if (total == 0) {
            return new CopyPlan(0, 0, new int[0], null);
        }
        if (rank == 0) {
            return new CopyPlan(1, 1, new int[] {0}, null);
        }
        // Grow a contiguous row from the innermost dimension outwards.
        int d = rank - 1;
        int[] last = maps[d];
        int rowLen;
        int rowStart;
        int[] inner = null;
        if (affine(last, 1)) {
            rowLen = last.length;
            rowStart = last[0];
            d--;
            while (d >= 0 && affine(maps[d], rowLen)) {
                rowStart += maps[d][0];
                rowLen *= maps[d].length;
                d--;
            }
        } else {
            rowLen = last.length;
            rowStart = 0;
            inner = last.clone();
            d--;
        }
        int outerRank = d + 1;
        int rows = (int) (total / rowLen);
        int[] rowSrc = new int[rows];
        int[] idx = new int[outerRank];
        for (int r = 0; r < rows; r++) {
            int off = rowStart;
            for (int k = 0; k < outerRank; k++) {
                int m = maps[k][idx[k]];
                if (m == FILL) {
                    off = FILL;
                    break;
                }
                off += m;
            }
            rowSrc[r] = off;
            for (int k = outerRank - 1; k >= 0; k--) {
                if (++idx[k] < maps[k].length) {
                    break;
                }
                idx[k] = 0;
            }
        }
        return new CopyPlan((int) total, rowLen, rowSrc, inner);
    }

    /** Whether {@code m} is {@code m[0] + j * step} for every j, with no fill. */
    private static boolean affine(int[] m, int step) {
        if (m[0] == FILL) {
            return false;
        }
        for (int j = 1; j < m.length; j++) {
            if (m[j] != m[0] + j * step) {
                return false;
            }
        }
        return true;
    }

    /** Number of output elements written. */
    public int size() {
        return size;
    }

    /** Whether every row is a single contiguous copy. */
    public boolean contiguousRows() {
        return inner == null;
    }

    /**
     * Gathers from {@code src} (starting at {@code srcOff}) into {@code dst} (starting at
     * {@code dstOff}); both arrays are of one storage kind ({@code float[]}, {@code double[]} or
     * {@code long[]}). Fill elements get {@code fill} (floating storage) or {@code fillBits}
     * ({@code long[]} storage).
     */
    public void run(Object src, int srcOff, Object dst, int dstOff, double fill, long fillBits, Workers workers) {
        int rows = rowSrc.length;
        if (rows == 0) {
            return;
        }
        if (size < PARALLEL_MIN || workers.threads() == 1 || rows == 1) {
            rows(src, srcOff, dst, dstOff, fill, fillBits, 0, rows);
        } else {
            int grain = Math.max(1, (PARALLEL_MIN / 4) / rowLen);
            workers.parallelFor(rows, grain, (s, e) -> rows(src, srcOff, dst, dstOff, fill, fillBits, s, e));
        }
    }

    private void rows(Object src, int srcOff, Object dst, int dstOff, double fill, long fillBits, int from, int to) {
        int n = rowLen;
        for (int r = from; r < to; r++) {
            int s = rowSrc[r];
            int o = dstOff + r * n;
            if (s == FILL) {
                fillRow(dst, o, n, fill, fillBits);
            } else if (inner == null) {
                System.arraycopy(src, srcOff + s, dst, o, n);
            } else {
                gatherRow(src, srcOff + s, dst, o, fill, fillBits);
            }
        }
    }

    private static void fillRow(Object dst, int o, int n, double fill, long fillBits) {
        switch (dst) {
            case float[] f -> java.util.Arrays.fill(f, o, o + n, (float) fill);
            case double[] d -> java.util.Arrays.fill(d, o, o + n, fill);
            case long[] l -> java.util.Arrays.fill(l, o, o + n, fillBits);
            default -> throw new IllegalArgumentException("unsupported storage " + dst.getClass());
        }
    }

    private void gatherRow(Object src, int base, Object dst, int o, double fill, long fillBits) {
        int[] m = inner;
        switch (dst) {
            case float[] f -> {
                float[] in = (float[]) src;
                float fv = (float) fill;
                for (int j = 0; j < m.length; j++) {
                    int k = m[j];
                    f[o + j] = k == FILL ? fv : in[base + k];
                }
            }
            case double[] d -> {
                double[] in = (double[]) src;
                for (int j = 0; j < m.length; j++) {
                    int k = m[j];
                    d[o + j] = k == FILL ? fill : in[base + k];
                }
            }
            case long[] l -> {
                long[] in = (long[]) src;
                for (int j = 0; j < m.length; j++) {
                    int k = m[j];
                    l[o + j] = k == FILL ? fillBits : in[base + k];
                }
            }
            default -> throw new IllegalArgumentException("unsupported storage " + dst.getClass());
        }
    }

    /** The map of an output dimension that reads input indices {@code start, start+step, ...}. */
    public static int[] stepMap(int length, long start, long step, int stride) {
        int[] m = new int[length];
        for (int j = 0; j < length; j++) {
            m[j] = Math.toIntExact((start + j * step) * stride);
        }
        return m;
    }
}
