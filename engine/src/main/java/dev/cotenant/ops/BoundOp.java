package dev.cotenant.ops;

import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * An operator bound to concrete input shapes: it knows its output types, holds any pre-packed
 * constant weights, and runs without allocating. Output tensors are given to it (placed by the
 * plan's memory plan); {@code run} writes every element of them.
 */
public interface BoundOp {

    List<TensorType> outputTypes();

    /** Computes {@code outputs} from {@code inputs}; absent optional inputs are {@code null}. */
    void run(Tensor[] inputs, Tensor[] outputs, Workers workers);

    /** Work and traffic of one run, for reports and the scheduler's cost model. */
    default Cost cost() {
        return Cost.NONE;
    }

    /**
     * The input whose storage output 0 may share, as a view with a new shape (Reshape, Squeeze,
     * Identity...), or -1. When the plan makes the output such a view, {@code run} must notice that
     * input and output share storage and do nothing.
     */
    default int aliasOf() {
        return -1;
    }

    /**
     * Whether the outputs depend on the input values, not only on the input types. An operator
     * that answers false (Shape) never reads its inputs in {@code run} (they may be null there),
     * so a plan can compute its outputs once, when binding, even for inputs known only at run time.
     */
    default boolean readsInputValues() {
        return true;
    }
}
