package dev.cotenant.ops;

import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.Arrays;
import java.util.List;

/**
 * Concat: every input is a block of {@code outer} rows of {@code axis * inner} elements, and each
 * row goes with one {@link System#arraycopy} to its place in the output row. Works for every
 * storage kind; large outputs are split by rows across the workers.
 */
final class ConcatOp {

    private ConcatOp() {}

    private static final int PARALLEL_MIN = 1 << 16;

    static BoundOp bind(OpContext ctx) {
        int n = ctx.inputCount();
        if (n == 0 || !ctx.hasInput(0)) {
            throw ctx.fail("needs at least one input");
        }
        if (!ctx.hasAttribute("axis")) {
            if (ctx.opset() >= 4) {
                throw ctx.fail("attribute 'axis' is required");
            }
        }
        int[] first = ctx.inputShape(0);
        int rank = first.length;
        if (rank == 0) {
            throw ctx.fail("cannot concatenate scalars");
        }
        int axis = ctx.axis(ctx.attrInt("axis", 1), rank, "axis");
        int[] out = first.clone();
        out[axis] = 0;
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            TensorType t = ctx.inputType(i);
            if (t.dataType() != ctx.inputDataType(0)) {
                throw ctx.fail("input " + i + " is " + t.dataType().onnxName() + ", input 0 is " + ctx.inputDataType(0).onnxName());
            }
            int[] s = t.dims();
            if (s.length != rank) {
                throw ctx.fail("input " + i + " has shape " + Arrays.toString(s) + ", input 0 has " + Arrays.toString(first));
            }
            for (int d = 0; d < rank; d++) {
                if (d != axis && s[d] != first[d]) {
                    throw ctx.fail("input " + i + " has shape " + Arrays.toString(s) + ", which differs from input 0 " + Arrays.toString(first) + " outside axis " + axis);
                }
            }
            out[axis] = Math.addExact(out[axis], s[axis]);
        }
        int inner = (int) Shape.size(Arrays.copyOfRange(first, axis + 1, rank));
        int outer = (int) Shape.size(Arrays.copyOfRange(first, 0, axis));
        int[] offsets = new int[n];
        int acc = 0;
        for (int i = 0; i < n; i++) {
            rows[i] = ctx.inputShape(i)[axis] * inner;
            offsets[i] = acc;
            acc += rows[i];
        }
        return new Bound(new TensorType(ctx.inputDataType(0), Shape.of(out)), outer, acc, rows, offsets);
    }

    /** {@code outer} rows of {@code rowOut} output elements; input i fills {@code rows[i]} of them at {@code offsets[i]}. */
    private record Bound(TensorType out, int outer, int rowOut, int[] rows, int[] offsets) implements BoundOp {

        @Override
        public List<TensorType> outputTypes() {
            return List.of(out);
        }

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            Tensor o = outputs[0];
            long total = (long) outer * rowOut;
            if (total < PARALLEL_MIN || workers.threads() == 1 || outer == 1) {
                copy(inputs, o, 0, outer);
            } else {
                workers.parallelFor(outer, Math.max(1, PARALLEL_MIN / 4 / Math.max(1, rowOut)), (s, e) -> copy(inputs, o, s, e));
            }
        }

        private void copy(Tensor[] inputs, Tensor o, int from, int to) {
            Object dst = o.array();
            int dOff = o.offset();
            for (int i = 0; i < rows.length; i++) {
                int len = rows[i];
                if (len == 0) {
                    continue;
                }
                Object src = inputs[i].array();
                int sOff = inputs[i].offset();
                for (int r = from; r < to; r++) {
                    System.arraycopy(src, sOff + r * len, dst, dOff + r * rowOut + offsets[i], len);
                }
            }
        }

        @Override
        public Cost cost() {
            return new Cost(0, 2L * outer * rowOut * Math.max(1, out.dataType().byteSize()));
        }
    }
}
