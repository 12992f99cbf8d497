package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * Cast (target from the {@code to} attribute) and CastLike (target the type of input 1) between
 * every pair of supported types. Floats to integers truncate toward zero and then wrap to the
 * target's width (NaN gives 0); anything to BOOL is {@code x != 0}; FP64 to FP16 rounds once, to
 * nearest even, not twice through FP32; integers to floats round to nearest.
 */
final class CastOp implements Op {

    private final boolean like;

    CastOp(boolean like) {
        this.like = like;
    }

    @Override
    public BoundOp bind(OpContext ctx) {
        DataType from = ctx.inputDataType(0);
        DataType to;
        if (like) {
            to = ctx.inputDataType(1);
        } else {
            if (!ctx.hasAttribute("to")) {
                throw ctx.fail("attribute 'to' is required");
            }
            long code = ctx.attrInt("to", 0);
            to = DataType.ofCode((int) code);
            if (to == null || code != (int) code) {
                throw ctx.fail("'to' = " + code + " is not a data type");
            }
        }
        if (!to.supported() || !from.supported()) {
            throw ctx.fail("cast from " + from.onnxName() + " to " + to.onnxName() + " is not supported");
        }
        return new Bound(from, new TensorType(to, ctx.inputType(0).shape()));
    }

    private record Bound(DataType from, TensorType type) implements BoundOp {

        @Override
        public List<TensorType> outputTypes() {
            return List.of(type);
        }

        @Override
        public Cost cost() {
            long n = type.shape().size();
            return new Cost(n, n * (from.byteSize() + type.dataType().byteSize()));
        }

        @Override
        public int aliasOf() {
            return from == type.dataType() ? 0 : -1;
        }

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            Tensor x = in[0];
            Tensor y = out[0];
            if (x.array() == y.array() && x.offset() == y.offset()) {
                return;
            }
            int n = x.size();
            DataType to = type.dataType();
            int xo = x.offset();
            int yo = y.offset();
            switch (from.storage()) {
                case F32 -> {
                    float[] s = x.floats();
                    switch (to.storage()) {
                        case F32 -> {
                            float[] d = y.floats();
                            for (int i = 0; i < n; i++) {
                                d[yo + i] = to.round(s[xo + i]);
                            }
                        }
                        case F64 -> {
                            double[] d = y.doubles();
                            for (int i = 0; i < n; i++) {
                                d[yo + i] = s[xo + i];
                            }
                        }
                        case I64 -> {
                            long[] d = y.longs();
                            for (int i = 0; i < n; i++) {
                                d[yo + i] = floatToInteger(s[xo + i], to);
                            }
                        }
                        case NONE -> throw new IllegalStateException();
                    }
                }
                case F64 -> {
                    double[] s = x.doubles();
                    switch (to.storage()) {
                        case F32 -> {
                            float[] d = y.floats();
                            for (int i = 0; i < n; i++) {
                                d[yo + i] = to == DataType.FLOAT16 ? doubleToHalf(s[xo + i]) : (float) s[xo + i];
                            }
                        }
                        case F64 -> System.arraycopy(s, xo, y.doubles(), yo, n);
                        case I64 -> {
                            long[] d = y.longs();
                            for (int i = 0; i < n; i++) {
                                d[yo + i] = floatToInteger(s[xo + i], to);
                            }
                        }
                        case NONE -> throw new IllegalStateException();
                    }
                }
                case I64 -> {
                    long[] s = x.longs();
                    switch (to.storage()) {
                        case F32, F64 -> {
                            for (int i = 0; i < n; i++) {
                                y.setDouble(i, x.getDouble(i));
                            }
                        }
                        case I64 -> {
                            long[] d = y.longs();
                            for (int i = 0; i < n; i++) {
                                d[yo + i] = to.wrap(s[xo + i]);
                            }
                        }
                        case NONE -> throw new IllegalStateException();
                    }
                }
                case NONE -> throw new IllegalStateException();
            }
        }
    }

    static long floatToInteger(double v, DataType to) {
        if (to == DataType.BOOL) {
            return v != 0 ? 1 : 0;
        }
        if (to == DataType.UINT64 && v >= 0x1p63) {
            return (long) (v - 0x1p63) ^ Long.MIN_VALUE;
        }
        return to.wrap((long) v);
    }

    /**
     * Rounds a double to FP16 once: round to FP32 with round-to-odd (keep the sticky bit in the last
     * place), then FP32 to FP16 to nearest even; FP32's 13 extra bits make the result exact.
     */
    static float doubleToHalf(double v) {
        float f = (float) v;
        if (!Float.isInfinite(f) && (double) f != v && (Float.floatToRawIntBits(f) & 1) == 0) {
            f = (double) f < v ? Math.nextUp(f) : Math.nextDown(f);
        }
        return Float.float16ToFloat(Float.floatToFloat16(f));
    }
}
