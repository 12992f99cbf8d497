package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pointwise math functions of the ONNX unary operators (those that are not activations). {@link #at}
 * is the double-precision reference; {@link #apply} the FP32 kernel, vectorised for the common ones
 * (the rest are rare in models and run the reference per element). exp and log are {@link
 * VectorMath}'s, whose bits do not change when the JIT compiles the kernel.
 */
public enum UnaryFunction {
    EXP, LOG, SQRT, NEG, ABS, RECIPROCAL, FLOOR, CEIL, ERF, SIGN, ROUND,
    SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, ASINH, ACOSH, ATANH;

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    private static final int W = S.length();

    /** The function at {@code x}, in double precision. */
    public double at(double x) {
        return switch (this) {
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case RECIPROCAL -> 1 / x;
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case ERF -> UnaryMath.erf(x);
            case SIGN -> Double.isNaN(x) ? x : Math.signum(x);
            case ROUND -> Math.rint(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TAN -> Math.tan(x);
            case ASIN -> Math.asin(x);
            case ACOS -> Math.acos(x);
            case ATAN -> Math.atan(x);
            case SINH -> Math.sinh(x);
            case COSH -> Math.cosh(x);
            case ASINH -> Double.isInfinite(x) ? x : Math.copySign(Math.log(Math.abs(x) + Math.sqrt(x * x + 1)), x);
            case ACOSH -> Math.log(x + Math.sqrt(x * x - 1));
            case ATANH -> 0.5 * Math.log((1 + x) / (1 - x));
        };
    }

    /** Writes the function of {@code src[so, so + n)} into {@code dst[dOff, dOff + n)} (FP32 kernel). */
    public void apply(float[] src, int so, float[] dst, int dOff, int n) {
        switch (this) {
            case EXP, LOG, SQRT, NEG, ABS, RECIPROCAL, ERF -> {
                int bound = S.loopBound(n);
                vectors(src, so, dst, dOff, bound);
                if (bound < n) {
                    // The tail is padded to a whole vector and takes the same path as the body, so an
                    // element's bits do not depend on where the run's last whole vector ends.
                    float[] pad = new float[W];
                    System.arraycopy(src, so + bound, pad, 0, n - bound);
                    vectors(pad, 0, pad, 0, W);
                    System.arraycopy(pad, 0, dst, dOff + bound, n - bound);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    dst[dOff + i] = (float) at(src[so + i]);
                }
            }
        }
    }

    /** The vector kernel over {@code src[so, so + bound)}, {@code bound} a multiple of the vector length. */
    private void vectors(float[] src, int so, float[] dst, int dOff, int bound) {
        switch (this) {
            case EXP -> {
                for (int i = 0; i < bound; i += W) {
                    VectorMath.exp(FloatVector.fromArray(S, src, so + i)).intoArray(dst, dOff + i);
                }
            }
            case LOG -> {
                for (int i = 0; i < bound; i += W) {
                    VectorMath.log(FloatVector.fromArray(S, src, so + i)).intoArray(dst, dOff + i);
                }
            }
            case SQRT -> {
                for (int i = 0; i < bound; i += W) {
                    FloatVector.fromArray(S, src, so + i).sqrt().intoArray(dst, dOff + i);
                }
            }
            case NEG -> {
                for (int i = 0; i < bound; i += W) {
                    FloatVector.fromArray(S, src, so + i).neg().intoArray(dst, dOff + i);
                }
            }
            case ABS -> {
                for (int i = 0; i < bound; i += W) {
                    FloatVector.fromArray(S, src, so + i).abs().intoArray(dst, dOff + i);
                }
            }
            case RECIPROCAL -> {
                for (int i = 0; i < bound; i += W) {
                    FloatVector v = FloatVector.fromArray(S, src, so + i);
                    v.broadcast(1f).div(v).intoArray(dst, dOff + i);
                }
            }
            case ERF -> UnaryMath.erf(src, so, dst, dOff, bound);
            default -> throw new AssertionError(this + " has no vector kernel");
        }
    }
}
