package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.Arrays;
import java.util.List;

/**
 * Gather along any axis: output shape {@code data[:axis] + indices.shape + data[axis+1:]}; each
 * (outer row, index) pair is one contiguous block of {@code inner} elements. Indices may be known
 * only at run time (token ids into an embedding table), so they are read and checked at run time;
 * negative ones count from the end.
 */
final class GatherOp {

    private GatherOp() {}

    private static final int PARALLEL_MIN = 1 << 16;

    static BoundOp bind(OpContext ctx) {
        int[] data = ctx.inputShape(0);
        int[] idx = ctx.inputShape(1);
        DataType it = ctx.inputDataType(1);
        if (it != DataType.INT32 && it != DataType.INT64) {
            throw ctx.fail("indices must be int32 or int64, got " + it.onnxName());
        }
        int rank = data.length;
        if (rank == 0) {
            throw ctx.fail("data must have rank 1 or more");
        }
        int axis = ctx.axis(ctx.attrInt("axis", 0), rank, "axis");
        int[] out = new int[rank - 1 + idx.length];
        System.arraycopy(data, 0, out, 0, axis);
        System.arraycopy(idx, 0, out, axis, idx.length);
        System.arraycopy(data, axis + 1, out, axis + idx.length, rank - axis - 1);
        int outer = (int) Shape.size(Arrays.copyOfRange(data, 0, axis));
        int inner = (int) Shape.size(Arrays.copyOfRange(data, axis + 1, rank));
        int count = (int) Shape.size(idx);
        Tensor known = ctx.constant(1);
        if (known != null) {
            for (int i = 0; i < known.size(); i++) {
                long v = known.getLong(i);
                if (v < -data[axis] || v >= data[axis]) {
                    throw ctx.fail("index " + v + " is out of range for axis " + axis + " of size " + data[axis]);
                }
            }
        }
        String where = ctx.node().opType() + " node '" + ctx.node().label() + "'";
        return new Bound(new TensorType(ctx.inputDataType(0), Shape.of(out)), outer, data[axis], inner, count, where);
    }

    private record Bound(TensorType out, int outer, int axisDim, int inner, int count, String where) implements BoundOp {

        @Override
        public List<TensorType> outputTypes() {
            return List.of(out);
        }

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            Tensor data = inputs[0];
            Tensor idx = inputs[1];
            long[] ix = idx.longs();
            int io = idx.offset();
            for (int k = 0; k < count; k++) {
                long v = ix[io + k];
                if (v < -axisDim || v >= axisDim) {
                    throw new ModelException(where + ": index " + v + " is out of range for an axis of size " + axisDim);
                }
            }
            Tensor o = outputs[0];
            long total = (long) outer * count * inner;
            if (total < PARALLEL_MIN || workers.threads() == 1) {
                copy(data, ix, io, o, 0, outer * count);
            } else {
                workers.parallelFor(outer * count, Math.max(1, PARALLEL_MIN / 4 / Math.max(1, inner)), (s, e) -> copy(data, ix, io, o, s, e));
            }
        }

        private void copy(Tensor data, long[] ix, int io, Tensor o, int from, int to) {
            Object src = data.array();
            Object dst = o.array();
            int so = data.offset();
            int dO = o.offset();
            for (int u = from; u < to; u++) {
                int r = u / count;
                int k = u - r * count;
                long v = ix[io + k];
                int j = (int) (v < 0 ? v + axisDim : v);
                System.arraycopy(src, so + (r * axisDim + j) * inner, dst, dO + u * inner, inner);
            }
        }

        @Override
        public Cost cost() {
            return new Cost(0, 2L * Shape.size(out.dims()) * Math.max(1, out.dataType().byteSize()));
        }
    }
}
