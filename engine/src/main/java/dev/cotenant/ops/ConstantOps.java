package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.Arrays;
import java.util.List;

/** Constant (one of its value attributes) and ConstantOfShape (a shape filled with one value). */
final class ConstantOps {

    private ConstantOps() {}

    static BoundOp constant(OpContext ctx) {
        String[] kinds = {"value", "value_float", "value_floats", "value_int", "value_ints", "value_string", "value_strings", "sparse_value"};
        String given = null;
        for (String k : kinds) {
            if (ctx.hasAttribute(k)) {
                if (given != null) {
                    throw ctx.fail("has both '" + given + "' and '" + k + "'; exactly one value attribute is allowed");
                }
                given = k;
            }
        }
        if (given == null) {
            throw ctx.fail("needs one of the attributes " + String.join(", ", kinds));
        }
        Tensor value = switch (given) {
            case "value" -> ctx.attrTensor("value");
            case "value_float" -> Tensor.scalar(ctx.attrFloat("value_float", 0f));
            case "value_floats" -> {
                float[] f = ctx.attrFloats("value_floats");
                yield Tensor.of(f, f.length);
            }
            case "value_int" -> Tensor.scalar(ctx.attrInt("value_int", 0));
            case "value_ints" -> {
                long[] v = ctx.attrInts("value_ints");
                yield Tensor.ofLongs(DataType.INT64, v, v.length);
            }
            case "value_string", "value_strings" -> throw ctx.fail("string constants are not supported (attribute '" + given + "')");
            default -> throw ctx.fail("sparse constants are not supported (attribute '" + given + "')");
        };
        if (value == null) {
            throw ctx.fail("attribute 'value' holds no tensor");
        }
        return new Fixed(value);
    }

    static BoundOp constantOfShape(OpContext ctx) {
        Tensor shape = ctx.requireValue(0, "shape");
        if (shape.rank() > 1) {
            throw ctx.fail("shape must be a 1-D tensor, got rank " + shape.rank());
        }
        long[] s = shape.toLongArray();
        int[] dims = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0) {
                throw ctx.fail("shape " + Arrays.toString(s) + " has a negative dim");
            }
            dims[i] = Math.toIntExact(s[i]);
        }
        Tensor v = ctx.attrTensor("value");
        if (v != null && v.size() != 1) {
            throw ctx.fail("attribute 'value' must hold one element, it holds " + v.size());
        }
        DataType type = v == null ? DataType.FLOAT : v.dataType();
        return new Filled(new TensorType(type, dev.cotenant.ir.Shape.of(dims)), v == null ? 0 : v.getDouble(0), v == null ? 0 : v.getLong(0));
    }

    /** Writes a tensor fixed at bind time. */
    private record Fixed(Tensor value) implements BoundOp {

        @Override
        public List<TensorType> outputTypes() {
            return List.of(value.type());
        }

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            value.copyInto(outputs[0]);
        }
    }

    /** Fills the output with one value (exact for 64-bit integers). */
    private record Filled(TensorType out, double value, long bits) implements BoundOp {

        @Override
        public List<TensorType> outputTypes() {
            return List.of(out);
        }

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            Tensor o = outputs[0];
            int n = o.size();
            switch (o.array()) {
                case float[] f -> Arrays.fill(f, o.offset(), o.offset() + n, (float) value);
                case double[] d -> Arrays.fill(d, o.offset(), o.offset() + n, value);
                case long[] l -> Arrays.fill(l, o.offset(), o.offset() + n, bits);
                default -> throw new IllegalStateException("unsupported storage");
            }
        }
    }
}
