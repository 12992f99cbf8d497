package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.ArrayList;
import java.util.List;

/**
 * MaxPool, AveragePool, GlobalMaxPool and GlobalAveragePool, every version, over 1 to 3 spatial
 * axes (fewer axes are padded out to three of size 1, so one loop nest serves all).
 *
 * <p>For every output coordinate along each axis, the range of kernel taps that land inside the
 * input is computed once at bind time, so the inner loops carry no bounds tests; the divisor of
 * an average (taps inside the input, or inside the padded input with {@code count_include_pad})
 * is a product of per-axis counts computed at the same time.
 */
final class PoolOp {

    enum Kind { MAX, AVERAGE }

    private PoolOp() {}

    /** Per-axis tables: the first tap, the end of the taps and the tap count for each output position. */
    private record Axis(int in, int out, int k, int stride, int dilation, int pad, int[] lo, int[] hi, int[] padded,
                        int[] tapLo, int[] tapHi) {

        static Axis of(int in, int out, int k, int s, int d, int pb, int pe) {
            int[] lo = new int[out];
            int[] hi = new int[out];
            int[] padded = new int[out];
            for (int o = 0; o < out; o++) {
                int start = o * s - pb;
                int l = 0;
                while (l < k && start + l * d < 0) {
                    l++;
                }
                int h = k;
                while (h > l && start + (h - 1) * d >= in) {
                    h--;
                }
                lo[o] = l;
                hi[o] = h;
                int c = 0;
                for (int t = 0; t < k; t++) {
                    int p = start + t * d;
                    if (p >= -pb && p < in + pe) {
                        c++;
                    }
                }
                padded[o] = c;
            }
            // For each tap, the output positions whose input position is inside the input.
            int[] tapLo = new int[k];
            int[] tapHi = new int[k];
            for (int t = 0; t < k; t++) {
                int shift = t * d - pb;
                int l = shift >= 0 ? 0 : (-shift + s - 1) / s;
                int h = in - 1 - shift < 0 ? 0 : (in - 1 - shift) / s + 1;
                tapLo[t] = Math.min(l, out);
                tapHi[t] = Math.max(tapLo[t], Math.min(h, out));
            }
            return new Axis(in, out, k, s, d, pb, lo, hi, padded, tapLo, tapHi);
        }

        static Axis unit() {
            return new Axis(1, 1, 1, 1, 1, 0, new int[] {0}, new int[] {1}, new int[] {1}, new int[] {0}, new int[] {1});
        }
    }

    static BoundOp bind(OpContext ctx, Kind kind, boolean global) {
        TensorType xt = ctx.inputType(0);
        if (xt.dataType() != DataType.FLOAT) {
            throw ctx.fail("unsupported input type " + xt.dataType().onnxName());
        }
        int[] x = xt.dims();
        int r = x.length - 2;
        if (r < 1 || r > 3) {
            throw ctx.fail("input " + xt + " must have 1 to 3 spatial axes");
        }
        int[] in = java.util.Arrays.copyOfRange(x, 2, x.length);
        ConvGeometry g;
        if (global) {
            g = new ConvGeometry(in, in.clone(), ones(r), ones(r), new int[r], new int[r], ones(r));
        } else {
            long[] ks = ctx.attrInts("kernel_shape");
            if (ks == null || ks.length != r) {
                throw ctx.fail("kernel_shape must give " + r + " values");
            }
            int[] kernel = new int[r];
            for (int d = 0; d < r; d++) {
                kernel[d] = Math.toIntExact(ks[d]);
            }
            g = ConvGeometry.of(ctx, in, kernel, ctx.attrInt("ceil_mode", 0) != 0);
        }
        Axis[] axes = new Axis[3];
        for (int d = 0; d < 3; d++) {
            int a = d - (3 - r);
            axes[d] = a < 0 ? Axis.unit() : Axis.of(in[a], g.out()[a], g.kernel()[a], g.strides()[a], g.dilations()[a],
                    g.padsBegin()[a], g.padsEnd()[a]);
        }
        int[] out = x.clone();
        System.arraycopy(g.out(), 0, out, 2, r);
        List<TensorType> types = new ArrayList<>();
        types.add(TensorType.of(DataType.FLOAT, out));
        if (kind == Kind.MAX && !global) {
            types.add(TensorType.of(DataType.INT64, out));
        }
        boolean includePad = ctx.attrInt("count_include_pad", 0) != 0;
        boolean columnMajor = ctx.attrInt("storage_order", 0) != 0;
        long window = g.kernelSize();
        long outSize = TensorType.of(DataType.FLOAT, out).shape().size();
        Cost cost = new Cost(outSize * window, 4L * (xt.shape().size() + outSize));
        return new Bound(List.copyOf(types), kind, axes, x[0] * x[1], includePad, columnMajor, cost);
    }

    private static int[] ones(int r) {
        int[] a = new int[r];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    private record Bound(List<TensorType> outputTypes, Kind kind, Axis[] axes, int planes, boolean includePad,
                         boolean columnMajor, Cost cost) implements BoundOp {

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            Axis ad = axes[0], ah = axes[1], aw = axes[2];
            int inPlane = ad.in * ah.in * aw.in;
            int outPlane = ad.out * ah.out * aw.out;
            float[] x = in[0].floats();
            float[] y = out[0].floats();
            int xo = in[0].offset();
            int yo = out[0].offset();
            Tensor idx = out.length > 1 ? out[1] : null;
            workers.parallelFor(planes, Math.max(1, 16384 / Math.max(1, outPlane)), (s, e) -> {
                for (int p = s; p < e; p++) {
                    if (outPlane == 1 && idx == null && includePadIrrelevant()) {
                        y[yo + p] = whole(x, xo + p * inPlane, inPlane);
                    } else if (idx == null) {
                        rows(x, xo + p * inPlane, y, yo + p * outPlane);
                    } else {
                        plane(x, xo + p * inPlane, y, yo + p * outPlane, idx, p * outPlane, p * inPlane);
                    }
                }
            });
        }

        /** Whether one output covers the whole plane with no padding (global pools, and pools like them). */
        private boolean includePadIrrelevant() {
            for (Axis a : axes) {
                if (a.out != 1 || a.pad != 0 || a.k != a.in || a.dilation != 1) {
                    return false;
                }
            }
            return true;
        }

        /** Max or mean of a whole plane. */
        private float whole(float[] x, int from, int n) {
            if (kind == Kind.MAX) {
                float m = Float.NEGATIVE_INFINITY;
                for (int i = from; i < from + n; i++) {
                    m = Math.max(m, x[i]);
                }
                return m;
            }
            double sum = 0;
            for (int i = from; i < from + n; i++) {
                sum += x[i];
            }
            return (float) (sum / n);
        }

        /**
         * One plane, an output row at a time: each valid tap of the window sweeps the whole row
         * with a long, simple inner loop (windows are a handful of taps; loops that short cost
         * more in loop overhead than in work).
         */
        private void rows(float[] x, int xo, float[] y, int yo) {
            Axis ad = axes[0], ah = axes[1], aw = axes[2];
            int hw = ah.in * aw.in;
            boolean max = kind == Kind.MAX;
            int s = aw.stride;
            for (int od = 0; od < ad.out; od++) {
                for (int oh = 0; oh < ah.out; oh++) {
                    int yr = yo + (od * ah.out + oh) * aw.out;
                    java.util.Arrays.fill(y, yr, yr + aw.out, max ? Float.NEGATIVE_INFINITY : 0f);
                    for (int kd = ad.lo[od]; kd < ad.hi[od]; kd++) {
                        int dpos = od * ad.stride - ad.pad + kd * ad.dilation;
                        for (int kh = ah.lo[oh]; kh < ah.hi[oh]; kh++) {
                            int hpos = oh * ah.stride - ah.pad + kh * ah.dilation;
                            int xr = xo + dpos * hw + hpos * aw.in;
                            for (int kw = 0; kw < aw.k; kw++) {
                                int src = xr + kw * aw.dilation - aw.pad;
                                int lo = aw.tapLo[kw];
                                int hi = aw.tapHi[kw];
                                if (max) {
                                    for (int o = lo; o < hi; o++) {
                                        y[yr + o] = Math.max(y[yr + o], x[src + o * s]);
                                    }
                                } else {
                                    for (int o = lo; o < hi; o++) {
                                        y[yr + o] += x[src + o * s];
                                    }
                                }
                            }
                        }
                    }
                    if (!max) {
                        int cdh = includePad ? ad.padded[od] * ah.padded[oh] : (ad.hi[od] - ad.lo[od]) * (ah.hi[oh] - ah.lo[oh]);
                        for (int o = 0; o < aw.out; o++) {
                            int count = cdh * (includePad ? aw.padded[o] : aw.hi[o] - aw.lo[o]);
                            y[yr + o] = count == 0 ? 0f : y[yr + o] / count;
                        }
                    }
                }
            }
        }

        /** One plane, window by window, tracking where each maximum came from (MaxPool's Indices). */
        private void plane(float[] x, int xo, float[] y, int yo, Tensor idx, int idxOff, int planeBase) {
            Axis ad = axes[0], ah = axes[1], aw = axes[2];
            int hw = ah.in * aw.in;
            long[] ix = idx == null ? null : idx.longs();
            int io = idx == null ? 0 : idx.offset() + idxOff;
            int o = 0;
            for (int od = 0; od < ad.out; od++) {
                int sd = od * ad.stride - ad.pad;
                for (int oh = 0; oh < ah.out; oh++) {
                    int sh = oh * ah.stride - ah.pad;
                    for (int ow = 0; ow < aw.out; ow++, o++) {
                        int sw = ow * aw.stride - aw.pad;
                        if (kind == Kind.MAX) {
                            float best = Float.NEGATIVE_INFINITY;
                            int at = -1;
                            int kd0 = ad.lo[od], kd1 = ad.hi[od], kh0 = ah.lo[oh], kh1 = ah.hi[oh], kw0 = aw.lo[ow], kw1 = aw.hi[ow];
                            for (int kd = kd0; kd < kd1; kd++) {
                                int dpos = sd + kd * ad.dilation;
                                for (int kh = kh0; kh < kh1; kh++) {
                                    int row = xo + dpos * hw + (sh + kh * ah.dilation) * aw.in + sw;
                                    if (ix == null) {
                                        // Branch-free: on real data the comparison is a coin toss.
                                        for (int kw = kw0; kw < kw1; kw++) {
                                            best = Math.max(best, x[row + kw * aw.dilation]);
                                        }
                                    } else {
                                        for (int kw = kw0; kw < kw1; kw++) {
                                            float v = x[row + kw * aw.dilation];
                                            if (v > best || at < 0) {
                                                best = v;
                                                at = row - xo + kw * aw.dilation;
                                            }
                                        }
                                    }
                                }
                            }
                            y[yo + o] = best;
                            if (ix != null) {
                                ix[io + o] = planeBase + (columnMajor ? columnMajor(at) : at);
                            }
                        } else {
                            double sum = 0;
                            for (int kd = ad.lo[od]; kd < ad.hi[od]; kd++) {
                                int dpos = sd + kd * ad.dilation;
                                for (int kh = ah.lo[oh]; kh < ah.hi[oh]; kh++) {
                                    int row = dpos * hw + (sh + kh * ah.dilation) * aw.in;
                                    for (int kw = aw.lo[ow]; kw < aw.hi[ow]; kw++) {
                                        sum += x[xo + row + sw + kw * aw.dilation];
                                    }
                                }
                            }
                            int count = includePad
                                    ? ad.padded[od] * ah.padded[oh] * aw.padded[ow]
                                    : (ad.hi[od] - ad.lo[od]) * (ah.hi[oh] - ah.lo[oh]) * (aw.hi[ow] - aw.lo[ow]);
                            y[yo + o] = count == 0 ? 0f : (float) (sum / count);
                        }
                    }
                }
            }
        }

        /** The column-major position of row-major position {@code pos} within a plane. */
        private int columnMajor(int pos) {
            int w = pos % axes[2].in;
            int h = (pos / axes[2].in) % axes[1].in;
            int d = pos / (axes[2].in * axes[1].in);
            return (w * axes[1].in + h) * axes[0].in + d;
        }
    }
}
