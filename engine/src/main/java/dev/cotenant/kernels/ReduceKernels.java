package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * FP32 reduction kernels for the two layouts a reduction over one block of axes takes: over a
 * contiguous run ({@code row*}: the last axes) and across runs into a contiguous accumulator
 * ({@code accumulate*}: axes followed by kept ones, such as a mean over H and W of NHWC, or over C
 * of NCHW). Each has a scalar reference twin ({@code *Reference}).
 */
public final class ReduceKernels {

    private ReduceKernels() {}

    /** The combining operations with a vector kernel. */
    public enum Combine { SUM, MAX, MIN, SUM_SQUARE }

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    private static final int W = S.length();

    /** Combines {@code a[from, from + n)} into one value (0 for an empty SUM, -inf/+inf for MAX/MIN). */
    public static float row(Combine c, float[] a, int from, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        float r;
        switch (c) {
            case SUM -> {
                FloatVector acc = FloatVector.zero(S);
                for (; i < bound; i += W) {
                    acc = acc.add(FloatVector.fromArray(S, a, from + i));
                }
                r = Lanes.sum(acc);
            }
            case SUM_SQUARE -> {
                FloatVector acc = FloatVector.zero(S);
                for (; i < bound; i += W) {
                    FloatVector v = FloatVector.fromArray(S, a, from + i);
                    acc = v.fma(v, acc);
                }
                r = Lanes.sum(acc);
            }
            case MAX -> {
                FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                for (; i < bound; i += W) {
                    acc = acc.max(FloatVector.fromArray(S, a, from + i));
                }
                r = acc.reduceLanes(VectorOperators.MAX);
            }
            case MIN -> {
                FloatVector acc = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
                for (; i < bound; i += W) {
                    acc = acc.min(FloatVector.fromArray(S, a, from + i));
                }
                r = acc.reduceLanes(VectorOperators.MIN);
            }
            default -> throw new AssertionError();
        }
        for (; i < n; i++) {
            r = combine(c, r, a[from + i]);
        }
        return r;
    }

    /** The scalar twin of {@link #row}. */
    public static float rowReference(Combine c, float[] a, int from, int n) {
        float r = identity(c);
        for (int i = 0; i < n; i++) {
            r = combine(c, r, a[from + i]);
        }
        return r;
    }

    /**
     * {@code acc[ao + j] = combine over r < count of a[from + r * stride + j]}, for {@code j < n}:
     * the reduction of {@code count} runs of length {@code n}, {@code stride} apart.
     */
    public static void accumulate(Combine c, float[] a, int from, int count, int stride, float[] acc, int ao, int n) {
        java.util.Arrays.fill(acc, ao, ao + n, identity(c));
        int bound = S.loopBound(n);
        for (int r = 0; r < count; r++) {
            int base = from + r * stride;
            int j = 0;
            for (; j < bound; j += W) {
                FloatVector x = FloatVector.fromArray(S, a, base + j);
                FloatVector s = FloatVector.fromArray(S, acc, ao + j);
                s = switch (c) {
                    case SUM -> s.add(x);
                    case SUM_SQUARE -> x.fma(x, s);
                    case MAX -> s.max(x);
                    case MIN -> s.min(x);
                };
                s.intoArray(acc, ao + j);
            }
            for (; j < n; j++) {
                acc[ao + j] = combine(c, acc[ao + j], a[base + j]);
            }
        }
    }

    /** The scalar twin of {@link #accumulate}. */
    public static void accumulateReference(Combine c, float[] a, int from, int count, int stride, float[] acc, int ao, int n) {
        for (int j = 0; j < n; j++) {
            float r = identity(c);
            for (int k = 0; k < count; k++) {
                r = combine(c, r, a[from + k * stride + j]);
            }
            acc[ao + j] = r;
        }
    }

    static float identity(Combine c) {
        return switch (c) {
            case SUM, SUM_SQUARE -> 0f;
            case MAX -> Float.NEGATIVE_INFINITY;
            case MIN -> Float.POSITIVE_INFINITY;
        };
    }

    static float combine(Combine c, float r, float x) {
        return switch (c) {
            case SUM -> r + x;
            case SUM_SQUARE -> r + x * x;
            case MAX -> Math.max(r, x);
            case MIN -> Math.min(r, x);
        };
    }
}
