package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * Range: {@code max(ceil((limit - start) / delta), 0)} elements {@code start + i * delta}. Integer
 * types are computed exactly in 64 bits, floating types in double and rounded to the type.
 */
final class RangeOp {

    private RangeOp() {}

    static BoundOp bind(OpContext ctx) {
        DataType t = ctx.inputDataType(0);
        for (int i = 1; i < 3; i++) {
            if (ctx.inputDataType(i) != t) {
                throw ctx.fail("start, limit and delta must have one type; input " + i + " is " + ctx.inputDataType(i).onnxName() + ", start is " + t.onnxName());
            }
        }
        Tensor start = ctx.requireValue(0, "start");
        Tensor limit = ctx.requireValue(1, "limit");
        Tensor delta = ctx.requireValue(2, "delta");
        for (Tensor s : new Tensor[] {start, limit, delta}) {
            if (s.size() != 1) {
                throw ctx.fail("start, limit and delta must be scalars");
            }
        }
        long n;
        if (t.isFloat()) {
            double s = start.getDouble(0);
            double l = limit.getDouble(0);
            double d = delta.getDouble(0);
            if (d == 0) {
                throw ctx.fail("delta is 0");
            }
            double c = Math.ceil((l - s) / d);
            if (!(c < Integer.MAX_VALUE)) {
                throw ctx.fail("range of " + c + " elements is too large");
            }
            n = Math.max(0, (long) c);
        } else {
            long s = start.getLong(0);
            long l = limit.getLong(0);
            long d = delta.getLong(0);
            if (d == 0) {
                throw ctx.fail("delta is 0");
            }
            long span = l - s;
            n = d > 0 ? Math.max(0, Math.ceilDiv(span, d)) : Math.max(0, Math.ceilDiv(-span, -d));
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw ctx.fail("range of " + n + " elements is too large");
        }
        Tensor out = Tensor.allocate(t, (int) n);
        for (int i = 0; i < n; i++) {
            if (t.isFloat()) {
                out.setDouble(i, start.getDouble(0) + i * delta.getDouble(0));
            } else {
                out.setLong(i, start.getLong(0) + i * delta.getLong(0));
            }
        }
        return new Bound(out);
    }

    private record Bound(Tensor value) implements BoundOp {

        @Override
        public List<TensorType> outputTypes() {
            return List.of(value.type());
        }

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            value.copyInto(outputs[0]);
        }
    }
}
