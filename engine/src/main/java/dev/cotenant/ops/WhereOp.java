package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.List;

/** Where(condition, X, Y): X where the condition holds, else Y, all three broadcast together. */
final class WhereOp implements Op {

    @Override
    public BoundOp bind(OpContext ctx) {
        if (ctx.inputDataType(0) != DataType.BOOL) {
            throw ctx.fail("condition is " + ctx.inputDataType(0).onnxName() + ", expected bool");
        }
        DataType t = ctx.inputDataType(1);
        if (ctx.inputDataType(2) != t) {
            throw ctx.fail("X is " + t.onnxName() + " but Y is " + ctx.inputDataType(2).onnxName());
        }
        int[] c = ctx.inputShape(0);
        int[] x = ctx.inputShape(1);
        int[] y = ctx.inputShape(2);
        int[] out = Broadcast.shape(c, x, y);
        if (out == null) {
            throw ctx.fail("shapes " + Shape.of(c) + ", " + Shape.of(x) + " and " + Shape.of(y) + " do not broadcast");
        }
        return new Bound(new TensorType(t, Shape.of(out)), ElementwiseLayout.of(out, c, x, y));
    }

    private record Bound(TensorType type, ElementwiseLayout layout) implements BoundOp {

        @Override
        public List<TensorType> outputTypes() {
            return List.of(type);
        }

        @Override
        public Cost cost() {
            return new Cost(layout.size, (long) layout.size * (1 + 3L * type.dataType().byteSize()));
        }

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            int n = layout.size;
            if (n < BinaryOp.PARALLEL_MIN || workers.threads() == 1) {
                rows(in, out[0], 0, layout.rows);
            } else {
                workers.parallelFor(layout.rows, Math.max(1, BinaryOp.GRAIN / Math.max(1, layout.inner)),
                        (s, e) -> rows(in, out[0], s, e));
            }
        }

        private void rows(Tensor[] in, Tensor o, int r0, int r1) {
            long[] c = in[0].longs();
            int cs = layout.innerStride[0];
            int xs = layout.innerStride[1];
            int ys = layout.innerStride[2];
            int inner = layout.inner;
            for (int r = r0; r < r1; r++) {
                int ci = in[0].offset() + layout.rowOffset[0][r];
                int xi = in[1].offset() + layout.rowOffset[1][r];
                int yi = in[2].offset() + layout.rowOffset[2][r];
                int oi = o.offset() + r * inner;
                switch (type.dataType().storage()) {
                    case F32 -> {
                        float[] x = in[1].floats();
                        float[] y = in[2].floats();
                        float[] d = o.floats();
                        for (int i = 0; i < inner; i++) {
                            d[oi + i] = c[ci + i * cs] != 0 ? x[xi + i * xs] : y[yi + i * ys];
                        }
                    }
                    case F64 -> {
                        double[] x = in[1].doubles();
                        double[] y = in[2].doubles();
                        double[] d = o.doubles();
                        for (int i = 0; i < inner; i++) {
                            d[oi + i] = c[ci + i * cs] != 0 ? x[xi + i * xs] : y[yi + i * ys];
                        }
                    }
                    case I64 -> {
                        long[] x = in[1].longs();
                        long[] y = in[2].longs();
                        long[] d = o.longs();
                        for (int i = 0; i < inner; i++) {
                            d[oi + i] = c[ci + i * cs] != 0 ? x[xi + i * xs] : y[yi + i * ys];
                        }
                    }
                    case NONE -> throw new IllegalStateException();
                }
            }
        }
    }
}
