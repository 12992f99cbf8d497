package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.ArrayList;
import java.util.List;

/**
 * Sum, Max, Min and Mean of any number of inputs with multidirectional broadcasting, folded left
 * into the output: {@code out = in0 (+) in1}, then {@code out = out (+) ink}, each step a bound
 * {@link BinaryOp} (the output is only ever read at the index it is written, so in place is safe).
 * Mean divides the sum by the input count.
 */
final class ElementwiseVariadic implements Op {

    private final BinaryFn fn;
    private final boolean mean;

    ElementwiseVariadic(BinaryFn fn, boolean mean) {
        this.fn = fn;
        this.mean = mean;
    }

    @Override
    public BoundOp bind(OpContext ctx) {
        int k = ctx.inputCount();
        if (k == 0) {
            throw ctx.fail("needs at least one input");
        }
        DataType t = ctx.inputDataType(0);
        int[][] shapes = new int[k][];
        for (int i = 0; i < k; i++) {
            if (ctx.inputDataType(i) != t) {
                throw ctx.fail("input " + i + " is " + ctx.inputDataType(i).onnxName() + ", expected " + t.onnxName());
            }
            shapes[i] = ctx.inputShape(i);
        }
        if (t == DataType.BOOL || (mean && !t.isFloat())) {
            throw ctx.fail("type " + t.onnxName() + " is not supported");
        }
        int[] out = Broadcast.shape(shapes);
        if (out == null) {
            StringBuilder b = new StringBuilder();
            for (int[] s : shapes) {
                b.append(' ').append(Shape.of(s));
            }
            throw ctx.fail("input shapes" + b + " do not broadcast");
        }
        List<BinaryOp.Bound> steps = new ArrayList<>();
        for (int i = 1; i < k; i++) {
            int[] left = i == 1 ? shapes[0] : out;
            steps.add(new BinaryOp.Bound(fn, ElementwiseLayout.of(out, left, shapes[i]), t, t, t));
        }
        return new Bound(new TensorType(t, Shape.of(out)), steps, k == 1, mean ? k : 0);
    }

    private record Bound(TensorType type, List<BinaryOp.Bound> steps, boolean single, int divisor) implements BoundOp {

        @Override
        public List<TensorType> outputTypes() {
            return List.of(type);
        }

        @Override
        public Cost cost() {
            Cost c = Cost.NONE;
            for (BinaryOp.Bound s : steps) {
                c = c.plus(s.cost());
            }
            return c;
        }

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            Tensor o = out[0];
            if (single) {
                in[0].copyInto(o);
            }
            for (int i = 0; i < steps.size(); i++) {
                steps.get(i).run(i == 0 ? in[0] : o, in[i + 1], o, workers);
            }
            if (divisor > 0) {
                int n = o.size();
                switch (o.dataType().storage()) {
                    case F32 -> {
                        float[] f = o.floats();
                        float d = divisor;
                        DataType t = o.dataType();
                        for (int i = 0; i < n; i++) {
                            f[o.offset() + i] = t.round(f[o.offset() + i] / d);
                        }
                    }
                    case F64 -> {
                        double[] f = o.doubles();
                        for (int i = 0; i < n; i++) {
                            f[o.offset() + i] /= divisor;
                        }
                    }
                    default -> throw new IllegalStateException("Mean of " + o.dataType());
                }
            }
        }
    }
}
