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
     * An input whose storage output 0 may take over when this step is the input's last reader,
     * or -1. The operator must read each element of that input only before writing the same
     * element of output 0 (and no other element after it), in every part, so that writing in
     * place is the same as writing elsewhere: a convolution that adds its residual does.
     */
    default int overwrites() {
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

    /**
     * Into how many parts one run can be cut by {@link #runPart} (1: it cannot be split). A
     * scheduler splits a large operator so that other work can run beside its parts.
     */
    default int maxParts() {
        return 1;
    }

    /**
     * Computes part {@code part} of {@code parts} (at most {@link #maxParts()}): a disjoint share of
     * the outputs (whole images, or row or column blocks). Running every part once, in any order,
     * writes what one {@link #run} writes. Parts of one bound operator must not run at the same
     * time: they share its scratch buffers.
     */
    default void runPart(Tensor[] inputs, Tensor[] outputs, int part, int parts, Workers workers) {
        if (parts != 1 || part != 0) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be split into " + parts + " parts");
        }
        run(inputs, outputs, workers);
    }

    /** The first of {@code units} that part {@code part} of {@code parts} covers (it ends where part + 1 starts). */
    static int partStart(int units, int part, int parts) {
        return (int) ((long) units * part / parts);
    }
}
