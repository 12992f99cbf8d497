package dev.cotenant.ops;

import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.TransposeKernel;
import dev.cotenant.kernels.Workers;
import java.util.Arrays;
import java.util.List;

/** Transpose; without {@code perm} the axes are reversed. See {@link TransposeKernel}. */
final class TransposeOp {

    private TransposeOp() {}

    static BoundOp bind(OpContext ctx) {
        int[] in = ctx.inputShape(0);
        int rank = in.length;
        long[] p = ctx.attrInts("perm");
        int[] perm = new int[rank];
        if (p == null || (p.length == 0 && rank > 0)) {
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
        } else {
            if (p.length != rank) {
                throw ctx.fail("perm " + Arrays.toString(p) + " has " + p.length + " entries for an input of rank " + rank);
            }
            boolean[] seen = new boolean[rank];
            for (int i = 0; i < rank; i++) {
                int a = ctx.axis(p[i], rank, "perm entry");
                if (seen[a]) {
                    throw ctx.fail("perm " + Arrays.toString(p) + " is not a permutation");
                }
                seen[a] = true;
                perm[i] = a;
            }
        }
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = in[perm[i]];
        }
        return new Bound(new TensorType(ctx.inputDataType(0), Shape.of(out)), TransposeKernel.of(in, perm));
    }

    private record Bound(TensorType out, TransposeKernel kernel) implements BoundOp {

        @Override
        public List<TensorType> outputTypes() {
            return List.of(out);
        }

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            kernel.run(inputs[0].array(), inputs[0].offset(), outputs[0].array(), outputs[0].offset(), workers);
        }

        @Override
        public Cost cost() {
            return new Cost(0, 2L * Shape.size(out.dims()) * Math.max(1, out.dataType().byteSize()));
        }
    }
}
