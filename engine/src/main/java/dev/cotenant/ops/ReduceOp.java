package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.ReduceKernels;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * The Reduce* operators. Axes are an attribute before the opset where they became an input (13 for
 * ReduceSum, 18 for the others); an empty or absent axes list reduces everything, or nothing when
 * {@code noop_with_empty_axes} is set. Reducing an empty set gives the operation's identity (0 for
 * sums, -inf or the type's least value for Max, NaN for Mean).
 *
 * <p>At bind time the dimensions are collapsed into groups of kept and reduced axes. When the
 * reduced axes form one block, FP32 runs the vector kernels: over a contiguous row when the block
 * is last, else across rows into the output. Every other case (and every other type) uses two
 * offset tables (output element to its first input element; reduced position to its offset) and
 * reduces in double or long precision.
 */
final class ReduceOp implements Op {

    enum Kind { SUM, MEAN, MAX, MIN, PROD, L1, L2, SUM_SQUARE, LOG_SUM, LOG_SUM_EXP }

    private final Kind kind;
    private final int axesInputSince;

    ReduceOp(Kind kind, int axesInputSince) {
        this.kind = kind;
        this.axesInputSince = axesInputSince;
    }

    @Override
    public BoundOp bind(OpContext ctx) {
        DataType t = ctx.inputDataType(0);
        boolean boolOk = t == DataType.BOOL && (kind == Kind.MAX || kind == Kind.MIN);
        if (!t.supported() || (t == DataType.BOOL && !boolOk)) {
            throw ctx.fail("type " + t.onnxName() + " is not supported");
        }
        int[] in = ctx.inputShape(0);
        int rank = in.length;
        long[] axes;
        if (ctx.opset() >= axesInputSince) {
            axes = ctx.hasInput(1) ? ctx.requireValue(1, "axes").toLongArray() : null;
        } else {
            axes = ctx.attrInts("axes");
        }
        boolean keep = ctx.attrInt("keepdims", 1) != 0;
        boolean[] reduced = new boolean[rank];
        if (axes == null || axes.length == 0) {
            boolean noop = ctx.attrInt("noop_with_empty_axes", 0) != 0;
            java.util.Arrays.fill(reduced, !noop);
        } else {
            for (long a : axes) {
                int ax = ctx.axis(a, rank, "axis");
                if (reduced[ax]) {
                    throw ctx.fail("axis " + a + " is listed twice");
                }
                reduced[ax] = true;
            }
        }
        int outRank = 0;
        for (int d = 0; d < rank; d++) {
            if (keep || !reduced[d]) {
                outRank++;
            }
        }
        int[] out = new int[outRank];
        int k = 0;
        for (int d = 0; d < rank; d++) {
            if (!reduced[d]) {
                out[k++] = in[d];
            } else if (keep) {
                out[k++] = 1;
            }
        }
        DataType ot = t;
        return new Bound(kind, t, new TensorType(ot, Shape.of(out)), in, reduced);
    }

    private static final class Bound implements BoundOp {
        private final Kind kind;
        private final DataType t;
        private final List<TensorType> outputTypes;
        private final int outSize;
        private final int count;
        /** Fast-path geometry: outer x count x inner, or -1 when the reduced axes are not one block. */
        private final int outer;
        private final int inner;
        private final ReduceKernels.Combine combine;
        /** Generic tables. */
        private final int[] base;
        private final int[] offsets;

        Bound(Kind kind, DataType t, TensorType out, int[] in, boolean[] reduced) {
            this.kind = kind;
            this.t = t;
            this.outputTypes = List.of(out);
            this.outSize = (int) out.shape().size();
            int c = 1;
            for (int d = 0; d < in.length; d++) {
                if (reduced[d]) {
                    c *= in[d];
                }
            }
            this.count = c;
            // one block of reduced axes? (size-1 axes do not matter)
            int first = -1;
            int last = -1;
            boolean block = true;
            for (int d = 0; d < in.length; d++) {
                if (reduced[d] && in[d] != 1) {
                    if (first < 0) {
                        first = d;
                    } else if (last != d - 1) {
                        for (int e = last + 1; e < d; e++) {
                            block &= in[e] == 1;
                        }
                    }
                    last = d;
                }
            }
            ReduceKernels.Combine comb = switch (kind) {
                case SUM, MEAN -> ReduceKernels.Combine.SUM;
                case MAX -> ReduceKernels.Combine.MAX;
                case MIN -> ReduceKernels.Combine.MIN;
                case SUM_SQUARE, L2 -> ReduceKernels.Combine.SUM_SQUARE;
                default -> null;
            };
            if (block && comb != null && t == DataType.FLOAT && c > 0) {
                int o = 1;
                int i = 1;
                for (int d = 0; d < in.length; d++) {
                    if (first >= 0 && d < first) {
                        o *= in[d];
                    } else if (first < 0 || d > last) {
                        i *= in[d];
                    }
                }
                this.outer = first < 0 ? 1 : o;
                this.inner = i;
                this.combine = comb;
                this.base = null;
                this.offsets = null;
            } else {
                this.outer = -1;
                this.inner = -1;
                this.combine = null;
                int[] st = Broadcast.compactStrides(in);
                this.base = new int[outSize];
                this.offsets = new int[c];
                fillTable(base, in, st, reduced, false);
                fillTable(offsets, in, st, reduced, true);
            }
        }

        /** Offsets of every combination of the dims with {@code reduced[d] == which}, row-major. */
        private static void fillTable(int[] table, int[] in, int[] st, boolean[] reduced, boolean which) {
            if (table.length == 0) {
                return;
            }
            int rank = in.length;
            int[] counter = new int[rank];
            int off = 0;
            for (int i = 0; i < table.length; i++) {
                table[i] = off;
                for (int d = rank - 1; d >= 0; d--) {
                    if (reduced[d] != which) {
                        continue;
                    }
                    counter[d]++;
                    off += st[d];
                    if (counter[d] < in[d]) {
                        break;
                    }
                    off -= st[d] * in[d];
                    counter[d] = 0;
                }
            }
        }

        @Override
        public List<TensorType> outputTypes() {
            return outputTypes;
        }

        @Override
        public Cost cost() {
            long n = (long) outSize * count;
            return new Cost(n, (n + outSize) * t.byteSize());
        }

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            Tensor x = in[0];
            Tensor y = out[0];
            long work = (long) outSize * count;
            boolean parallel = work >= BinaryOp.PARALLEL_MIN && workers.threads() > 1;
            if (combine != null) {
                int units = outer;
                if (parallel && units > 1) {
                    workers.parallelFor(units, 1, (s, e) -> fast(x, y, s, e));
                } else {
                    fast(x, y, 0, units);
                }
            } else if (parallel && outSize > 1) {
                workers.parallelFor(outSize, Math.max(1, BinaryOp.GRAIN / Math.max(1, count)), (s, e) -> generic(x, y, s, e));
            } else {
                generic(x, y, 0, outSize);
            }
        }

        private void fast(Tensor x, Tensor y, int o0, int o1) {
            float[] a = x.floats();
            float[] r = y.floats();
            for (int o = o0; o < o1; o++) {
                int from = x.offset() + o * count * inner;
                int yo = y.offset() + o * inner;
                if (inner == 1) {
                    r[yo] = ReduceKernels.row(combine, a, from, count);
                } else {
                    ReduceKernels.accumulate(combine, a, from, count, inner, r, yo, inner);
                }
                if (kind == Kind.MEAN || kind == Kind.L2) {
                    for (int j = 0; j < inner; j++) {
                        r[yo + j] = kind == Kind.MEAN ? r[yo + j] / count : (float) Math.sqrt(r[yo + j]);
                    }
                }
            }
        }

        private void generic(Tensor x, Tensor y, int o0, int o1) {
            switch (t.storage()) {
                case F32, F64 -> {
                    for (int o = o0; o < o1; o++) {
                        y.setDouble(o, reduceFloat(x, base[o]));
                    }
                }
                case I64 -> {
                    long[] a = x.longs();
                    long[] r = y.longs();
                    for (int o = o0; o < o1; o++) {
                        r[y.offset() + o] = t.wrap(reduceLong(a, x.offset() + base[o]));
                    }
                }
                case NONE -> throw new IllegalStateException();
            }
        }

        private double reduceFloat(Tensor x, int b) {
            double acc = switch (kind) {
                case MAX, LOG_SUM_EXP -> Double.NEGATIVE_INFINITY;
                case MIN -> Double.POSITIVE_INFINITY;
                case PROD -> 1;
                default -> 0;
            };
            for (int r = 0; r < count; r++) {
                double v = x.getDouble(b + offsets[r]);
                acc = switch (kind) {
                    case SUM, MEAN, LOG_SUM -> acc + v;
                    case MAX, LOG_SUM_EXP -> Math.max(acc, v);
                    case MIN -> Math.min(acc, v);
                    case PROD -> acc * v;
                    case L1 -> acc + Math.abs(v);
                    case L2, SUM_SQUARE -> acc + v * v;
                };
            }
            return switch (kind) {
                case MEAN -> acc / count;
                case L2 -> Math.sqrt(acc);
                case LOG_SUM -> Math.log(acc);
                case LOG_SUM_EXP -> {
                    if (Double.isInfinite(acc)) {
                        yield acc;
                    }
                    double s = 0;
                    for (int r = 0; r < count; r++) {
                        s += Math.exp(x.getDouble(b + offsets[r]) - acc);
                    }
                    yield acc + Math.log(s);
                }
                default -> acc;
            };
        }

        private long reduceLong(long[] a, int b) {
            boolean u = t == DataType.UINT64;
            long acc = switch (kind) {
                case MAX -> lowest(t);
                case MIN -> highest(t);
                case PROD -> 1;
                default -> 0;
            };
            double sum = 0;
            for (int r = 0; r < count; r++) {
                long v = a[b + offsets[r]];
                switch (kind) {
                    case SUM, L1, SUM_SQUARE, L2, LOG_SUM, LOG_SUM_EXP, MEAN -> {
                        long m = kind == Kind.L1 ? Math.abs(v) : (kind == Kind.SUM_SQUARE || kind == Kind.L2) ? v * v : v;
                        acc += m;
                        sum += kind == Kind.LOG_SUM_EXP ? Math.exp(v) : m;
                    }
                    case MAX -> acc = (u ? Long.compareUnsigned(v, acc) : Long.compare(v, acc)) > 0 ? v : acc;
                    case MIN -> acc = (u ? Long.compareUnsigned(v, acc) : Long.compare(v, acc)) < 0 ? v : acc;
                    case PROD -> acc *= v;
                }
            }
            return switch (kind) {
                case MEAN -> count == 0 ? 0 : (long) (sum / count);
                case L2 -> (long) Math.sqrt(sum);
                case LOG_SUM, LOG_SUM_EXP -> (long) Math.log(sum);
                default -> acc;
            };
        }

        private static long lowest(DataType t) {
            return switch (t) {
                case INT8 -> Byte.MIN_VALUE;
                case INT16 -> Short.MIN_VALUE;
                case INT32 -> Integer.MIN_VALUE;
                case INT64 -> Long.MIN_VALUE;
                default -> 0;
            };
        }

        private static long highest(DataType t) {
            return switch (t) {
                case INT8 -> Byte.MAX_VALUE;
                case UINT8 -> 0xFF;
                case INT16 -> Short.MAX_VALUE;
                case UINT16 -> 0xFFFF;
                case INT32 -> Integer.MAX_VALUE;
                case UINT32 -> 0xFFFF_FFFFL;
                case INT64 -> Long.MAX_VALUE;
                case UINT64 -> -1L;
                case BOOL -> 1;
                default -> 0;
            };
        }
    }
}
