package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.BinaryFloatKernels;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * A binary elementwise operator with multidirectional (numpy) broadcasting: arithmetic, comparison
 * and logic. FP32 with a vector kernel is the fast path; every other type runs a per-storage loop.
 * Before opset 7 the ONNX operators broadcast only the right operand, optionally aligned at
 * {@code axis}; that is mapped onto numpy broadcasting by padding the right shape.
 */
final class BinaryOp implements Op {

    /** Elements below which an operator runs on the calling thread only. */
    static final int PARALLEL_MIN = 1 << 15;
    static final int GRAIN = 1 << 13;
    /** Rows at most this long run through {@link BinaryFloatKernels#applyRows}, not one call each. */
    static final int SHORT_ROW = 64;

    private final BinaryFn fn;
    private final boolean sameTypes;
    private final boolean unidirectional;

    /**
     * @param sameTypes whether both inputs must have one type (all but Pow)
     * @param unidirectional whether the output takes the first input's shape (PRelu)
     */
    BinaryOp(BinaryFn fn, boolean sameTypes, boolean unidirectional) {
        this.fn = fn;
        this.sameTypes = sameTypes;
        this.unidirectional = unidirectional;
    }

    @Override
    public BoundOp bind(OpContext ctx) {
        DataType ta = ctx.inputDataType(0);
        DataType tb = ctx.inputDataType(1);
        if (sameTypes && ta != tb) {
            throw ctx.fail("inputs have different types " + ta.onnxName() + " and " + tb.onnxName());
        }
        check(ctx, ta);
        check(ctx, tb);
        int[] sa = ctx.inputShape(0);
        int[] sb = legacyRightShape(ctx, sa, ctx.inputShape(1));
        int[] out = Broadcast.shape(sa, sb);
        if (out == null || (unidirectional && !java.util.Arrays.equals(out, sa))) {
            throw ctx.fail("shapes " + Shape.of(sa) + " and " + Shape.of(ctx.inputShape(1)) + " do not broadcast"
                    + (unidirectional ? " to the first" : ""));
        }
        DataType to = fn.compares() ? DataType.BOOL : ta;
        return new Bound(fn, ElementwiseLayout.of(out, sa, sb), ta, tb, to);
    }

    private void check(OpContext ctx, DataType t) {
        boolean ok = switch (fn) {
            case AND, OR, XOR -> t == DataType.BOOL;
            case BITWISE_AND, BITWISE_OR, BITWISE_XOR -> t.isInteger();
            case SHIFT_LEFT, SHIFT_RIGHT -> t.isUnsigned();
            case EQUAL -> true;
            default -> t != DataType.BOOL;
        };
        if (!ok || !t.supported()) {
            throw ctx.fail("type " + t.onnxName() + " is not supported");
        }
    }

    /** Before opset 7, B broadcasts to A only, at {@code axis} when given (else right-aligned). */
    static int[] legacyRightShape(OpContext ctx, int[] a, int[] b) {
        if (ctx.opset() >= 7 || ctx.attrInt("broadcast", 0) == 0 || !ctx.hasAttribute("axis")) {
            return b;
        }
        int axis = ctx.axis(ctx.attrInt("axis", 0), Math.max(1, a.length), "axis");
        if (axis + b.length > a.length) {
            throw ctx.fail("shape " + Shape.of(b) + " does not fit at axis " + axis + " of " + Shape.of(a));
        }
        int[] r = new int[a.length - axis];
        java.util.Arrays.fill(r, 1);
        System.arraycopy(b, 0, r, 0, b.length);
        return r;
    }

    /** A binary elementwise operator bound to shapes; also a step of the variadic operators. */
    static final class Bound implements BoundOp {

        private final BinaryFn fn;
        private final BinaryFloatKernels.Fn fast;
        private final ElementwiseLayout layout;
        private final DataType ta;
        private final DataType tb;
        private final DataType tOut;
        private final List<TensorType> outputTypes;

        Bound(BinaryFn fn, ElementwiseLayout layout, DataType ta, DataType tb, DataType to) {
            this.fn = fn;
            this.layout = layout;
            this.ta = ta;
            this.tb = tb;
            this.tOut = to;
            this.fast = ta == tb && ta.storage() == DataType.Storage.F32 ? fn.fast() : null;
            this.outputTypes = List.of(new TensorType(tOut, Shape.of(layout.outShape)));
        }

        @Override
        public List<TensorType> outputTypes() {
            return outputTypes;
        }

        @Override
        public Cost cost() {
            long n = layout.size;
            return new Cost(n, n * ((long) ta.byteSize() + tb.byteSize() + tOut.byteSize()));
        }

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            run(in[0], in[1], out[0], workers);
        }

        void run(Tensor a, Tensor b, Tensor o, Workers workers) {
            int n = layout.size;
            if (n < PARALLEL_MIN || workers.threads() == 1) {
                range(a, b, o, 0, n);
            } else {
                workers.parallelFor(n, GRAIN, (s, e) -> range(a, b, o, s, e));
            }
        }

        /** Output elements {@code [start, end)}, row by row. */
        private void range(Tensor a, Tensor b, Tensor o, int start, int end) {
            int inner = layout.inner;
            if (inner == 0) {
                return;
            }
            int row = start / inner;
            int from = start - row * inner;
            if (fast != null && tOut == DataType.FLOAT && inner <= SHORT_ROW) {
                shortRows(a, b, o, row, from, start, end);
                return;
            }
            while (start < end) {
                int to = Math.min(inner, from + (end - start));
                segment(a, b, o, row, from, to);
                start += to - from;
                row++;
                from = 0;
            }
        }

        /** As {@link #range} for short FP32 rows: a partial row at each end, whole rows in one call between. */
        private void shortRows(Tensor a, Tensor b, Tensor o, int row, int from, int start, int end) {
            int inner = layout.inner;
            if (from > 0) {
                int to = Math.min(inner, from + (end - start));
                segment(a, b, o, row, from, to);
                start += to - from;
                row++;
            }
            int whole = (end - start) / inner;
            BinaryFloatKernels.applyRows(fast, a.floats(), a.offset(), layout.innerStride[0], layout.rowOffset[0],
                    b.floats(), b.offset(), layout.innerStride[1], layout.rowOffset[1], o.floats(), o.offset(), inner,
                    row, row + whole);
            start += whole * inner;
            row += whole;
            if (start < end) {
                segment(a, b, o, row, 0, end - start);
            }
        }

        private void segment(Tensor a, Tensor b, Tensor o, int row, int from, int to) {
            int as = layout.innerStride[0];
            int bs = layout.innerStride[1];
            int ai = layout.rowOffset[0][row] + from * as;
            int bi = layout.rowOffset[1][row] + from * bs;
            int oi = row * layout.inner + from;
            int n = to - from;
            int ao = a.offset() + ai;
            int bo = b.offset() + bi;
            int oo = o.offset() + oi;
            if (fast != null) {
                float[] of = o.floats();
                BinaryFloatKernels.apply(fast, a.floats(), ao, as, b.floats(), bo, bs, of, oo, n);
                if (tOut == DataType.FLOAT16) {
                    for (int i = 0; i < n; i++) {
                        of[oo + i] = DataType.FLOAT16.round(of[oo + i]);
                    }
                }
                return;
            }
            if (ta != tb) {
                mixed(a, b, o, ai, as, bi, bs, oi, n);
                return;
            }
            switch (ta.storage()) {
                case F32 -> {
                    float[] af = a.floats();
                    float[] bf = b.floats();
                    if (fn.compares()) {
                        long[] ol = o.longs();
                        for (int i = 0; i < n; i++) {
                            ol[oo + i] = (long) fn.onDouble(af[ao + i * as], bf[bo + i * bs]);
                        }
                    } else {
                        float[] of = o.floats();
                        for (int i = 0; i < n; i++) {
                            of[oo + i] = tOut.round((float) fn.onDouble(af[ao + i * as], bf[bo + i * bs]));
                        }
                    }
                }
                case F64 -> {
                    double[] ad = a.doubles();
                    double[] bd = b.doubles();
                    if (fn.compares()) {
                        long[] ol = o.longs();
                        for (int i = 0; i < n; i++) {
                            ol[oo + i] = (long) fn.onDouble(ad[ao + i * as], bd[bo + i * bs]);
                        }
                    } else {
                        double[] od = o.doubles();
                        for (int i = 0; i < n; i++) {
                            od[oo + i] = fn.onDouble(ad[ao + i * as], bd[bo + i * bs]);
                        }
                    }
                }
                case I64 -> {
                    long[] al = a.longs();
                    long[] bl = b.longs();
                    long[] ol = o.longs();
                    for (int i = 0; i < n; i++) {
                        ol[oo + i] = tOut.wrap(fn.onLong(al[ao + i * as], bl[bo + i * bs], ta));
                    }
                }
                case NONE -> throw new IllegalStateException("unsupported type " + ta);
            }
        }

        /** Inputs of different types (Pow's base and exponent): generic accessors, result in A's type. */
        private void mixed(Tensor a, Tensor b, Tensor o, int ai, int as, int bi, int bs, int oi, int n) {
            for (int i = 0; i < n; i++) {
                int x = ai + i * as;
                int y = bi + i * bs;
                if (tOut.storage() == DataType.Storage.I64 && tb.storage() == DataType.Storage.I64) {
                    o.setLong(oi + i, fn.onLong(a.getLong(x), b.getLong(y), ta));
                } else if (tOut.storage() == DataType.Storage.I64) {
                    o.setLong(oi + i, (long) fn.onDouble(a.getDouble(x), b.getDouble(y)));
                } else {
                    o.setDouble(oi + i, fn.onDouble(a.getDouble(x), b.getDouble(y)));
                }
            }
        }
    }
}
