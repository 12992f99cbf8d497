package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels of the {@link Activation}s. Each kind has its own loop (a shared loop calling
 * a per-kind function would see many kinds at one call site and stop being inlined, which boxes
 * every vector). The transcendental functions are {@link VectorMath}'s, not the Vector API's
 * operators, whose last bits change when the JIT compiles them.
 *
 * <p>A tail shorter than a vector goes through the same vector code, padded with zeros, rather than
 * through the double-precision reference: an element's value then does not depend on whether it
 * falls in the body or the tail, which moves with the length of a row or a GEMM tile and so with
 * the schedule and the number of threads.
 */
final class ActivationKernels {

    private ActivationKernels() {}

    static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    private static final int W = S.length();

    static void apply(Activation f, float[] src, int so, float[] dst, int dOff, int n) {
        int bound = S.loopBound(n);
        vectors(f, src, so, dst, dOff, bound);
        if (bound < n) {
            float[] pad = new float[W];
            System.arraycopy(src, so + bound, pad, 0, n - bound);
            vectors(f, pad, 0, pad, 0, W);
            System.arraycopy(pad, 0, dst, dOff + bound, n - bound);
        }
    }

    /**
     * Applies {@code f} to {@code src[so, so + bound)}, {@code bound} a multiple of the vector length.
     * Each function with a transcendental has a loop method of its own: in one method with every
     * case, C2 ran out of its node budget (NodeCountInliningCutoff) and called VectorMath's functions
     * instead of inlining them, so every vector crossing the call was boxed; a GELU fused into
     * BERT-tiny's FFN GEMM then cost three times the multiply (1.2-1.4 ms for 128 x 512 values).
     */
    private static void vectors(Activation f, float[] src, int so, float[] dst, int dOff, int bound) {
        int i = 0;
        switch (f) {
            case Activation.Relu r -> {
                for (; i < bound; i += W) {
                    FloatVector.fromArray(S, src, so + i).max(0f).intoArray(dst, dOff + i);
                }
            }
            case Activation.LeakyRelu l -> {
                float a = l.alpha();
                for (; i < bound; i += W) {
                    FloatVector v = FloatVector.fromArray(S, src, so + i);
                    v.blend(v.mul(a), v.compare(VectorOperators.LT, 0f)).intoArray(dst, dOff + i);
                }
            }
            case Activation.Clip c -> {
                float lo = c.min();
                float hi = c.max();
                for (; i < bound; i += W) {
                    FloatVector v = FloatVector.fromArray(S, src, so + i);
                    // max/min propagate NaN, so a NaN input stays NaN as in the reference.
                    v.max(lo).min(hi).intoArray(dst, dOff + i);
                }
            }
            case Activation.Sigmoid s -> sigmoidRows(src, so, dst, dOff, bound);
            case Activation.Tanh t -> tanhRows(src, so, dst, dOff, bound);
            case Activation.HardSigmoid h -> {
                float a = h.alpha();
                float b = h.beta();
                for (; i < bound; i += W) {
                    FloatVector.fromArray(S, src, so + i).mul(a).add(b).max(0f).min(1f).intoArray(dst, dOff + i);
                }
            }
            case Activation.HardSwish h -> {
                for (; i < bound; i += W) {
                    FloatVector v = FloatVector.fromArray(S, src, so + i);
                    v.mul(v.mul(1f / 6).add(0.5f).max(0f).min(1f)).intoArray(dst, dOff + i);
                }
            }
            case Activation.Elu e -> eluRows(src, so, dst, dOff, bound, e.alpha(), 1f, VectorOperators.LT);
            case Activation.Selu s -> eluRows(src, so, dst, dOff, bound, s.alpha(), s.gamma(), VectorOperators.LE);
            case Activation.Softplus s -> softplusRows(src, so, dst, dOff, bound);
            case Activation.Softsign s -> {
                for (; i < bound; i += W) {
                    FloatVector v = FloatVector.fromArray(S, src, so + i);
                    v.div(v.abs().add(1f)).intoArray(dst, dOff + i);
                }
            }
            case Activation.Gelu g when g.tanhApproximation() -> geluTanhRows(src, so, dst, dOff, bound);
            case Activation.Gelu g -> UnaryMath.gelu(src, so, dst, dOff, bound);
            case Activation.ThresholdedRelu t -> {
                float a = t.alpha();
                for (; i < bound; i += W) {
                    FloatVector v = FloatVector.fromArray(S, src, so + i);
                    v.blend(0f, v.compare(VectorOperators.GT, a).not()).intoArray(dst, dOff + i);
                }
            }
            case Activation.Celu c -> celuRows(src, so, dst, dOff, bound, c.alpha());
            case Activation.Mish m -> mishRows(src, so, dst, dOff, bound);
            case Activation.Swish s -> swishRows(src, so, dst, dOff, bound);
        }
    }

    private static void sigmoidRows(float[] src, int so, float[] dst, int dOff, int bound) {
        for (int i = 0; i < bound; i += W) {
            sigmoid(FloatVector.fromArray(S, src, so + i)).intoArray(dst, dOff + i);
        }
    }

    private static void tanhRows(float[] src, int so, float[] dst, int dOff, int bound) {
        for (int i = 0; i < bound; i += W) {
            VectorMath.tanh(FloatVector.fromArray(S, src, so + i)).intoArray(dst, dOff + i);
        }
    }

    /** Elu and Selu: {@code g * (x < 0 or x <= 0 ? a (e^x - 1) : x)}. */
    private static void eluRows(float[] src, int so, float[] dst, int dOff, int bound, float a, float g,
                                VectorOperators.Comparison below) {
        for (int i = 0; i < bound; i += W) {
            FloatVector v = FloatVector.fromArray(S, src, so + i);
            v.blend(VectorMath.expm1(v).mul(a), v.compare(below, 0f)).mul(g).intoArray(dst, dOff + i);
        }
    }

    private static void softplusRows(float[] src, int so, float[] dst, int dOff, int bound) {
        for (int i = 0; i < bound; i += W) {
            softplus(FloatVector.fromArray(S, src, so + i)).intoArray(dst, dOff + i);
        }
    }

    private static void geluTanhRows(float[] src, int so, float[] dst, int dOff, int bound) {
        // (1 + tanh(u)) / 2 = 1 / (1 + e^-2u): the left side cancels to nothing for negative x,
        // where the right keeps its relative accuracy.
        float k = (float) (-2 * Math.sqrt(2 / Math.PI));
        for (int i = 0; i < bound; i += W) {
            FloatVector v = FloatVector.fromArray(S, src, so + i);
            FloatVector minus2u = v.mul(v).mul(0.044715f).add(1f).mul(v).mul(k);
            v.div(VectorMath.exp(minus2u).add(1f)).intoArray(dst, dOff + i);
        }
    }

    private static void celuRows(float[] src, int so, float[] dst, int dOff, int bound, float a) {
        float inv = 1 / a;
        for (int i = 0; i < bound; i += W) {
            FloatVector v = FloatVector.fromArray(S, src, so + i);
            FloatVector neg = VectorMath.expm1(v.mul(inv)).mul(a).min(0f);
            v.max(0f).add(neg).intoArray(dst, dOff + i);
        }
    }

    private static void mishRows(float[] src, int so, float[] dst, int dOff, int bound) {
        for (int i = 0; i < bound; i += W) {
            FloatVector v = FloatVector.fromArray(S, src, so + i);
            v.mul(VectorMath.tanh(softplus(v))).intoArray(dst, dOff + i);
        }
    }

    /** x / (1 + exp(-x)): one division, no product; for very negative x, x / infinity = -0. */
    private static void swishRows(float[] src, int so, float[] dst, int dOff, int bound) {
        for (int i = 0; i < bound; i += W) {
            FloatVector v = FloatVector.fromArray(S, src, so + i);
            v.div(VectorMath.expForDenominator(v.neg()).add(1f)).intoArray(dst, dOff + i);
        }
    }

    /** 1 / (1 + exp(-x)): exp overflows to infinity for very negative x, giving the right 0. */
    static FloatVector sigmoid(FloatVector v) {
        return v.broadcast(1f).div(VectorMath.expForDenominator(v.neg()).add(1f));
    }

    /** log(1 + exp(x)) as max(x, 0) + log1p(exp(-|x|)), which neither overflows nor loses small values. */
    static FloatVector softplus(FloatVector v) {
        return v.max(0f).add(VectorMath.log1p(VectorMath.exp(v.abs().neg())));
    }
}
