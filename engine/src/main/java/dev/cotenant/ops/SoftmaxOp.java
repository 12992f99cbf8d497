package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.SoftmaxKernels;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * Softmax, LogSoftmax and Hardmax (1 at the first maximum, 0 elsewhere). Before opset 13 the input is coerced to 2-D at {@code axis} (default 1)
 * and normalised over the whole second part; from 13 it is normalised along the single
 * {@code axis} (default -1). Both become (outer, n, inner): rows of n with stride inner. Rows that
 * are contiguous (inner = 1, the usual last axis) run the vector kernel; strided ones a scalar loop.
 */
final class SoftmaxOp implements Op {

    enum Mode { SOFTMAX, LOG_SOFTMAX, HARDMAX }

    private final Mode mode;

    SoftmaxOp(Mode mode) {
        this.mode = mode;
    }

    @Override
    public BoundOp bind(OpContext ctx) {
        TensorType type = ctx.inputType(0);
        DataType t = type.dataType();
        if (!t.isFloat() && !(mode == Mode.HARDMAX && t.storage() == DataType.Storage.I64 && t != DataType.BOOL)) {
            throw ctx.fail("type " + t.onnxName() + " is not supported");
        }
        int[] s = type.dims();
        int rank = s.length;
        int outer = 1;
        int n = 1;
        int inner = 1;
        if (ctx.opset() < 13) {
            int axis = rank == 0 ? 0 : ctx.axis(ctx.attrInt("axis", 1), rank, "axis");
            for (int d = 0; d < rank; d++) {
                if (d < axis) {
                    outer *= s[d];
                } else {
                    n *= s[d];
                }
            }
        } else {
            if (rank == 0) {
                throw ctx.fail("input must have rank at least 1");
            }
            int axis = ctx.axis(ctx.attrInt("axis", -1), rank, "axis");
            for (int d = 0; d < rank; d++) {
                if (d < axis) {
                    outer *= s[d];
                } else if (d == axis) {
                    n = s[d];
                } else {
                    inner *= s[d];
                }
            }
        }
        return new Bound(mode, mode == Mode.LOG_SOFTMAX, type, outer, n, inner);
    }

    private record Bound(Mode mode, boolean log, TensorType type, int outer, int n, int inner) implements BoundOp {

        @Override
        public List<TensorType> outputTypes() {
            return List.of(type);
        }

        @Override
        public Cost cost() {
            long size = (long) outer * n * inner;
            return new Cost(12 * size, 2 * size * type.dataType().byteSize());
        }

        /** Column tiles of the strided FP32 path: wide enough to vectorise, small enough for cache. */
        static final int TILE = 256;

        private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[2 * TILE]);

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            Tensor x = in[0];
            Tensor y = out[0];
            boolean parallel = (long) outer * n * inner >= BinaryOp.PARALLEL_MIN && workers.threads() > 1;
            if (mode == Mode.HARDMAX) {
                hard(x, y);
                return;
            }
            if (type.dataType() == DataType.FLOAT && inner > 1) {
                int tiles = (inner + TILE - 1) / TILE;
                int units = outer * tiles;
                if (parallel && units > 1) {
                    workers.parallelFor(units, 1, (s, e) -> tiles(x, y, tiles, s, e));
                } else {
                    tiles(x, y, tiles, 0, units);
                }
                return;
            }
            int rows = outer * inner;
            if (!parallel || rows == 1) {
                rows(x, y, 0, rows);
            } else {
                workers.parallelFor(rows, Math.max(1, BinaryOp.GRAIN / Math.max(1, n)), (s, e) -> rows(x, y, s, e));
            }
        }

        /** Units {@code [u0, u1)}, unit u being column tile u % tiles of outer block u / tiles. */
        private void tiles(Tensor x, Tensor y, int tiles, int u0, int u1) {
            float[] scratch = SCRATCH.get();
            for (int u = u0; u < u1; u++) {
                int o = u / tiles;
                int j0 = (u - o * tiles) * TILE;
                int width = Math.min(TILE, inner - j0);
                int start = o * n * inner + j0;
                SoftmaxKernels.columns(x.floats(), x.offset() + start, y.floats(), y.offset() + start, n, inner, width, log, scratch);
            }
        }

        /** Rows {@code [r0, r1)}, row r being outer index r / inner, inner index r % inner. */
        private void rows(Tensor x, Tensor y, int r0, int r1) {
            DataType t = type.dataType();
            for (int r = r0; r < r1; r++) {
                int o = r / inner;
                int j = r - o * inner;
                int start = o * n * inner + j;
                if (t == DataType.FLOAT && inner == 1) {
                    SoftmaxKernels.row(x.floats(), x.offset() + start, y.floats(), y.offset() + start, n, log);
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    max = Math.max(max, x.getDouble(start + k * inner));
                }
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += Math.exp(x.getDouble(start + k * inner) - max);
                }
                double logSum = Math.log(sum);
                for (int k = 0; k < n; k++) {
                    int idx = start + k * inner;
                    double v = x.getDouble(idx) - max;
                    y.setDouble(idx, log ? v - logSum : Math.exp(v) / sum);
                }
            }
        }

        private void hard(Tensor x, Tensor y) {
            for (int r = 0; r < outer * inner; r++) {
                int o = r / inner;
                int start = o * n * inner + (r - o * inner);
                int best = 0;
                for (int k = 1; k < n; k++) {
                    if (x.getDouble(start + k * inner) > x.getDouble(start + best * inner)) {
                        best = k;
                    }
                }
                for (int k = 0; k < n; k++) {
                    y.setLong(start + k * inner, k == best ? 1 : 0);
                }
            }
        }
    }
}
