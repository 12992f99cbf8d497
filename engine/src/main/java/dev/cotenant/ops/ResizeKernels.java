package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.List;

/** The interpolating Resize kernels: the general separable evaluator and the FP32 two-axis row kernel. */
final class ResizeKernels {

    private ResizeKernels() {}

    private static final int PARALLEL_MIN = 1 << 15;

    /**
     * Any number of resized axes, any taps, any storage: output element {@code (o0, ..., ok)} is
     * the sum over the taps of every axis of the product of their weights times the input element
     * they address, or the extrapolation value when some axis maps it outside the input. Sums are
     * in double, as the specification's formulas are; the result is converted to the element type
     * (integers truncated toward zero and saturated).
     */
    record General(TensorType out, int[] in, ResizeAxis[] plan, double extrapolation, int[][] offsets) implements BoundOp {

        General(TensorType out, int[] in, ResizeAxis[] plan, double extrapolation) {
            this(out, in, plan, extrapolation, offsets(in, plan));
        }

        private static int[][] offsets(int[] in, ResizeAxis[] plan) {
            int[] stride = Broadcast.compactStrides(in);
            int[][] off = new int[plan.length][];
            for (int d = 0; d < plan.length; d++) {
                off[d] = new int[plan[d].idx().length];
                for (int t = 0; t < off[d].length; t++) {
                    off[d][t] = plan[d].idx()[t] * stride[d];
                }
            }
            return off;
        }

        @Override
        public List<TensorType> outputTypes() {
            return List.of(out);
        }

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            Tensor x = inputs[0];
            Tensor y = outputs[0];
            int n = y.size();
            if (n < PARALLEL_MIN || workers.threads() == 1) {
                range(x, y, 0, n);
            } else {
                workers.parallelFor(n, PARALLEL_MIN / 4, (s, e) -> range(x, y, s, e));
            }
        }

        private void range(Tensor x, Tensor y, int from, int to) {
            int r = plan.length;
            int[] o = new int[r];
            int rem = from;
            for (int d = r - 1; d >= 0; d--) {
                int len = plan[d].outLen();
                o[d] = rem % len;
                rem /= len;
            }
            Object src = x.array();
            int base = x.offset();
            for (int i = from; i < to; i++) {
                boolean outside = false;
                for (int d = 0; d < r && !outside; d++) {
                    outside = plan[d].outside()[o[d]];
                }
                double v = outside ? extrapolation : value(src, base, 0, o);
                store(y, i, v);
                for (int d = r - 1; d >= 0; d--) {
                    if (++o[d] < plan[d].outLen()) {
                        break;
                    }
                    o[d] = 0;
                }
            }
        }

        private double value(Object src, int off, int d, int[] o) {
            if (d == plan.length) {
                return switch (src) {
                    case float[] f -> f[off];
                    case double[] a -> a[off];
                    case long[] l -> l[off];
                    default -> throw new IllegalStateException("unsupported storage");
                };
            }
            ResizeAxis a = plan[d];
            int t0 = a.start()[o[d]];
            int t1 = a.start()[o[d] + 1];
            double sum = 0;
            for (int t = t0; t < t1; t++) {
                sum += a.weight()[t] * value(src, off + offsets[d][t], d + 1, o);
            }
            return sum;
        }

        private static void store(Tensor y, int i, double v) {
            DataType t = y.dataType();
            if (t.storage() == DataType.Storage.I64 && t != DataType.BOOL) {
                v = saturate(t, v);
            }
            y.setDouble(i, v);
        }

        private static double saturate(DataType t, double v) {
            return switch (t) {
                case INT8 -> Math.max(-128, Math.min(127, v));
                case UINT8 -> Math.max(0, Math.min(255, v));
                case INT16 -> Math.max(-32768, Math.min(32767, v));
                case UINT16 -> Math.max(0, Math.min(65535, v));
                case INT32 -> Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
                case UINT32 -> Math.max(0, Math.min(4294967295.0, v));
                case UINT64 -> Math.max(0, v);
                default -> v;
            };
        }

        @Override
        public Cost cost() {
            long taps = 1;
            for (ResizeAxis a : plan) {
                taps *= Math.max(1, (a.idx().length + a.outLen() - 1) / Math.max(1, a.outLen()));
            }
            long n = Shape.size(out.dims());
            return new Cost(2 * n * taps, 4L * (n + Shape.size(in)));
        }
    }

    /**
     * FP32 resizing of the two innermost axes with at most two taps per index (bilinear, or
     * nearest along one of them), every other axis untouched: per output row, two input rows
     * blended with per-column index and weight tables fixed at bind time.
     */
    record Bilinear(TensorType out, int planes, int hin, int win, int hout, int wout,
                    int[] y0, int[] y1, float[] wy0, float[] wy1, int[] x0, int[] x1, float[] wx0, float[] wx1) implements BoundOp {

        static boolean fits(ResizeAxis[] plan) {
            int r = plan.length;
            if (r < 2) {
                return false;
            }
            for (int d = 0; d < r - 2; d++) {
                if (!plan[d].identity()) {
                    return false;
                }
            }
            for (int d = r - 2; d < r; d++) {
                ResizeAxis a = plan[d];
                for (int o = 0; o < a.outLen(); o++) {
                    if (a.outside()[o] || a.taps(o) > 2 || a.taps(o) < 1) {
                        return false;
                    }
                }
            }
            return true;
        }

        Bilinear(TensorType out, int[] in, ResizeAxis[] plan) {
            this(out, planes(in), in[in.length - 2], in[in.length - 1], plan[in.length - 2].outLen(), plan[in.length - 1].outLen(),
                    index(plan[in.length - 2], 0), index(plan[in.length - 2], 1), weight(plan[in.length - 2], 0), weight(plan[in.length - 2], 1),
                    index(plan[in.length - 1], 0), index(plan[in.length - 1], 1), weight(plan[in.length - 1], 0), weight(plan[in.length - 1], 1));
        }

        private static int planes(int[] in) {
            long p = 1;
            for (int d = 0; d < in.length - 2; d++) {
                p *= in[d];
            }
            return (int) p;
        }

        private static int[] index(ResizeAxis a, int tap) {
            int[] r = new int[a.outLen()];
            for (int o = 0; o < r.length; o++) {
                int t = a.start()[o] + Math.min(tap, a.taps(o) - 1);
                r[o] = a.idx()[t];
            }
            return r;
        }

        private static float[] weight(ResizeAxis a, int tap) {
            float[] r = new float[a.outLen()];
            for (int o = 0; o < r.length; o++) {
                r[o] = tap < a.taps(o) ? (float) a.weight()[a.start()[o] + tap] : 0f;
            }
            return r;
        }

        @Override
        public List<TensorType> outputTypes() {
            return List.of(out);
        }

        @Override
        public void run(Tensor[] inputs, Tensor[] outputs, Workers workers) {
            float[] src = inputs[0].floats();
            float[] dst = outputs[0].floats();
            int so = inputs[0].offset();
            int dO = outputs[0].offset();
            int rows = planes * hout;
            if ((long) rows * wout < PARALLEL_MIN || workers.threads() == 1) {
                rows(src, so, dst, dO, 0, rows);
            } else {
                workers.parallelFor(rows, Math.max(1, PARALLEL_MIN / 4 / Math.max(1, wout)), (s, e) -> rows(src, so, dst, dO, s, e));
            }
        }

        private void rows(float[] src, int so, float[] dst, int dO, int from, int to) {
            for (int row = from; row < to; row++) {
                int p = row / hout;
                int oy = row - p * hout;
                int r0 = so + (p * hin + y0[oy]) * win;
                int r1 = so + (p * hin + y1[oy]) * win;
                float a = wy0[oy];
                float b = wy1[oy];
                int d = dO + row * wout;
                for (int ox = 0; ox < wout; ox++) {
                    int i0 = x0[ox];
                    int i1 = x1[ox];
                    float c0 = wx0[ox];
                    float c1 = wx1[ox];
                    dst[d + ox] = a * (c0 * src[r0 + i0] + c1 * src[r0 + i1]) + b * (c0 * src[r1 + i0] + c1 * src[r1 + i1]);
                }
            }
        }

        @Override
        public Cost cost() {
            long n = (long) planes * hout * wout;
            return new Cost(8 * n, 4L * (n + (long) planes * hin * win));
        }
    }
}
