package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * Shape (with {@code start} and {@code end} from opset 15, clamped to the rank). The dims are
 * fixed at bind time, so run never reads its input.
 */
final class ShapeOp {

    private ShapeOp() {}

    static BoundOp bind(OpContext ctx) {
        int[] in = ctx.inputShape(0);
        int r = in.length;
        long start = 0;
        long end = r;
        if (ctx.opset() >= 15) {
            start = ctx.attrInt("start", 0);
            end = ctx.attrInt("end", r);
        }
        start = clamp(start < 0 ? start + r : start, r);
        end = clamp(end < 0 ? end + r : end, r);
        int n = (int) Math.max(0, end - start);
        long[] dims = new long[n];
        for (int i = 0; i < n; i++) {
            dims[i] = in[(int) start + i];
        }
        return new Bound(dims);
    }

    private static long clamp(long v, int r) {
        return Math.max(0, Math.min(r, v));
    }

    private record Bound(long[] dims) implements BoundOp {

        @Override
        public List<TensorType> outputTypes() {
            return List.of(TensorType.of(DataType.INT64, dims.length));
        }

        @Override
        public boolean readsInputValues() {
            return false;
        }

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            Tensor o = outputs[0];
            System.arraycopy(dims, 0, o.longs(), o.offset(), dims.length);
        }
    }
}
