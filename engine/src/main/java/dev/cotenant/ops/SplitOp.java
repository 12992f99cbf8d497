package dev.cotenant.ops;

import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Split, the mirror of Concat: output i takes, from each of {@code outer} input rows, its run of
 * {@code split[i] * inner} elements. The sizes come from the {@code split} attribute (before opset
 * 13), the {@code split} input (from 13), {@code num_outputs} (from 18, the last part smaller when
 * uneven), or else equal parts, one per output.
 */
final class SplitOp {

    private SplitOp() {}

    static BoundOp bind(OpContext ctx) {
        int[] in = ctx.inputShape(0);
        int rank = in.length;
        if (rank == 0) {
            throw ctx.fail("cannot split a scalar");
        }
        int axis = ctx.axis(ctx.attrInt("axis", 0), rank, "axis");
        int outputs = ctx.node().outputs().size();
        long[] split = null;
        if (ctx.opset() < 13) {
            split = ctx.attrInts("split");
            if (split == null && ctx.hasInput(1)) {
                split = ctx.requireValue(1, "split").toLongArray();
            }
        } else if (ctx.hasInput(1)) {
            split = ctx.requireValue(1, "split").toLongArray();
        }
        int dim = in[axis];
        if (split != null) {
            if (ctx.opset() >= 18 && ctx.hasAttribute("num_outputs")) {
                throw ctx.fail("give either the split input or the num_outputs attribute, not both");
            }
            if (split.length != outputs) {
                throw ctx.fail("split " + Arrays.toString(split) + " has " + split.length + " parts but the node has " + outputs + " outputs");
            }
            long sum = 0;
            for (long s : split) {
                if (s < 0) {
                    throw ctx.fail("split " + Arrays.toString(split) + " has a negative size");
                }
                sum += s;
            }
            if (sum != dim) {
                throw ctx.fail("split " + Arrays.toString(split) + " sums to " + sum + " but axis " + axis + " has size " + dim);
            }
        } else if (ctx.opset() >= 18 && ctx.hasAttribute("num_outputs")) {
            long parts = ctx.attrInt("num_outputs", outputs);
            if (parts < 1 || parts != outputs) {
                throw ctx.fail("num_outputs is " + parts + " but the node has " + outputs + " outputs");
            }
            long chunk = (dim + parts - 1) / parts;
            split = new long[(int) parts];
            long left = dim;
            for (int i = 0; i < parts; i++) {
                split[i] = Math.min(chunk, left);
                left -= split[i];
            }
        } else {
            if (outputs < 1) {
                throw ctx.fail("has no outputs");
            }
            if (dim % outputs != 0) {
                throw ctx.fail("axis " + axis + " of size " + dim + " does not split into " + outputs + " equal parts");
            }
            split = new long[outputs];
            Arrays.fill(split, dim / outputs);
        }
        int inner = (int) Shape.size(Arrays.copyOfRange(in, axis + 1, rank));
        int outer = (int) Shape.size(Arrays.copyOfRange(in, 0, axis));
        List<TensorType> types = new ArrayList<>();
        int[] rows = new int[outputs];
        int[] offsets = new int[outputs];
        int acc = 0;
        for (int i = 0; i < outputs; i++) {
            int[] s = in.clone();
            s[axis] = (int) split[i];
            types.add(new TensorType(ctx.inputDataType(0), Shape.of(s)));
            rows[i] = s[axis] * inner;
            offsets[i] = acc;
            acc += rows[i];
        }
        return new Bound(types, outer, dim * inner, rows, offsets);
    }

    private record Bound(List<TensorType> outputTypes, int outer, int rowIn, int[] rows, int[] offsets) implements BoundOp {

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            Object src = inputs[0].array();
            int sOff = inputs[0].offset();
            for (int i = 0; i < outputs.length; i++) {
                Tensor o = outputs[i];
                int len = rows[i];
                if (o == null || len == 0) {
                    continue;
                }
                Object dst = o.array();
                int dOff = o.offset();
                for (int r = 0; r < outer; r++) {
                    System.arraycopy(src, sOff + r * rowIn + offsets[i], dst, dOff + r * len, len);
                }
            }
        }

        @Override
        public Cost cost() {
            return new Cost(0, 2L * outer * rowIn * Math.max(1, outputTypes.getFirst().dataType().byteSize()));
        }
    }
}
