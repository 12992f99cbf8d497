package dev.cotenant.ops;

import dev.cotenant.ir.Shape;
import java.util.Arrays;

/**
 * How several inputs broadcast to one output, computed once at bind time: the output is cut into
 * rows of {@code inner} contiguous elements, along which each input either advances by one
 * ({@code stride 1}) or repeats one value ({@code stride 0}); each input's start of each row is in
 * a table. Adjacent dimensions that broadcast alike are merged first, so same-shape inputs give a
 * single row and per-channel or last-axis broadcasts give long rows.
 */
final class ElementwiseLayout {

    final int[] outShape;
    final int size;
    final int inner;
    final int rows;
    /** Per input, 0 or 1. */
    final int[] innerStride;
    /** Per input, the offset of each row's first element. */
    final int[][] rowOffset;

    private ElementwiseLayout(int[] outShape, int inner, int rows, int[] innerStride, int[][] rowOffset) {
        this.outShape = outShape;
        this.size = (int) Shape.size(outShape);
        this.inner = inner;
        this.rows = rows;
        this.innerStride = innerStride;
        this.rowOffset = rowOffset;
    }

    /** The layout of {@code ins} broadcast to {@code out} (which must be their broadcast shape). */
    static ElementwiseLayout of(int[] out, int[]... ins) {
        int k = ins.length;
        int[][] st = new int[k][];
        for (int j = 0; j < k; j++) {
            st[j] = Broadcast.strides(ins[j], out);
        }
        // collapse: keep dims of size > 1, merge d into the group after it when every input is
        // contiguous across the boundary
        int[] dims = new int[out.length];
        int[][] cst = new int[k][out.length];
        int n = 0;
        for (int d = out.length - 1; d >= 0; d--) {
            if (out[d] == 1) {
                continue;
            }
            if (out[d] == 0) {
                return empty(out, k);
            }
            boolean merge = n > 0;
            for (int j = 0; j < k && merge; j++) {
                merge = st[j][d] == cst[j][n - 1] * dims[n - 1];
            }
            if (merge) {
                dims[n - 1] *= out[d];
            } else {
                dims[n] = out[d];
                for (int j = 0; j < k; j++) {
                    cst[j][n] = st[j][d];
                }
                n++;
            }
        }
        // dims[0] is now the innermost group
        int inner = n == 0 ? 1 : dims[0];
        int size = (int) Shape.size(out);
        int rows = size / Math.max(1, inner);
        int[] innerStride = new int[k];
        int[][] rowOffset = new int[k][rows];
        for (int j = 0; j < k; j++) {
            innerStride[j] = n == 0 ? 0 : cst[j][0];
            if (innerStride[j] != 0 && innerStride[j] != 1) {
                throw new AssertionError("inner stride " + innerStride[j]);
            }
        }
        int[] counter = new int[Math.max(0, n - 1)];
        int[] off = new int[k];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                rowOffset[j][r] = off[j];
            }
            for (int d = 1; d < n; d++) {
                int c = ++counter[d - 1];
                for (int j = 0; j < k; j++) {
                    off[j] += cst[j][d];
                }
                if (c < dims[d]) {
                    break;
                }
                counter[d - 1] = 0;
                for (int j = 0; j < k; j++) {
                    off[j] -= cst[j][d] * dims[d];
                }
            }
        }
        return new ElementwiseLayout(out, inner, rows, innerStride, rowOffset);
    }

    private static ElementwiseLayout empty(int[] out, int k) {
        return new ElementwiseLayout(out, 0, 0, new int[k], new int[k][0]);
    }

    @Override
    public String toString() {
        return "rows " + rows + " x " + inner + " strides " + Arrays.toString(innerStride);
    }
}
