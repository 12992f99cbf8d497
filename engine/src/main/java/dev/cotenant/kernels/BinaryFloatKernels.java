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
        int bound = as + bs > 0 ? S.loopBound(n) : 0;
        if (bound > 0) {
            vectors(fn, a, ao, as, ONE_ROW, b, bo, bs, ONE_ROW, o, oo, bound, 0, 1);
        }
        for (int i = bound; i < n; i++) {
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
     * set-up costing ten times the one multiply (bench/RESULTS.md, Zen 3 section). Rows of whole
     * vectors go to the operation's loop over rows at once.
     */
    public static void applyRows(Fn fn, float[] a, int ao, int as, int[] aRows, float[] b, int bo, int bs, int[] bRows,
                                 float[] o, int oo, int inner, int r0, int r1) {
        if (inner % W == 0 && as + bs > 0) {
            vectors(fn, a, ao, as, aRows, b, bo, bs, bRows, o, oo, inner, r0, r1);
            return;
        }
        for (int r = r0; r < r1; r++) {
            apply(fn, a, ao + aRows[r], as, b, bo + bRows[r], bs, o, oo + r * inner, inner);
        }
    }

    private static final int[] ONE_ROW = {0};

    /*
     * Each operation has a loop of its own, with its vector operation written in it, and this
     * switch picks the loop. Why not one loop over a helper that switches on fn per vector: when
     * the helper was compiled on its own first (another model in the process had run it), C2
     * refused to inline it into the loop ("already compiled into a big method"), so every vector
     * crossed a call boxed: BERT-base's Add and Div steps ran 10x slower after ResNet-50 had run in
     * the same JVM, the whole model 266 -> 290 ms (bench/RESULTS.md). No vector crosses a call here
     * but into {@link #at}, which is too small to be refused.
     */
    private static void vectors(Fn fn, float[] a, int ao, int as, int[] aRows, float[] b, int bo, int bs, int[] bRows,
                                float[] o, int oo, int inner, int r0, int r1) {
        switch (fn) {
            case ADD -> add(a, ao, as, aRows, b, bo, bs, bRows, o, oo, inner, r0, r1);
            case SUB -> sub(a, ao, as, aRows, b, bo, bs, bRows, o, oo, inner, r0, r1);
            case MUL -> mul(a, ao, as, aRows, b, bo, bs, bRows, o, oo, inner, r0, r1);
            case DIV -> div(a, ao, as, aRows, b, bo, bs, bRows, o, oo, inner, r0, r1);
            case MAX -> max(a, ao, as, aRows, b, bo, bs, bRows, o, oo, inner, r0, r1);
            case MIN -> min(a, ao, as, aRows, b, bo, bs, bRows, o, oo, inner, r0, r1);
            case PRELU -> prelu(a, ao, as, aRows, b, bo, bs, bRows, o, oo, inner, r0, r1);
        }
    }

    /** Operand x's vector at element i of a row starting at {@code xo}: a run (stride 1) or one value. */
    private static FloatVector at(float[] x, int xo, int xs, int i) {
        return xs == 1 ? FloatVector.fromArray(S, x, xo + i) : FloatVector.broadcast(S, x[xo]);
    }

    private static void add(float[] a, int ao, int as, int[] aRows, float[] b, int bo, int bs, int[] bRows, float[] o,
                            int oo, int inner, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            for (int i = 0, ar = ao + aRows[r], br = bo + bRows[r], or = oo + r * inner; i < inner; i += W) {
                at(a, ar, as, i).add(at(b, br, bs, i)).intoArray(o, or + i);
            }
        }
    }

    private static void sub(float[] a, int ao, int as, int[] aRows, float[] b, int bo, int bs, int[] bRows, float[] o,
                            int oo, int inner, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            for (int i = 0, ar = ao + aRows[r], br = bo + bRows[r], or = oo + r * inner; i < inner; i += W) {
                at(a, ar, as, i).sub(at(b, br, bs, i)).intoArray(o, or + i);
            }
        }
    }

    private static void mul(float[] a, int ao, int as, int[] aRows, float[] b, int bo, int bs, int[] bRows, float[] o,
                            int oo, int inner, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            for (int i = 0, ar = ao + aRows[r], br = bo + bRows[r], or = oo + r * inner; i < inner; i += W) {
                at(a, ar, as, i).mul(at(b, br, bs, i)).intoArray(o, or + i);
            }
        }
    }

    private static void div(float[] a, int ao, int as, int[] aRows, float[] b, int bo, int bs, int[] bRows, float[] o,
                            int oo, int inner, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            for (int i = 0, ar = ao + aRows[r], br = bo + bRows[r], or = oo + r * inner; i < inner; i += W) {
                at(a, ar, as, i).div(at(b, br, bs, i)).intoArray(o, or + i);
            }
        }
    }

    private static void max(float[] a, int ao, int as, int[] aRows, float[] b, int bo, int bs, int[] bRows, float[] o,
                            int oo, int inner, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            for (int i = 0, ar = ao + aRows[r], br = bo + bRows[r], or = oo + r * inner; i < inner; i += W) {
                at(a, ar, as, i).max(at(b, br, bs, i)).intoArray(o, or + i);
            }
        }
    }

    private static void min(float[] a, int ao, int as, int[] aRows, float[] b, int bo, int bs, int[] bRows, float[] o,
                            int oo, int inner, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            for (int i = 0, ar = ao + aRows[r], br = bo + bRows[r], or = oo + r * inner; i < inner; i += W) {
                at(a, ar, as, i).min(at(b, br, bs, i)).intoArray(o, or + i);
            }
        }
    }

    private static void prelu(float[] a, int ao, int as, int[] aRows, float[] b, int bo, int bs, int[] bRows, float[] o,
                              int oo, int inner, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            for (int i = 0, ar = ao + aRows[r], br = bo + bRows[r], or = oo + r * inner; i < inner; i += W) {
                FloatVector x = at(a, ar, as, i);
                x.blend(x.mul(at(b, br, bs, i)), x.compare(VectorOperators.LT, 0f)).intoArray(o, or + i);
            }
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
}
