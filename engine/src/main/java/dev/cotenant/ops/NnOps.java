package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Registration of the compute-heavy operators (convolutions, matrix products, pools,
 * normalisations), and the bridge that runs their FP32 kernels for FP16, FP64 and 8-bit inputs.
 */
final class NnOps {

    private NnOps() {}

    static void register(OpTable t) {
        t.add("Conv", 1, ctx -> viaFloat(ctx, c -> ConvOp.bind(c, false)));
        t.add(OpTable.COTENANT_DOMAIN, "FusedConv", 1, ctx -> viaFloat(ctx, c -> ConvOp.bind(c, true)));
        t.add("ConvTranspose", 1, ctx -> viaFloat(ctx, ConvTransposeOp::bind));
        t.add("Gemm", 1, ctx -> viaFloat(ctx, c -> GemmOp.bind(c, false)));
        t.add(OpTable.COTENANT_DOMAIN, "FusedGemm", 1, ctx -> viaFloat(ctx, c -> GemmOp.bind(c, true)));
        t.add("MatMul", 1, ctx -> viaFloat(ctx, c -> MatMulOp.bind(c, false)));
        t.add(OpTable.COTENANT_DOMAIN, "FusedMatMul", 1, ctx -> viaFloat(ctx, c -> MatMulOp.bind(c, true)));
        t.add("MaxPool", 1, ctx -> viaFloat(ctx, c -> PoolOp.bind(c, PoolOp.Kind.MAX, false)));
        t.add("AveragePool", 1, ctx -> viaFloat(ctx, c -> PoolOp.bind(c, PoolOp.Kind.AVERAGE, false)));
        t.add("GlobalMaxPool", 1, ctx -> viaFloat(ctx, c -> PoolOp.bind(c, PoolOp.Kind.MAX, true)));
        t.add("GlobalAveragePool", 1, ctx -> viaFloat(ctx, c -> PoolOp.bind(c, PoolOp.Kind.AVERAGE, true)));
        t.add("BatchNormalization", 1, ctx -> viaFloat(ctx, BatchNormOp::bind));
        t.add("InstanceNormalization", 1, ctx -> viaFloat(ctx, InstanceNormOp::bind));
        // Mean and InvStdDev are of the stash type (float), whatever X is.
        t.add("LayerNormalization", 17, ctx -> viaFloat(ctx, LayerNormOp::bind, 1));
        t.add("LRN", 1, ctx -> viaFloat(ctx, LrnOp::bind));
    }

    /**
     * Binds {@code fp32} directly when every floating input is FP32; otherwise binds it to FP32
     * copies of the input types and wraps it so that each run converts inputs to FP32 and results
     * back (rounding to FP16 on the way). This slower path allocates per run; FP32 is the fast path.
     */
    static BoundOp viaFloat(OpContext ctx, Function<OpContext, BoundOp> fp32) {
        return viaFloat(ctx, fp32, Integer.MAX_VALUE);
    }

    /** As {@link #viaFloat(OpContext, Function)}, outputs from {@code keepFloatFrom} on staying FP32. */
    static BoundOp viaFloat(OpContext ctx, Function<OpContext, BoundOp> fp32, int keepFloatFrom) {
        int n = ctx.inputCount();
        boolean convert = false;
        for (int i = 0; i < n; i++) {
            if (ctx.hasInput(i) && needsConversion(ctx.inputDataType(i))) {
                convert = true;
            }
        }
        if (!convert) {
            return fp32.apply(ctx);
        }
        List<TensorType> types = new ArrayList<>(n);
        List<Tensor> known = new ArrayList<>(n);
        DataType[] original = new DataType[n];
        for (int i = 0; i < n; i++) {
            if (!ctx.hasInput(i)) {
                types.add(null);
                known.add(null);
                continue;
            }
            TensorType t = ctx.inputType(i);
            original[i] = t.dataType();
            boolean conv = needsConversion(t.dataType());
            types.add(conv ? new TensorType(DataType.FLOAT, t.shape()) : t);
            Tensor k = ctx.constant(i);
            known.add(k != null && conv ? toFloat(k) : k);
        }
        BoundOp inner = fp32.apply(new OpContext(ctx.node(), ctx.opset(), types, known));
        List<TensorType> outTypes = new ArrayList<>();
        DataType main = original[0];
        for (TensorType t : inner.outputTypes()) {
            outTypes.add(t.dataType() == DataType.FLOAT && outTypes.size() < keepFloatFrom ? new TensorType(main, t.shape()) : t);
        }
        return new Converted(inner, original, List.copyOf(outTypes));
    }

    private static boolean needsConversion(DataType t) {
        return t == DataType.FLOAT16 || t == DataType.DOUBLE || t == DataType.INT8 || t == DataType.UINT8;
    }

    static Tensor toFloat(Tensor t) {
        Tensor f = Tensor.allocate(DataType.FLOAT, t.shape());
        float[] d = f.floats();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) t.getDouble(i);
        }
        return f;
    }

    /** An FP32 operator run on converted copies of its inputs. */
    private record Converted(BoundOp inner, DataType[] original, List<TensorType> outputTypes) implements BoundOp {

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            Tensor[] in = new Tensor[inputs.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = inputs[i] != null && original[i] != null && needsConversion(original[i]) ? toFloat(inputs[i]) : inputs[i];
            }
            Tensor[] out = new Tensor[outputs.length];
            for (int i = 0; i < out.length; i++) {
                TensorType t = inner.outputTypes().get(i);
                out[i] = outputs[i] == null ? null : t.dataType() == outputs[i].dataType() ? outputs[i] : Tensor.allocate(t.dataType(), t.dims());
            }
            inner.run(in, out, workers);
            for (int i = 0; i < out.length; i++) {
                if (out[i] != null && out[i] != outputs[i]) {
                    for (int j = 0; j < out[i].size(); j++) {
                        outputs[i].setDouble(j, out[i].getDouble(j));
                    }
                }
            }
        }

        @Override
        public Cost cost() {
            return inner.cost();
        }
    }
}
