package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.List;

/** InstanceNormalization: each (image, channel) plane normalised by its own mean and variance. */
final class InstanceNormOp {

    private InstanceNormOp() {}

    static BoundOp bind(OpContext ctx) {
        TensorType xt = ctx.inputType(0);
        if (xt.dataType() != DataType.FLOAT || ctx.inputDataType(1) != DataType.FLOAT || ctx.inputDataType(2) != DataType.FLOAT) {
            throw ctx.fail("unsupported input type " + xt.dataType().onnxName());
        }
        int[] x = xt.dims();
        if (x.length < 3) {
            throw ctx.fail("input " + xt + " must have a channel axis and spatial axes");
        }
        int c = x[1];
        if (ctx.inputType(1).shape().size() != c || ctx.inputType(2).shape().size() != c) {
            throw ctx.fail("scale and B must have " + c + " values");
        }
        int inner = (int) (xt.shape().size() / ((long) x[0] * c));
        float eps = ctx.attrFloat("epsilon", 1e-5f);
        return new Bound(List.of(xt), x[0] * c, c, inner, eps, new Cost(5L * xt.shape().size(), 8L * xt.shape().size()));
    }

    private record Bound(List<TensorType> outputTypes, int planes, int c, int inner, float eps, Cost cost) implements BoundOp {

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            float[] x = in[0].floats();
            float[] y = out[0].floats();
            int xo = in[0].offset();
            int yo = out[0].offset();
            workers.parallelFor(planes, Math.max(1, 8192 / Math.max(1, inner)), (s, e) -> {
                for (int p = s; p < e; p++) {
                    int ch = p % c;
                    int xb = xo + p * inner;
                    double mean = NormRows.mean(x, xb, inner);
                    double var = NormRows.variance(x, xb, inner, mean);
                    double k = in[1].getDouble(ch) / Math.sqrt(var + eps);
                    double t = in[2].getDouble(ch) - mean * k;
                    for (int i = 0; i < inner; i++) {
                        y[yo + p * inner + i] = (float) (x[xb + i] * k + t);
                    }
                }
            });
        }
    }
}
