package dev.cotenant.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * Each function of {@link VectorMath} against StrictMath in double precision, within a bound in
 * ulps of the correctly rounded float, over sweeps of the whole float range (every binade) and
 * dense linear sweeps where the function changes shape; the special values exactly; and the
 * vector form bit for bit against its scalar twin on every input.
 */
class VectorMathTest {

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;

    /** One function: its vector form, its scalar twin, its double reference and the interesting range. */
    private record Fn(String name, UnaryOperator<FloatVector> vector, FloatUnary scalar, DoubleUnaryOperator reference,
                      float lo, float hi, double ulps) {}

    @FunctionalInterface
    private interface FloatUnary {
        float at(float x);
    }

    private static final Fn EXP = new Fn("exp", VectorMath::exp, VectorMath::exp, StrictMath::exp, -105f, 90f, 1.5);
    private static final Fn EXPM1 = new Fn("expm1", VectorMath::expm1, VectorMath::expm1, StrictMath::expm1, -20f, 90f, 2);
    private static final Fn TANH = new Fn("tanh", VectorMath::tanh, VectorMath::tanh, StrictMath::tanh, -11f, 11f, 3);
    private static final Fn LOG = new Fn("log", VectorMath::log, VectorMath::log, StrictMath::log, 0f, 4f, 1);
    private static final Fn LOG1P = new Fn("log1p", VectorMath::log1p, VectorMath::log1p, StrictMath::log1p, -1f, 4f, 2);

    /** Every float from -MAX to MAX, stepping evenly through their ordered bit patterns: all binades alike. */
    private static float[] allBinades(int count) {
        float[] x = new float[count];
        long lo = ordered(-Float.MAX_VALUE);
        long hi = ordered(Float.MAX_VALUE);
        for (int i = 0; i < count; i++) {
            x[i] = fromOrdered(lo + (hi - lo) * i / (count - 1));
        }
        return x;
    }

    private static long ordered(float f) {
        int b = Float.floatToRawIntBits(f);
        return b >= 0 ? b : -(long) (b & 0x7fffffff);
    }

    private static float fromOrdered(long o) {
        return o >= 0 ? Float.intBitsToFloat((int) o) : -Float.intBitsToFloat((int) -o);
    }

    /** {@code count} points evenly through [lo, hi], jittered so they are not all on a short grid. */
    private static float[] linear(float lo, float hi, int count, long seed) {
        Random r = new Random(seed);
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) (lo + (hi - (double) lo) * (i + r.nextDouble()) / count);
        }
        return x;
    }

    private static final float[] SPECIAL = {
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
        Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 2f, -2f, 0.5f, -0.5f,
        Math.nextDown(1f), Math.nextUp(1f), Math.nextDown(-1f), Math.nextUp(-1f), 88.72283f, 88.72284f, 89f, -87.33655f,
        -103.27893f, -103.97208f, -104f, -17.32868f, 9f, 10f, -10f, 0.34657359f, -0.34657359f, 0.70710677f, 1.4142135f,
        1e-7f, -1e-7f, 1e-30f, -1e-30f, 1e-40f, -1e-40f, 16777216f, 3e38f};

    /** Runs the vector form over {@code x}, padded to whole vectors. */
    private static float[] vector(Fn fn, float[] x) {
        int n = (x.length + S.length() - 1) / S.length() * S.length();
        float[] in = Arrays.copyOf(x, n);
        float[] out = new float[n];
        for (int i = 0; i < n; i += S.length()) {
            fn.vector().apply(FloatVector.fromArray(S, in, i)).intoArray(out, i);
        }
        return Arrays.copyOf(out, x.length);
    }

    /** The largest error in ulps of the rounded reference; fails on a wrong special value. */
    private static double worstUlps(Fn fn, float[] x) {
        float[] y = vector(fn, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double ref = fn.reference().applyAsDouble(x[i]);
            float want = (float) ref;
            float got = y[i];
            if (Float.isNaN(want) || Float.isInfinite(want) || want == 0f) {
                // NaN, the infinities and (signed) zero must come out exactly; a result that
                // rounds to zero may also be the smallest subnormal the function's rounding reached.
                boolean ok = Float.isNaN(want) ? Float.isNaN(got)
                        : want == 0f ? Float.floatToRawIntBits(got) == Float.floatToRawIntBits(want)
                                || Math.abs(got) <= Float.MIN_VALUE && Math.copySign(1f, got) == Math.copySign(1f, want)
                        : got == want;
                if (!ok) {
                    fail(fn.name() + "(" + x[i] + ") = " + got + ", expected " + want);
                }
                continue;
            }
            if (!Float.isFinite(got)) {
                fail(fn.name() + "(" + x[i] + ") = " + got + ", expected " + want);
            }
            double err = Math.abs(got - ref) / Math.ulp(want);
            if (err > worst) {
                worst = err;
            }
        }
        return worst;
    }

    private static void accurate(Fn fn) {
        double worst = Math.max(worstUlps(fn, allBinades(1 << 20)),
                Math.max(worstUlps(fn, linear(fn.lo(), fn.hi(), 1 << 20, 3)), worstUlps(fn, SPECIAL)));
        assertTrue(worst <= fn.ulps(), fn.name() + ": " + worst + " ulp");
    }

    private static void sameAsScalarTwin(Fn fn) {
        for (float[] x : new float[][] {allBinades(1 << 18), linear(fn.lo(), fn.hi(), 1 << 18, 5), SPECIAL}) {
            float[] y = vector(fn, x);
            for (int i = 0; i < x.length; i++) {
                float s = fn.scalar().at(x[i]);
                if (!(Float.isNaN(s) && Float.isNaN(y[i]))) {
                    assertEquals(Float.floatToRawIntBits(s), Float.floatToRawIntBits(y[i]), fn.name() + "(" + x[i] + "): " + s + " vs " + y[i]);
                }
            }
        }
    }

    @Test
    void expIsAccurate() {
        accurate(EXP);
    }

    @Test
    void expForDenominatorIsExpWhereOnePlusItDiffersFromOne() {
        // The same bits as exp on [-87, 88.37], where 2^n is a normal float for both; below, 1 + e^x
        // is 1 for both; from 88.38 on (n = 128) it is infinity, where exp is above 1.7e38 or
        // infinity too; NaN stays NaN.
        Fn den = new Fn("expForDenominator", VectorMath::expForDenominator, VectorMath::exp, StrictMath::exp, -87f, 88.37f, 1.5);
        float[] inside = linear(-87f, 88.37f, 200_000, 5);
        float[] want = vector(EXP, inside);
        float[] got = vector(den, inside);
        for (int i = 0; i < inside.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "x=" + inside[i]);
        }
        for (float e : vector(den, new float[] {-87.5f, -100f, -1e4f, Float.NEGATIVE_INFINITY})) {
            assertEquals(1f, 1f + e, "1 + e^x below -87");
        }
        for (float e : vector(den, new float[] {88.38f, 89f, 1e4f, Float.POSITIVE_INFINITY})) {
            assertEquals(Float.POSITIVE_INFINITY, e, "e^x from 88.38 on");
        }
        assertTrue(Float.isNaN(vector(den, new float[] {Float.NaN})[0]));
    }

    @Test
    void expm1IsAccurate() {
        accurate(EXPM1);
    }

    @Test
    void tanhIsAccurate() {
        accurate(TANH);
    }

    @Test
    void logIsAccurate() {
        accurate(LOG);
    }

    @Test
    void log1pIsAccurate() {
        accurate(LOG1P);
    }

    @Test
    void vectorFormsMatchTheirScalarTwinsBitForBit() {
        for (Fn fn : new Fn[] {EXP, EXPM1, TANH, LOG, LOG1P}) {
            sameAsScalarTwin(fn);
        }
    }
}
