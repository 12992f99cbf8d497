package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.CopyPlan;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * The bound form of operators that only move elements (Slice, Expand, Tile, Pad, nearest Resize):
 * a {@link CopyPlan} compiled at bind time. The fill value is fixed at bind time, or read at run
 * time from input {@code fillInput} when that is given (Pad's {@code constant_value}).
 */
record CopyGather(TensorType out, CopyPlan plan, double fill, int fillInput) implements BoundOp {

    CopyGather(TensorType out, CopyPlan plan) {
        this(out, plan, 0, -1);
    }

    @Override
    public List<TensorType> outputTypes() {
        return List.of(out);
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
        double f = fill;
        long bits = out.dataType().storage() == DataType.Storage.I64 ? out.dataType().wrap((long) fill) : 0;
        if (fillInput >= 0 && fillInput < inputs.length && inputs[fillInput] != null && inputs[fillInput].size() > 0) {
            Tensor v = inputs[fillInput];
            f = v.getDouble(0);
            bits = v.getLong(0);
        }
        Tensor in = inputs[0];
        Tensor o = outputs[0];
        plan.run(in.array(), in.offset(), o.array(), o.offset(), f, bits, workers);
    }

    @Override
    public Cost cost() {
        long bytes = 2L * plan.size() * Math.max(1, out.dataType().byteSize());
        return new Cost(0, bytes);
    }
}
