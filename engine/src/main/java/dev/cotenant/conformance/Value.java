package dev.cotenant.conformance;

import dev.cotenant.ir.Tensor;
import java.util.List;

/** A value of ONNX test data: a tensor, a sequence of tensors, or an absent optional value. */
sealed interface Value {

    /** A tensor; {@code wrapped} when it came as a present optional value. */
    record One(Tensor tensor, boolean wrapped) implements Value {}

    record Many(List<Tensor> tensors) implements Value {
        public Many {
            tensors = List.copyOf(tensors);
        }
    }

    record None() implements Value {}
}
