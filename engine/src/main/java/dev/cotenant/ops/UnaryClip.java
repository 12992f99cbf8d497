package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Activation;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * Clip: bounds as attributes before opset 11, as optional scalar inputs from 11 (read at run time
 * when they are not constants), integer types from 12. {@code min(max(x, lo), hi)}, so when
 * {@code lo > hi} every element becomes {@code hi}, as numpy's clip does.
 */
final class UnaryClip implements Op {

    @Override
    public BoundOp bind(OpContext ctx) {
        DataType t = ctx.inputDataType(0);
        if (!(t.isFloat() || t.isInteger())) {
            throw ctx.fail("type " + t.onnxName() + " is not supported");
        }
        TensorType out = ctx.inputType(0);
        if (ctx.opset() < 11) {
            float lo = ctx.attrFloat("min", Float.NEGATIVE_INFINITY);
            float hi = ctx.attrFloat("max", Float.POSITIVE_INFINITY);
            return new Bound(t, out, false, lo, hi);
        }
        for (int i = 1; i <= 2; i++) {
            if (ctx.hasInput(i)) {
                if (ctx.inputDataType(i) != t) {
                    throw ctx.fail("bound input " + i + " is " + ctx.inputDataType(i).onnxName() + ", expected " + t.onnxName());
                }
                if (ctx.inputType(i).shape().size() != 1) {
                    throw ctx.fail("bound input " + i + " must be a scalar, got shape " + ctx.inputType(i).shape());
                }
            }
        }
        return new Bound(t, out, true, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    private static final class Bound implements BoundOp {
        private final DataType t;
        private final List<TensorType> outputTypes;
        private final boolean boundsAreInputs;
        private final Activation.Clip attrClip;
        private final int size;

        Bound(DataType t, TensorType out, boolean boundsAreInputs, float lo, float hi) {
            this.t = t;
            this.outputTypes = List.of(out);
            this.boundsAreInputs = boundsAreInputs;
            this.attrClip = new Activation.Clip(lo, hi);
            this.size = (int) out.shape().size();
        }

        @Override
        public List<TensorType> outputTypes() {
            return outputTypes;
        }

        @Override
        public Cost cost() {
            return new Cost(2L * size, 2L * size * t.byteSize());
        }

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            Tensor x = in[0];
            Tensor y = out[0];
            Tensor loT = boundsAreInputs && in.length > 1 ? in[1] : null;
            Tensor hiT = boundsAreInputs && in.length > 2 ? in[2] : null;
            switch (t.storage()) {
                case F32 -> {
                    Activation.Clip c = boundsAreInputs
                            ? new Activation.Clip(loT == null ? Float.NEGATIVE_INFINITY : (float) loT.getDouble(0),
                                    hiT == null ? Float.POSITIVE_INFINITY : (float) hiT.getDouble(0))
                            : attrClip;
                    float[] s = x.floats();
                    float[] d = y.floats();
                    int xo = x.offset();
                    int yo = y.offset();
                    if (size < BinaryOp.PARALLEL_MIN || workers.threads() == 1) {
                        c.apply(s, xo, d, yo, size);
                    } else {
                        workers.parallelFor(size, BinaryOp.GRAIN, (a, b) -> c.apply(s, xo + a, d, yo + a, b - a));
                    }
                    if (t == DataType.FLOAT16 && !boundsAreInputs) {
                        // attribute bounds need not be FP16 values
                        for (int i = 0; i < size; i++) {
                            d[yo + i] = DataType.FLOAT16.round(d[yo + i]);
                        }
                    }
                }
                case F64 -> {
                    double lo = loT == null ? (boundsAreInputs ? Double.NEGATIVE_INFINITY : attrClip.min()) : loT.getDouble(0);
                    double hi = hiT == null ? (boundsAreInputs ? Double.POSITIVE_INFINITY : attrClip.max()) : hiT.getDouble(0);
                    double[] s = x.doubles();
                    double[] d = y.doubles();
                    for (int i = 0; i < size; i++) {
                        double v = s[x.offset() + i];
                        d[y.offset() + i] = Double.isNaN(v) ? v : Math.min(Math.max(v, lo), hi);
                    }
                }
                case I64 -> {
                    boolean u = t == DataType.UINT64;
                    long[] s = x.longs();
                    long[] d = y.longs();
                    for (int i = 0; i < size; i++) {
                        long v = s[x.offset() + i];
                        if (loT != null && cmp(v, loT.getLong(0), u) < 0) {
                            v = loT.getLong(0);
                        }
                        if (hiT != null && cmp(v, hiT.getLong(0), u) > 0) {
                            v = hiT.getLong(0);
                        }
                        d[y.offset() + i] = v;
                    }
                }
                case NONE -> throw new IllegalStateException();
            }
        }

        private static int cmp(long a, long b, boolean unsigned) {
            return unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b);
        }
    }
}
