package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Activation;
import dev.cotenant.kernels.UnaryFunction;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * A unary elementwise operator: an activation ({@link Activation}), a math function
 * ({@link UnaryFunction}), or one of the predicates and logic (Not, IsNaN, IsInf). FP32 runs the
 * vector kernels in parallel chunks; FP16 the same, rounded; FP64 the double-precision reference;
 * integers the operators' integer semantics (Relu, Neg, Abs, Sign).
 */
final class UnaryOp implements Op {

    /** What the operator computes. */
    sealed interface Kind {
        record Act(Activation activation) implements Kind {}

        record Math(UnaryFunction function) implements Kind {}

        record Not() implements Kind {}

        record IsNaN() implements Kind {}

        record IsInf(boolean negative, boolean positive) implements Kind {}

        record Shrink(double lambd, double bias) implements Kind {}
    }

    private final String opType;

    UnaryOp(String opType) {
        this.opType = opType;
    }

    @Override
    public BoundOp bind(OpContext ctx) {
        DataType t = ctx.inputDataType(0);
        Kind kind = kind(ctx);
        boolean ok = switch (kind) {
            case Kind.Act a -> t.isFloat() || (a.activation() instanceof Activation.Relu && t.isInteger() && !t.isUnsigned());
            case Kind.Math m -> t.isFloat() || (t.isInteger() && switch (m.function()) {
                case NEG -> !t.isUnsigned();
                case ABS, SIGN -> true;
                default -> false;
            });
            case Kind.Not n -> t == DataType.BOOL;
            case Kind.IsNaN n -> t.isFloat();
            case Kind.IsInf n -> t.isFloat();
            case Kind.Shrink n -> t.isFloat() || t.isInteger();
        };
        if (!ok) {
            throw ctx.fail("type " + t.onnxName() + " is not supported");
        }
        DataType out = switch (kind) {
            case Kind.IsNaN n -> DataType.BOOL;
            case Kind.IsInf n -> DataType.BOOL;
            default -> t;
        };
        return new Bound(kind, t, new TensorType(out, ctx.inputType(0).shape()));
    }

    private Kind kind(OpContext ctx) {
        return switch (opType) {
            case "Not" -> new Kind.Not();
            case "IsNaN" -> new Kind.IsNaN();
            case "Shrink" -> new Kind.Shrink(ctx.attrFloat("lambd", 0.5f), ctx.attrFloat("bias", 0f));
            case "IsInf" -> new Kind.IsInf(ctx.attrInt("detect_negative", 1) != 0, ctx.attrInt("detect_positive", 1) != 0);
            case "Gelu" -> {
                Boolean tanh = Activation.geluTanh(ctx.attrString("approximate", "none"));
                if (tanh == null) {
                    throw ctx.fail("approximate must be 'none' or 'tanh', got '" + ctx.attrString("approximate", "") + "'");
                }
                yield new Kind.Act(new Activation.Gelu(tanh));
            }
            case "Clip" -> throw new IllegalStateException("Clip binds through UnaryClip");
            default -> {
                if (Activation.supports(opType)) {
                    yield new Kind.Act(Activation.of(opType, ctx::attrFloat));
                }
                yield new Kind.Math(UnaryFunction.valueOf(mathName(opType)));
            }
        };
    }

    private static String mathName(String opType) {
        return opType.toUpperCase(java.util.Locale.ROOT);
    }

    /** A unary operator bound to a shape. */
    static final class Bound implements BoundOp {
        private final Kind kind;
        private final DataType t;
        private final List<TensorType> outputTypes;
        private final int size;

        Bound(Kind kind, DataType t, TensorType out) {
            this.kind = kind;
            this.t = t;
            this.outputTypes = List.of(out);
            this.size = (int) out.shape().size();
        }

        @Override
        public List<TensorType> outputTypes() {
            return outputTypes;
        }

        @Override
        public Cost cost() {
            int flops = kind instanceof Kind.Act || kind instanceof Kind.Math ? 8 : 1;
            return new Cost((long) flops * size, (long) size * (t.byteSize() + outputTypes.getFirst().dataType().byteSize()));
        }

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            Tensor x = in[0];
            Tensor y = out[0];
            if (size < BinaryOp.PARALLEL_MIN || workers.threads() == 1) {
                range(x, y, 0, size);
            } else {
                workers.parallelFor(size, BinaryOp.GRAIN, (s, e) -> range(x, y, s, e));
            }
        }

        private void range(Tensor x, Tensor y, int from, int to) {
            int n = to - from;
            int xo = x.offset() + from;
            int yo = y.offset() + from;
            switch (kind) {
                case Kind.Act a -> activation(a.activation(), x, xo, y, yo, n);
                case Kind.Math m -> math(m.function(), x, xo, y, yo, n);
                case Kind.Not k -> {
                    long[] s = x.longs();
                    long[] d = y.longs();
                    for (int i = 0; i < n; i++) {
                        d[yo + i] = s[xo + i] == 0 ? 1 : 0;
                    }
                }
                case Kind.IsNaN k -> {
                    long[] d = y.longs();
                    for (int i = 0; i < n; i++) {
                        d[yo + i] = Double.isNaN(x.getDouble(from + i)) ? 1 : 0;
                    }
                }
                case Kind.Shrink k -> {
                    for (int i = 0; i < n; i++) {
                        double v = x.getDouble(from + i);
                        double r = v < -k.lambd() ? v + k.bias() : v > k.lambd() ? v - k.bias() : 0;
                        if (t.storage() == DataType.Storage.I64) {
                            y.setLong(from + i, (long) r);
                        } else {
                            y.setDouble(from + i, r);
                        }
                    }
                }
                case Kind.IsInf k -> {
                    long[] d = y.longs();
                    for (int i = 0; i < n; i++) {
                        double v = x.getDouble(from + i);
                        d[yo + i] = (k.positive() && v == Double.POSITIVE_INFINITY) || (k.negative() && v == Double.NEGATIVE_INFINITY) ? 1 : 0;
                    }
                }
            }
        }

        /** An activation over {@code n} elements: the vector kernel for FP32 and FP16, Relu for integers. */
        private void activation(Activation act, Tensor x, int xo, Tensor y, int yo, int n) {
            switch (t.storage()) {
                case F32 -> {
                    act.apply(x.floats(), xo, y.floats(), yo, n);
                    roundHalf(y, yo, n);
                }
                case F64 -> {
                    double[] s = x.doubles();
                    double[] d = y.doubles();
                    for (int i = 0; i < n; i++) {
                        d[yo + i] = act.at(s[xo + i]);
                    }
                }
                case I64 -> {
                    long[] s = x.longs();
                    long[] d = y.longs();
                    for (int i = 0; i < n; i++) {
                        d[yo + i] = Math.max(0, s[xo + i]);
                    }
                }
                case NONE -> throw new IllegalStateException();
            }
        }

        /** A math function over {@code n} elements: the vector kernel for FP32 and FP16; Neg, Abs, Sign on integers. */
        private void math(UnaryFunction f, Tensor x, int xo, Tensor y, int yo, int n) {
            switch (t.storage()) {
                case F32 -> {
                    f.apply(x.floats(), xo, y.floats(), yo, n);
                    roundHalf(y, yo, n);
                }
                case F64 -> {
                    double[] s = x.doubles();
                    double[] d = y.doubles();
                    for (int i = 0; i < n; i++) {
                        d[yo + i] = f.at(s[xo + i]);
                    }
                }
                case I64 -> {
                    long[] s = x.longs();
                    long[] d = y.longs();
                    boolean unsigned = t.isUnsigned();
                    for (int i = 0; i < n; i++) {
                        long v = s[xo + i];
                        d[yo + i] = t.wrap(switch (f) {
                            case NEG -> -v;
                            case ABS -> unsigned ? v : Math.abs(v);
                            case SIGN -> unsigned ? (v != 0 ? 1 : 0) : Long.signum(v);
                            default -> throw new IllegalStateException(f + " on integers");
                        });
                    }
                }
                case NONE -> throw new IllegalStateException();
            }
        }

        private void roundHalf(Tensor y, int yo, int n) {
            if (t == DataType.FLOAT16) {
                float[] d = y.floats();
                for (int i = 0; i < n; i++) {
                    d[yo + i] = DataType.FLOAT16.round(d[yo + i]);
                }
            }
        }
    }
}
