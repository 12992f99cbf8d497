package dev.cotenant.kernels;

import java.util.Locale;

/**
 * A pointwise activation function on FP32 values, applied in place to a range of an array. This is
 * what fused kernels (conv + bias + activation, gemm + activation) call on each output tile while
 * it is still in cache, and what the standalone activation operators run.
 *
 * <p>{@link #apply} is the Vector API kernel; {@link #at} is its scalar reference twin, computed in
 * double precision and used as the test oracle. The fast kernel agrees with the reference to about
 * 1e-6 relative (transcendentals use the Vector API's lanewise EXP/TANH, which are intrinsics on
 * x86; erf uses a polynomial).
 */
public sealed interface Activation {

    /** {@code max(x, 0)}. */
    record Relu() implements Activation {}

    /** {@code x < 0 ? alpha * x : x}. */
    record LeakyRelu(float alpha) implements Activation {}

    /** {@code min(max(x, min), max)}; NaN stays NaN. */
    record Clip(float min, float max) implements Activation {}

    /** {@code 1 / (1 + exp(-x))}. */
    record Sigmoid() implements Activation {}

    /** {@code tanh(x)}. */
    record Tanh() implements Activation {}

    /** {@code max(0, min(1, alpha * x + beta))}. */
    record HardSigmoid(float alpha, float beta) implements Activation {}

    /** {@code x * max(0, min(1, x / 6 + 1 / 2))}. */
    record HardSwish() implements Activation {}

    /** {@code x < 0 ? alpha * (exp(x) - 1) : x}. */
    record Elu(float alpha) implements Activation {}

    /** {@code gamma * (x <= 0 ? alpha * (exp(x) - 1) : x)}. */
    record Selu(float alpha, float gamma) implements Activation {}

    /** {@code log(1 + exp(x))}. */
    record Softplus() implements Activation {}

    /** {@code x / (1 + |x|)}. */
    record Softsign() implements Activation {}

    /** {@code x * Phi(x)}, exact (erf) or with the tanh approximation. */
    record Gelu(boolean tanhApproximation) implements Activation {}

    /** {@code x > alpha ? x : 0}. */
    record ThresholdedRelu(float alpha) implements Activation {}

    /** {@code max(0, x) + min(0, alpha * (exp(x / alpha) - 1))}. */
    record Celu(float alpha) implements Activation {}

    /** {@code x * tanh(softplus(x))}. */
    record Mish() implements Activation {}

    /**
     * {@code x * sigmoid(x)} (SiLU): Cotenant's own, what {@code SwishFusion} makes of a Mul of a
     * value and its Sigmoid, so that a convolution applies it to each tile still in cache.
     */
    record Swish() implements Activation {}

    /** Looks up an activation parameter by its ONNX attribute name, with its default. */
    @FunctionalInterface
    interface Parameters {
        float get(String name, float dflt);
    }

    /** Applies this activation to {@code a[from, to)} in place (Vector API kernel). */
    default void apply(float[] a, int from, int to) {
        ActivationKernels.apply(this, a, from, a, from, to - from);
    }

    /** Writes this activation of {@code src[srcOff, srcOff + n)} into {@code dst[dstOff, dstOff + n)}. */
    default void apply(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        ActivationKernels.apply(this, src, srcOff, dst, dstOff, n);
    }

    /** The scalar reference of this activation at {@code x}, computed in double precision. */
    default double at(double x) {
        return ActivationReference.at(this, x);
    }

    /** Applies the scalar reference to {@code a[from, to)} in place (the oracle of {@link #apply}). */
    default void applyReference(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = (float) at(a[i]);
        }
    }

    /** Whether {@link #of} knows the ONNX operator {@code opType}. */
    static boolean supports(String opType) {
        return switch (opType) {
            case "Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Elu", "Selu", "Softplus",
                 "Softsign", "Gelu", "ThresholdedRelu", "Celu", "Mish", "Swish" -> true;
            default -> false;
        };
    }

    /**
     * The activation of the ONNX operator {@code opType}, its parameters read from {@code p} under
     * their ONNX attribute names ({@code alpha}, {@code beta}, {@code gamma}, {@code min}, {@code max};
     * Gelu's {@code approximate} as {@code approximate_tanh} = 1 for "tanh"), ONNX defaults applied.
     *
     * @throws IllegalArgumentException when {@code opType} is not an activation
     */
    static Activation of(String opType, Parameters p) {
        return switch (opType) {
            case "Relu" -> new Relu();
            case "LeakyRelu" -> new LeakyRelu(p.get("alpha", 0.01f));
            case "Clip" -> new Clip(p.get("min", Float.NEGATIVE_INFINITY), p.get("max", Float.POSITIVE_INFINITY));
            case "Sigmoid" -> new Sigmoid();
            case "Tanh" -> new Tanh();
            case "HardSigmoid" -> new HardSigmoid(p.get("alpha", 0.2f), p.get("beta", 0.5f));
            case "HardSwish" -> new HardSwish();
            case "Elu" -> new Elu(p.get("alpha", 1.0f));
            case "Selu" -> new Selu(p.get("alpha", 1.67326319217681884765625f), p.get("gamma", 1.05070102214813232421875f));
            case "Softplus" -> new Softplus();
            case "Softsign" -> new Softsign();
            case "Gelu" -> new Gelu(p.get("approximate_tanh", 0) != 0);
            case "ThresholdedRelu" -> new ThresholdedRelu(p.get("alpha", 1.0f));
            case "Celu" -> new Celu(p.get("alpha", 1.0f));
            case "Mish" -> new Mish();
            case "Swish" -> new Swish();
            default -> throw new IllegalArgumentException("not an activation: " + opType);
        };
    }

    /** The ONNX operator type of this activation. */
    default String onnxName() {
        return switch (this) {
            case Relu r -> "Relu";
            case LeakyRelu l -> "LeakyRelu";
            case Clip c -> "Clip";
            case Sigmoid s -> "Sigmoid";
            case Tanh t -> "Tanh";
            case HardSigmoid h -> "HardSigmoid";
            case HardSwish h -> "HardSwish";
            case Elu e -> "Elu";
            case Selu s -> "Selu";
            case Softplus s -> "Softplus";
            case Softsign s -> "Softsign";
            case Gelu g -> "Gelu";
            case ThresholdedRelu t -> "ThresholdedRelu";
            case Celu c -> "Celu";
            case Mish m -> "Mish";
            case Swish s -> "Swish";
        };
    }

    /** Parses Gelu's {@code approximate} attribute ("none" or "tanh"); null for anything else. */
    static Boolean geluTanh(String approximate) {
        return switch (approximate.toLowerCase(Locale.ROOT)) {
            case "none" -> Boolean.FALSE;
            case "tanh" -> Boolean.TRUE;
            default -> null;
        };
    }
}
