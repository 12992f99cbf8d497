package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * ArgMax and ArgMin along one axis, as INT64 indices: the first extreme element, or the last with
 * {@code select_last_index} (opset 12). A NaN counts as the extreme, as in numpy.
 */
final class ReduceArg implements Op {

    private final boolean max;

    ReduceArg(boolean max) {
        this.max = max;
    }

    @Override
    public BoundOp bind(OpContext ctx) {
        DataType t = ctx.inputDataType(0);
        if (t == DataType.BOOL) {
            throw ctx.fail("type bool is not supported");
        }
        int[] s = ctx.inputShape(0);
        int rank = s.length;
        int axis = ctx.axis(ctx.attrInt("axis", 0), Math.max(1, rank), "axis");
        boolean keep = ctx.attrInt("keepdims", 1) != 0;
        boolean last = ctx.attrInt("select_last_index", 0) != 0;
        int outer = 1;
        int inner = 1;
        int n = rank == 0 ? 1 : s[axis];
        for (int d = 0; d < rank; d++) {
            if (d < axis) {
                outer *= s[d];
            } else if (d > axis) {
                inner *= s[d];
            }
        }
        int[] out = new int[keep ? rank : Math.max(0, rank - 1)];
        for (int d = 0, k = 0; d < rank; d++) {
            if (d != axis) {
                out[k++] = s[d];
            } else if (keep) {
                out[k++] = 1;
            }
        }
        if (n == 0 && outer * inner > 0) {
            throw ctx.fail("cannot take the " + (max ? "ArgMax" : "ArgMin") + " of an empty axis");
        }
        return new Bound(new TensorType(DataType.INT64, Shape.of(out)), t, max, last, outer, n, inner);
    }

    private record Bound(TensorType type, DataType in, boolean max, boolean last, int outer, int n, int inner) implements BoundOp {

        @Override
        public List<TensorType> outputTypes() {
            return List.of(type);
        }

        @Override
        public Cost cost() {
            long size = (long) outer * n * inner;
            return new Cost(size, size * in.byteSize() + 8L * outer * inner);
        }

        @Override
        public void run(Tensor[] ins, Tensor[] out, Workers workers) {
            Tensor x = ins[0];
            long[] y = out[0].longs();
            int yo = out[0].offset();
            boolean integer = in.storage() == DataType.Storage.I64;
            boolean unsigned = in == DataType.UINT64;
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < inner; j++) {
                    int base = o * n * inner + j;
                    int best = 0;
                    for (int k = 1; k < n; k++) {
                        int c;
                        if (integer) {
                            long u = x.getLong(base + k * inner);
                            long v = x.getLong(base + best * inner);
                            c = unsigned ? Long.compareUnsigned(u, v) : Long.compare(u, v);
                            c = max ? c : -c;
                        } else {
                            double u = x.getDouble(base + k * inner);
                            double v = x.getDouble(base + best * inner);
                            boolean un = Double.isNaN(u);
                            boolean vn = Double.isNaN(v);
                            if (un || vn) {
                                c = un && vn ? 0 : un ? 1 : -1;
                            } else {
                                c = u > v ? 1 : u < v ? -1 : 0;
                                c = max ? c : -c;
                            }
                        }
                        if (c > 0 || (c == 0 && last)) {
                            best = k;
                        }
                    }
                    y[yo + o * inner + j] = best;
                }
            }
        }
    }
}
