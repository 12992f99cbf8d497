package dev.cotenant.ops;

import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * The bound form of every operator whose output is its input with another shape (Reshape,
 * Flatten, Squeeze, Unsqueeze, Identity, inference Dropout). The plan normally makes the output a
 * view of the input, and then there is nothing to do; when it could not (the input is a feed or a
 * constant, or of another storage), the values are copied.
 */
record CopyView(List<TensorType> outputTypes) implements BoundOp {

    CopyView(TensorType out) {
        this(List.of(out));
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
        copy(inputs[0], outputs[0]);
    }

    /** Copies {@code in} into {@code out} unless they already share storage. */
    static void copy(Tensor in, Tensor out) {
        if (in.array() != out.array() || in.offset() != out.offset()) {
            in.copyInto(out);
        }
    }

    @Override
    public int aliasOf() {
        return 0;
    }

    @Override
    public Cost cost() {
        return Cost.NONE;
    }
}
