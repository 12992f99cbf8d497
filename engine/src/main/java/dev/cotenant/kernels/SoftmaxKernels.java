package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and log-softmax of one contiguous FP32 row, numerically stable (the row's maximum is
 * subtracted before exponentiating, so no exp overflows), with a scalar reference twin. exp is
 * {@link VectorMath}'s, in the vector body and in the tail alike, so a value's bits depend neither
 * on the JIT's progress nor on where the row's last whole vector ends.
 */
public final class SoftmaxKernels {

    private SoftmaxKernels() {}

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    private static final int W = S.length();

    /** Writes softmax (or log-softmax) of {@code x[xo, xo + n)} into {@code y[yo, yo + n)}. */
    public static void row(float[] x, int xo, float[] y, int yo, int n, boolean log) {
        if (n == 0) {
            return;
        }
        float max = ReduceKernels.row(ReduceKernels.Combine.MAX, x, xo, n);
        int bound = S.loopBound(n);
        FloatVector vmax = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        if (log) {
            for (; i < bound; i += W) {
                acc = acc.add(VectorMath.exp(FloatVector.fromArray(S, x, xo + i).sub(vmax)));
            }
            float sum = Lanes.sum(acc);
            for (; i < n; i++) {
                sum += VectorMath.exp(x[xo + i] - max);
            }
            // (x - max) - log(sum), not x - (max + log(sum)): the latter rounds away small results
            float logSum = (float) Math.log(sum);
            FloatVector vs = FloatVector.broadcast(S, logSum);
            for (i = 0; i < bound; i += W) {
                FloatVector.fromArray(S, x, xo + i).sub(vmax).sub(vs).intoArray(y, yo + i);
            }
            for (; i < n; i++) {
                y[yo + i] = (x[xo + i] - max) - logSum;
            }
            return;
        }
        for (; i < bound; i += W) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, xo + i).sub(vmax));
            e.intoArray(y, yo + i);
            acc = acc.add(e);
        }
        float sum = Lanes.sum(acc);
        for (; i < n; i++) {
            float e = VectorMath.exp(x[xo + i] - max);
            y[yo + i] = e;
            sum += e;
        }
        float inv = 1 / sum;
        FloatVector vinv = FloatVector.broadcast(S, inv);
        for (i = 0; i < bound; i += W) {
            FloatVector.fromArray(S, y, yo + i).mul(vinv).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] *= inv;
        }
    }

    /** The scalar twin of {@link #row}, in double precision. */
    public static void rowReference(float[] x, int xo, float[] y, int yo, int n, boolean log) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[xo + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(x[xo + i] - max);
        }
        for (int i = 0; i < n; i++) {
            y[yo + i] = (float) (log ? x[xo + i] - max - Math.log(sum) : Math.exp(x[xo + i] - max) / sum);
        }
    }

    /**
     * Softmax (or log-softmax) of {@code n} rows of length {@code width}, {@code stride} apart,
     * normalised down the columns: element (k, j) is at {@code x[xo + k * stride + j]}. This is a
     * softmax along an axis that is not the last (channels of NCHW), vectorised across the
     * columns. {@code scratch} holds at least {@code 2 * width} floats.
     */
    public static void columns(float[] x, int xo, float[] y, int yo, int n, int stride, int width, boolean log, float[] scratch) {
        if (n == 0 || width == 0) {
            return;
        }
        ReduceKernels.accumulate(ReduceKernels.Combine.MAX, x, xo, n, stride, scratch, 0, width);
        java.util.Arrays.fill(scratch, width, 2 * width, 0f);
        int bound = S.loopBound(width);
        for (int k = 0; k < n; k++) {
            int xr = xo + k * stride;
            int yr = yo + k * stride;
            int j = 0;
            for (; j < bound; j += W) {
                FloatVector m = FloatVector.fromArray(S, scratch, j);
                FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, xr + j).sub(m));
                if (!log) {
                    e.intoArray(y, yr + j);
                }
                FloatVector.fromArray(S, scratch, width + j).add(e).intoArray(scratch, width + j);
            }
            for (; j < width; j++) {
                float e = VectorMath.exp(x[xr + j] - scratch[j]);
                if (!log) {
                    y[yr + j] = e;
                }
                scratch[width + j] += e;
            }
        }
        for (int j = 0; j < width; j++) {
            scratch[width + j] = log ? (float) Math.log(scratch[width + j]) : 1 / scratch[width + j];
        }
        for (int k = 0; k < n; k++) {
            int xr = xo + k * stride;
            int yr = yo + k * stride;
            int j = 0;
            for (; j < bound; j += W) {
                FloatVector f = FloatVector.fromArray(S, scratch, width + j);
                if (log) {
                    FloatVector.fromArray(S, x, xr + j).sub(FloatVector.fromArray(S, scratch, j)).sub(f).intoArray(y, yr + j);
                } else {
                    FloatVector.fromArray(S, y, yr + j).mul(f).intoArray(y, yr + j);
                }
            }
            for (; j < width; j++) {
                y[yr + j] = log ? (x[xr + j] - scratch[j]) - scratch[width + j] : y[yr + j] * scratch[width + j];
            }
        }
    }

    /** The scalar twin of {@link #columns}, in double precision. */
    public static void columnsReference(float[] x, int xo, float[] y, int yo, int n, int stride, int width, boolean log) {
        for (int j = 0; j < width; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < n; k++) {
                max = Math.max(max, x[xo + k * stride + j]);
            }
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += Math.exp(x[xo + k * stride + j] - max);
            }
            for (int k = 0; k < n; k++) {
                double v = x[xo + k * stride + j] - max;
                y[yo + k * stride + j] = (float) (log ? v - Math.log(sum) : Math.exp(v) / sum);
            }
        }
    }
}
