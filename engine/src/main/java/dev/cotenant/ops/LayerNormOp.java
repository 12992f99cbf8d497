package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.ArrayList;
import java.util.List;
import dev.cotenant.kernels.VectorUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * LayerNormalization (opset 17): every row of the trailing axes from {@code axis} on is normalised
 * by its mean and variance, then scaled and shifted by Scale and B (broadcast to the row's shape).
 * The optional Mean and InvStdDev outputs keep the leading axes and have size 1 on the others.
 */
final class LayerNormOp {

    private LayerNormOp() {}

    static BoundOp bind(OpContext ctx) {
        TensorType xt = ctx.inputType(0);
        if (xt.dataType() != DataType.FLOAT || ctx.inputDataType(1) != DataType.FLOAT
                || (ctx.hasInput(2) && ctx.inputDataType(2) != DataType.FLOAT)) {
            throw ctx.fail("unsupported input type " + xt.dataType().onnxName());
        }
        int[] x = xt.dims();
        int axis = ctx.axis(ctx.attrInt("axis", -1), x.length, "axis");
        int[] rowShape = java.util.Arrays.copyOfRange(x, axis, x.length);
        int row = (int) Shape.size(rowShape);
        int rows = row == 0 ? 0 : (int) (xt.shape().size() / row);
        int[] scaleSt = strides(ctx, 1, rowShape);
        int[] biasSt = ctx.hasInput(2) ? strides(ctx, 2, rowShape) : null;
        int[] statDims = x.clone();
        for (int d = axis; d < x.length; d++) {
            statDims[d] = 1;
        }
        List<TensorType> types = new ArrayList<>();
        types.add(xt);
        types.add(TensorType.of(DataType.FLOAT, statDims));
        types.add(TensorType.of(DataType.FLOAT, statDims));
        float eps = ctx.attrFloat("epsilon", 1e-5f);
        // Scale and B expanded to one value per row element, once per run.
        return new Bound(List.copyOf(types), rows, row, rowShape, scaleSt, biasSt, eps, new float[row], new float[row],
                new Cost(8L * xt.shape().size(), 8L * xt.shape().size()));
    }

    private static int[] strides(OpContext ctx, int input, int[] rowShape) {
        int[] s = ctx.inputShape(input);
        int[] b = Broadcast.shape(s, rowShape);
        if (s.length > rowShape.length || b == null || !java.util.Arrays.equals(b, rowShape)) {
            throw ctx.fail("input " + input + " " + ctx.inputType(input) + " does not broadcast to the normalised shape "
                    + java.util.Arrays.toString(rowShape));
        }
        return Broadcast.strides(s, rowShape);
    }

    private static final VectorSpecies<Float> F = VectorUnit.FLOAT;

    /**
     * {@code y = (x - mean) * inv * scale + bias} over one row; the centring and scaling in float
     * vectors (the statistics stay double), as the row's values are floats to begin with.
     */
    static void normalise(float[] x, int xo, float[] y, int yo, int n, double mean, double inv, float[] scale, float[] bias) {
        float m = (float) mean;
        float k = (float) inv;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i).sub(m).mul(k);
            v.fma(FloatVector.fromArray(F, scale, i), FloatVector.fromArray(F, bias, i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = (x[xo + i] - m) * k * scale[i] + bias[i];
        }
    }

    private record Bound(List<TensorType> outputTypes, int rows, int row, int[] rowShape, int[] scaleSt, int[] biasSt, float eps,
                         float[] scale, float[] bias, Cost cost) implements BoundOp {

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            for (int i = 0; i < row; i++) {
                scale[i] = in[1].floats()[in[1].offset() + Broadcast.offset(i, rowShape, scaleSt)];
                bias[i] = biasSt == null || in.length < 3 || in[2] == null ? 0f : in[2].floats()[in[2].offset() + Broadcast.offset(i, rowShape, biasSt)];
            }
            float[] x = in[0].floats();
            float[] y = out[0].floats();
            int xo = in[0].offset();
            int yo = out[0].offset();
            Tensor meanOut = out.length > 1 ? out[1] : null;
            Tensor invOut = out.length > 2 ? out[2] : null;
            workers.parallelFor(rows, Math.max(1, 8192 / Math.max(1, row)), (s, e) -> {
                for (int r = s; r < e; r++) {
                    int b = xo + r * row;
                    double mean = NormRows.mean(x, b, row);
                    double inv = 1 / Math.sqrt(NormRows.variance(x, b, row, mean) + eps);
                    normalise(x, b, y, yo + r * row, row, mean, inv, scale, bias);
                    if (meanOut != null) {
                        meanOut.floats()[meanOut.offset() + r] = (float) mean;
                    }
                    if (invOut != null) {
                        invOut.floats()[invOut.offset() + r] = (float) inv;
                    }
                }
            });
        }
    }
}
