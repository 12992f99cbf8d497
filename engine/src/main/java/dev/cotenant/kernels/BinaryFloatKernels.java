package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * FP32 kernels of the common binary elementwise operators over one contiguous run, each operand
 * either a run (stride 1) or one value repeated (stride 0): the three shapes every broadcast
 * reduces to once its dimensions are collapsed (same shape, scalar, per-channel / last axis).
 * {@link #applyReference} is the scalar twin.
 */
public final class BinaryFloatKernels {

    private BinaryFloatKernels() {}

    /** The operations with a vector kernel. */
    public enum Fn {
        ADD, SUB, MUL, DIV, MAX, MIN,
        /** {@code a < 0 ? a * b : a} (PRelu with slope b). */
        PRELU;

        public float at(float a, float b) {
            return switch (this) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                case DIV -> a / b;
                case MAX -> Math.max(a, b);
                case MIN -> Math.min(a, b);
                case PRELU -> a < 0 ? a * b : a;
            };
        }
    }

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    private static final int W = S.length();

    /**
     * {@code o[oo + i] = fn(a[ao + i * as], b[bo + i * bs])} for {@code i < n}, strides 0 or 1.
     */
    public static void apply(Fn fn, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += W) {
                op(fn, FloatVector.fromArray(S, a, ao + i), FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
            }
        } else if (as == 1) {
            FloatVector vb = FloatVector.broadcast(S, b[bo]);
            for (; i < bound; i += W) {
                op(fn, FloatVector.fromArray(S, a, ao + i), vb).intoArray(o, oo + i);
            }
        } else if (bs == 1) {
            FloatVector va = FloatVector.broadcast(S, a[ao]);
            for (; i < bound; i += W) {
                op(fn, va, FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
            }
        } else {
            bound = 0;
        }
        for (; i < n; i++) {
            o[oo + i] = fn.at(a[ao + i * as], b[bo + i * bs]);
        }
    }

    /**
     * Rows {@code [r0, r1)} of {@code inner} elements each: row r of the output starts at
     * {@code oo + r * inner}, of a at {@code ao + aRows[r]}, of b at {@code bo + bRows[r]}, each
     * operand advancing by its stride (0 or 1) along the row.
     *
     * <p>Why. A channel-blocked activation times a per-channel vector ({@code [N][C/L][H][W][L]} by
     * {@code [N][C/L][1][1][L]}: EfficientNet's squeeze-and-excitation scale) collapses to rows of one
     * vector, and {@link #apply} called once per row ran at 0.5 G elements/s, the call and its
     * set-up costing ten times the one multiply (bench/RESULTS.md, Zen 3 section). Rows that are whole
     * vectors on both sides take a loop with nothing else in it.
     */
    public static void applyRows(Fn fn, float[] a, int ao, int as, int[] aRows, float[] b, int bo, int bs, int[] bRows,
                                 float[] o, int oo, int inner, int r0, int r1) {
        if (as == 1 && bs == 1 && inner == W) {
            for (int r = r0; r < r1; r++) {
                op(fn, FloatVector.fromArray(S, a, ao + aRows[r]), FloatVector.fromArray(S, b, bo + bRows[r]))
                        .intoArray(o, oo + r * W);
            }
            return;
        }
        for (int r = r0; r < r1; r++) {
            apply(fn, a, ao + aRows[r], as, b, bo + bRows[r], bs, o, oo + r * inner, inner);
        }
    }

    /** The scalar twin of {@link #applyRows}. */
    public static void applyRowsReference(Fn fn, float[] a, int ao, int as, int[] aRows, float[] b, int bo, int bs,
                                          int[] bRows, float[] o, int oo, int inner, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            applyReference(fn, a, ao + aRows[r], as, b, bo + bRows[r], bs, o, oo + r * inner, inner);
        }
    }

    /** The scalar twin of {@link #apply}. */
    public static void applyReference(Fn fn, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) {
            o[oo + i] = fn.at(a[ao + i * as], b[bo + i * bs]);
        }
    }

    // A switch on an enum the loop does not change: the JIT unswitches it out of the loop.
    private static FloatVector op(Fn fn, FloatVector x, FloatVector y) {
        return switch (fn) {
            case ADD -> x.add(y);
            case SUB -> x.sub(y);
            case MUL -> x.mul(y);
            case DIV -> x.div(y);
            case MAX -> x.max(y);
            case MIN -> x.min(y);
            case PRELU -> x.blend(x.mul(y), x.compare(VectorOperators.LT, 0f));
        };
    }
}
