package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * LRN, local response normalisation across channels:
 * {@code y = x / (bias + alpha / size * sum of x^2 over the nearby channels)^beta}.
 */
final class LrnOp {

    private LrnOp() {}

    static BoundOp bind(OpContext ctx) {
        TensorType xt = ctx.inputType(0);
        if (xt.dataType() != DataType.FLOAT) {
            throw ctx.fail("unsupported input type " + xt.dataType().onnxName());
        }
        int[] x = xt.dims();
        if (x.length < 2) {
            throw ctx.fail("input " + xt + " must have a channel axis");
        }
        long size = ctx.attrInt("size", -1);
        if (size < 1) {
            throw ctx.fail("size must be given and positive");
        }
        int inner = (int) (xt.shape().size() / ((long) x[0] * x[1]));
        return new Bound(List.of(xt), x[0], x[1], inner, (int) size, ctx.attrFloat("alpha", 1e-4f), ctx.attrFloat("beta", 0.75f),
                ctx.attrFloat("bias", 1f), new Cost(xt.shape().size() * (2 * size + 4), 8L * xt.shape().size()));
    }

    private record Bound(List<TensorType> outputTypes, int batch, int c, int inner, int size, float alpha, float beta, float bias,
                         Cost cost) implements BoundOp {

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            float[] x = in[0].floats();
            float[] y = out[0].floats();
            int xo = in[0].offset();
            int yo = out[0].offset();
            int before = (size - 1) / 2;
            int after = size - 1 - before;
            workers.parallelFor(batch * c, 1, (s, e) -> {
                for (int p = s; p < e; p++) {
                    int n = p / c;
                    int ch = p % c;
                    int lo = Math.max(0, ch - before);
                    int hi = Math.min(c - 1, ch + after);
                    for (int i = 0; i < inner; i++) {
                        double sum = 0;
                        for (int k = lo; k <= hi; k++) {
                            double v = x[xo + (n * c + k) * inner + i];
                            sum += v * v;
                        }
                        int at = (n * c + ch) * inner + i;
                        y[yo + at] = (float) (x[xo + at] / Math.pow(bias + alpha / size * sum, beta));
                    }
                }
            });
        }
    }
}
