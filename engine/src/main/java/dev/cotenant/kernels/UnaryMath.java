package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Functions the Vector API does not offer as lanewise operators (erf, erfc), as a fast vector form
 * and a double-precision scalar reference, for the activation and unary kernels.
 *
 * <p>The vector forms split at |x| = 0.5. Below, erf is its odd Maclaurin polynomial (relative error
 * under 1e-7). Above, erfc(z) = erfcx(z) exp(-z^2), where the scaled function erfcx is smooth and is
 * a degree-9 polynomial in t = 1 / (1 + z/2), least-squares fitted here for relative error on
 * [0.5, 12] (4e-7 in float arithmetic). Working with erfc keeps relative accuracy in the tail, where
 * {@code 1 + erf(x)} for negative x would cancel (GELU's negative side needs exactly that).
 */
public final class UnaryMath {

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    private static final int W = S.length();

    private UnaryMath() {}

    /** The error function in double precision. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax >= 2) {
            return Math.signum(x) * (1 - erfcLarge(ax));
        }
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return sum * 2 / Math.sqrt(Math.PI);
    }

    /** The complementary error function {@code 1 - erf(x)} in double precision, accurate in the tail. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        return x >= 2 ? erfcLarge(x) : 1 - erf(x);
    }

    /** erfc for x >= 2 from its continued fraction, evaluated bottom-up. */
    private static double erfcLarge(double x) {
        if (x > 27) {
            return 0;
        }
        double f = x;
        for (int k = 120; k >= 1; k--) {
            f = x + (k / 2.0) / f;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    // erfcx(z) on [0.5, 12] as a polynomial in t = 1 / (1 + z/2), constant term first. Both
    // polynomials run as chains of fused multiply-adds: as a multiply and an add per term they took
    // a quarter longer (GELU over 64K values, one Zen 3 core: 145 -> 109-111 us). The bits change
    // from those of the separate operations, but not between runs: fma rounds once, everywhere.
    private static final float C0 = 2.62890376e-06f;
    private static final float C1 = 0.282008469f;
    private static final float C2 = 0.283324659f;
    private static final float C3 = 0.236833334f;
    private static final float C4 = 0.227563858f;
    private static final float C5 = -0.0884179249f;
    private static final float C6 = 0.374651164f;
    private static final float C7 = -0.579252124f;
    private static final float C8 = 0.333337992f;
    private static final float C9 = -0.0700525045f;
    // 2/sqrt(pi) times the Maclaurin coefficients of erf: 1, -1/3, 1/10, -1/42, 1/216, -1/1320.
    private static final float E0 = 1.1283791670955126f;
    private static final float E1 = (float) (-1.1283791670955126 / 3);
    private static final float E2 = (float) (1.1283791670955126 / 10);
    private static final float E3 = (float) (-1.1283791670955126 / 42);
    private static final float E4 = (float) (1.1283791670955126 / 216);
    private static final float E5 = (float) (-1.1283791670955126 / 1320);

    /** erf for |x| < 0.5: 2/sqrt(pi) (x - x^3/3 + x^5/10 - x^7/42 + x^9/216 - x^11/1320), by FMAs. */
    private static FloatVector erfNear(FloatVector x) {
        FloatVector x2 = x.mul(x);
        return x2.fma(E5, E4).lanewise(VectorOperators.FMA, x2, E3).lanewise(VectorOperators.FMA, x2, E2)
                .lanewise(VectorOperators.FMA, x2, E1).lanewise(VectorOperators.FMA, x2, E0).mul(x);
    }

    /**
     * erfc of lanes that are at least 0.5 (others give finite garbage, to be blended away), given
     * {@code t = 1 / (1 + |z|/2)} and {@code e = exp(-z^2)}.
     */
    private static FloatVector erfcFar(FloatVector t, FloatVector e) {
        FloatVector p = t.fma(C9, C8).lanewise(VectorOperators.FMA, t, C7).lanewise(VectorOperators.FMA, t, C6)
                .lanewise(VectorOperators.FMA, t, C5).lanewise(VectorOperators.FMA, t, C4).lanewise(VectorOperators.FMA, t, C3)
                .lanewise(VectorOperators.FMA, t, C2).lanewise(VectorOperators.FMA, t, C1).lanewise(VectorOperators.FMA, t, C0);
        return p.mul(e);
    }

    /** erf of every lane, to about 5e-7 relative, given {@code t} and {@code e} of {@link #erfcFar}. */
    private static FloatVector erf(FloatVector x, FloatVector t, FloatVector e) {
        FloatVector ax = x.abs();
        FloatVector far = erfcFar(t, e).neg().add(1f);
        far = far.lanewise(VectorOperators.NEG, x.compare(VectorOperators.LT, 0f));
        VectorMask<Float> small = ax.compare(VectorOperators.LT, 0.5f);
        return far.blend(erfNear(x), small);
    }

    /**
     * {@code 1 + erf(x)} of every lane, to about 5e-7 relative also where it is tiny (x far below 0),
     * given {@code t} and {@code e} of {@link #erfcFar}.
     */
    private static FloatVector onePlusErf(FloatVector x, FloatVector t, FloatVector e) {
        FloatVector ax = x.abs();
        FloatVector c = erfcFar(t, e);
        VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
        FloatVector far = c.neg().add(2f).blend(c, negative);
        VectorMask<Float> small = ax.compare(VectorOperators.LT, 0.5f);
        return far.blend(erfNear(x).add(1f), small);
    }

    // Why two passes. Written as one expression per vector (exp, a division and two polynomials),
    // erf outgrew what C2 inlines in one compilation: parts of the Vector API were left as calls,
    // every vector crossing them was boxed, and erf ran at 60 ns a vector where exp alone ran at
    // 6 (GELU on 64K values, one thread, Zen 3: 600 us; 154 with the Vector API's own EXP). So
    // exp(-x^2) runs as a loop of its own into a chunk of scratch in L1, and the rest reads it
    // back: 137 us. That needs the first loop compiled apart from the second; C2 inlines it (it is
    // small and hot) unless told not to, which the launcher does
    // (-XX:CompileCommand=dontinline,...UnaryMath::expNegSquares); inlined, GELU takes 265 us.

    // The first pass also takes the division of t = 1 / (1 + z/2) off the second, whose chain of
    // dependent operations (division, nine fused multiply-adds, blends) was what bounded it, and
    // its exp needs one power of two: -z^2 is never positive, and below -87, where exp would need
    // two, e is taken as 0, erfc(z) being under 1e-39 there (and GELU of -infinity NaN, as
    // -infinity times 0). GELU over 64K values, one Zen 3 core: 107 -> 93 us.

    private static final int CHUNK = 256;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][CHUNK]);

    /**
     * For {@code n} values ({@code n} a multiple of the vector length) and z = scale x[i]:
     * {@code e[i] = exp(-z^2)} (0 below e^-87) and {@code t[i] = 1 / (1 + |z|/2)}.
     */
    private static void expNegSquares(float[] x, int xo, float scale, float[] e, float[] t, int n) {
        for (int i = 0; i < n; i += W) {
            FloatVector z = FloatVector.fromArray(S, x, xo + i).mul(scale);
            FloatVector a = z.mul(z).neg();
            VectorMath.expForDenominator(a).blend(0f, a.compare(VectorOperators.LT, -87f)).intoArray(e, i);
            z.broadcast(1f).div(z.abs().fma(0.5f, 1f)).intoArray(t, i);
        }
    }

    /** erf of {@code src[so, so + bound)} into {@code dst}, {@code bound} a multiple of the vector length. */
    static void erf(float[] src, int so, float[] dst, int dOff, int bound) {
        float[][] scratch = SCRATCH.get();
        float[] e = scratch[0];
        float[] t = scratch[1];
        for (int c = 0; c < bound; c += CHUNK) {
            int n = Math.min(CHUNK, bound - c);
            expNegSquares(src, so + c, 1f, e, t, n);
            for (int i = 0; i < n; i += W) {
                erf(FloatVector.fromArray(S, src, so + c + i), FloatVector.fromArray(S, t, i), FloatVector.fromArray(S, e, i))
                        .intoArray(dst, dOff + c + i);
            }
        }
    }

    /**
     * GELU, {@code x (1 + erf(x / sqrt 2)) / 2}, of {@code src[so, so + bound)} into {@code dst},
     * {@code bound} a multiple of the vector length; {@code dst} may be {@code src}.
     */
    static void gelu(float[] src, int so, float[] dst, int dOff, int bound) {
        float r = (float) (1 / Math.sqrt(2));
        float[][] scratch = SCRATCH.get();
        float[] e = scratch[0];
        float[] t = scratch[1];
        for (int c = 0; c < bound; c += CHUNK) {
            int n = Math.min(CHUNK, bound - c);
            expNegSquares(src, so + c, r, e, t, n);
            for (int i = 0; i < n; i += W) {
                FloatVector v = FloatVector.fromArray(S, src, so + c + i);
                v.mul(0.5f).mul(onePlusErf(v.mul(r), FloatVector.fromArray(S, t, i), FloatVector.fromArray(S, e, i)))
                        .intoArray(dst, dOff + c + i);
            }
        }
    }
}
