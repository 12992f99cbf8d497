package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Dropout. At inference (every opset before 12, and from 12 whenever {@code training_mode} is
 * absent or false) it is the identity, with an all-true mask, and the output is a view of the
 * input. In training mode each element is kept with probability {@code 1 - ratio} and scaled by
 * {@code 1 / (1 - ratio)}; the mask comes from {@link DropoutMask}, seeded with the {@code seed}
 * attribute (0 when absent, so that runs are reproducible).
 */
final class DropoutOp {

    private DropoutOp() {}

    static BoundOp bind(OpContext ctx) {
        TensorType in = ctx.inputType(0);
        if (!in.dataType().isFloat()) {
            throw ctx.fail("input must be a floating type, got " + in.dataType().onnxName());
        }
        DataType maskType = ctx.opset() < 10 ? in.dataType() : DataType.BOOL;
        List<TensorType> outs = new ArrayList<>();
        outs.add(in);
        outs.add(new TensorType(maskType, in.shape()));
        if (ctx.opset() < 12) {
            float ratio = ctx.attrFloat("ratio", 0.5f);
            if (ratio < 0 || ratio >= 1) {
                throw ctx.fail("ratio " + ratio + " must be in [0, 1)");
            }
            return new Inference(outs);
        }
        if (ctx.hasInput(1) && Arrays.stream(ctx.inputShape(1)).asLongStream().reduce(1, (a, b) -> a * b) != 1) {
            throw ctx.fail("ratio must be a scalar");
        }
        if (!ctx.hasInput(2)) {
            return new Inference(outs);
        }
        Tensor mode = ctx.constant(2);
        if (mode != null && mode.size() > 0 && mode.getLong(0) == 0) {
            return new Inference(outs);
        }
        String where = ctx.node().opType() + " node '" + ctx.node().label() + "'";
        return new Training(outs, ctx.attrInt("seed", 0), new DropoutMask(), where);
    }

    private static void fillMask(Tensor[] outputs) {
        if (outputs.length > 1 && outputs[1] != null) {
            Tensor m = outputs[1];
            for (int i = 0; i < m.size(); i++) {
                m.setLong(i, 1);
            }
        }
    }

    /** The identity, with an all-true mask. */
    private record Inference(List<TensorType> outputTypes) implements BoundOp {

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            CopyView.copy(inputs[0], outputs[0]);
            fillMask(outputs);
        }

        @Override
        public int aliasOf() {
            return 0;
        }
    }

    /** Training mode, decided at run time by the {@code training_mode} input. */
    private record Training(List<TensorType> outputTypes, long seed, DropoutMask random, String where) implements BoundOp {

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            Tensor x = inputs[0];
            Tensor y = outputs[0];
            boolean training = inputs.length > 2 && inputs[2] != null && inputs[2].size() > 0 && inputs[2].getLong(0) != 0;
            double ratio = inputs.length > 1 && inputs[1] != null ? inputs[1].getDouble(0) : 0.5;
            if (!training || ratio == 0) {
                CopyView.copy(x, y);
                fillMask(outputs);
                return;
            }
            if (ratio < 0 || ratio >= 1) {
                throw new ModelException(where + ": ratio " + ratio + " must be in [0, 1)");
            }
            Tensor mask = outputs.length > 1 ? outputs[1] : null;
            random.seed(seed);
            boolean single = x.dataType() != DataType.DOUBLE;
            double scale = single ? (float) (1.0 / (1.0 - ratio)) : 1.0 / (1.0 - ratio);
            for (int i = 0; i < x.size(); i++) {
                boolean keep = random.nextDouble() >= ratio;
                // As mask * x * scale: a dropped negative element is -0.0.
                double v = (keep ? 1.0 : 0.0) * x.getDouble(i) * scale;
                y.setDouble(i, single ? (float) v : v);
                if (mask != null) {
                    mask.setLong(i, keep ? 1 : 0);
                }
            }
        }
    }
}
