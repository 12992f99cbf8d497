package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp, expm1, tanh, log and log1p of float vectors, each with a scalar twin that gives the same bits.
 *
 * <p>Why not {@code lanewise(VectorOperators.EXP)} and its kin. The Vector API leaves the
 * transcendental operators' last bits to the implementation, and HotSpot uses two: before C2
 * compiles a kernel, a per-lane Java fallback runs; after, an SVML-style intrinsic. The two differ
 * in the last bit on some inputs, so a model gave outputs up to 2.4e-7 apart from one run to the
 * next depending on when the JIT got to its kernels. The functions here are built only from
 * operations whose result IEEE 754 fixes (add, multiply, fused multiply-add, divide, compares,
 * blends, integer arithmetic on the bits), so the interpreter, C1 and C2 compute the same bits,
 * and so does the scalar twin, which a kernel uses for a tail shorter than a vector.
 *
 * <p>exp. x = n ln2 + r with n = round(x / ln2), found by adding 1.5 * 2^23 in the fused
 * multiply-add x * log2(e) + 1.5 * 2^23 so that the rounding to an integer is the hardware's own
 * and n can be read from the low bits. r is x - n ln2_hi - n ln2_lo (Cody and Waite): ln2_hi has 9
 * significant bits, so n * ln2_hi and the first subtraction are exact and only the last step
 * rounds. On |r| <= ln2 / 2, e^r = 1 + r + r^2 q(r), where q, a degree-4 polynomial, is the
 * Chebyshev fit of (e^r - 1 - r) / r^2 (mpmath's chebyfit, absolute error 6.5e-8 on q, so at most
 * 8e-9 relative on e^r). 2^n is built in the exponent field, in two halves so that n from -150 to
 * 128 is covered and overflow to infinity and gradual underflow come out of the last multiply,
 * rounded once. Inputs are clamped to [-104, 89] first, beyond which the float result is 0 or
 * infinity anyway, so no lane's n leaves that range (NaN passes the clamps and stays NaN).
 *
 * <p>expm1 uses the same reduction and the same q: expm1(x) = 2^n expm1(r) + (2^n - 1), with
 * expm1(r) = r + r^2 q(r) accurate relative to r, and the sum done in one fused multiply-add.
 * Without that, exp(x) - 1 would lose all relative accuracy near 0, where ELU and tanh need it.
 *
 * <p>tanh(|x|) = e / (e + 2) with e = expm1(2|x|): relative error stays small down to the smallest
 * floats, as e does, and the division cannot cancel. |x| is clamped to 10, past which tanh is 1.0f,
 * and the sign of x is copied back.
 *
 * <p>log. x = 2^k m with m in [sqrt(1/2), sqrt(2)), split in the bits (subnormals are first scaled
 * by 2^23). With f = m - 1 (exact) and s = f / (2 + f), log(m) = 2 atanh(s) = f - f^2/2 + s (f^2/2
 * + R(s^2)), where R(z) = z P(z) and P, of degree 2, is the Chebyshev fit of (2 atanh(s) / s - 2) /
 * s^2 on s^2 <= 0.0297 (error 2e-7 on P, under 3e-9 relative on log). Written so, the large part f
 * is exact and rounding errors land in terms smaller than f. k ln2 is added in two parts as in exp.
 *
 * <p>log1p(x) reuses log's core on u = 1 + x, carrying the rounding error of that sum, c = x - (u -
 * 1) (exact), into f as c 2^-k: log(1 + x) = k ln2 + log(m + c 2^-k). For small x, f is then x
 * itself.
 *
 * <p>Accuracy against StrictMath, the largest error found over sweeps of the whole float range and
 * dense sweeps where each function bends, in ulps of the correctly rounded result: exp 1.06,
 * expm1 1.60, tanh 2.42, log 0.84, log1p 1.39 ({@code VectorMathTest} holds them to 1.5, 2, 3, 1
 * and 2). Special values are StrictMath's: NaN stays NaN, and the infinities and signed zeros map
 * where it maps them.
 */
final class VectorMath {

    private VectorMath() {}

    private static final float LOG2E = 1.44269504f;
    /** 1.5 * 2^23: adding it rounds to an integer, which then sits in the low mantissa bits. */
    private static final float SHIFTER = 12582912f;
    private static final int SHIFTER_BITS = 0x4b400000;
    /** ln 2 to 9 bits, so that n * LN2_HI is exact for every n an exponent can have. */
    private static final float LN2_HI = 0.693359375f;
    /** ln 2 - LN2_HI. */
    private static final float LN2_LO = -2.12194440e-4f;

    /** q(r) ~ (e^r - 1 - r) / r^2 on [-ln2/2, ln2/2]. */
    private static final float Q0 = 0.5f;
    private static final float Q1 = 0.166665765f;
    private static final float Q2 = 0.0416665540f;
    private static final float Q3 = 0.00836325938f;
    private static final float Q4 = 0.00139262839f;

    /** P(z) ~ (2 atanh(s) / s - 2) / z, z = s^2 <= ((sqrt2 - 1) / (sqrt2 + 1))^2. */
    private static final float P0 = 0.666666856f;
    private static final float P1 = 0.399885510f;
    private static final float P2 = 0.295903174f;

    /** The bits of sqrt(1/2): mantissas are taken from [sqrt(1/2), sqrt(2)). */
    private static final int SQRT_HALF_BITS = 0x3f3504f3;

    private static final float EXP_LO = -104f;
    private static final float EXP_HI = 89f;
    /** e^-87 is a normal float and under half an ulp of 1. */
    private static final float DENOMINATOR_LO = -87f;
    /** expm1 is -1.0f below about -17.3; its 2^(n-1) must stay a normal float. */
    private static final float EXPM1_LO = -30f;
    private static final float TANH_HI = 10f;
    private static final int SIGN = 0x80000000;
    private static final int MANTISSA = 0x007fffff;
    private static final float TWO_23 = 8388608f;

    // ---- exp ----

    /** e^x of every lane. */
    static FloatVector exp(FloatVector x) {
        x = x.blend(EXP_LO, x.compare(VectorOperators.LT, EXP_LO));
        x = x.blend(EXP_HI, x.compare(VectorOperators.GT, EXP_HI));
        FloatVector shifted = x.fma(LOG2E, SHIFTER);
        FloatVector n = shifted.sub(SHIFTER);
        FloatVector r = reduce(x, n);
        FloatVector p = r.mul(r).fma(q(r), r).add(1f);
        IntVector ni = shifted.reinterpretAsInts().sub(SHIFTER_BITS);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        return p.mul(pow2(half)).mul(pow2(ni.sub(half)));
    }

    /**
     * e^x for the denominators {@code 1 + e^x} of sigmoid and Swish: x is clamped to [-87, 89],
     * where 2^n is one normal float or infinity, so the result needs one power of two, not two
     * (one multiply and four integer operations fewer a vector; EfficientNet runs it after most
     * convolutions). The same bits as {@link #exp(FloatVector)} on [-87, 88.37]. Below, e^x is
     * under half an ulp of 1 and {@code 1 + e^x} rounds to 1 either way. From 88.38 on (n = 128)
     * it is infinity where exp is above 1.7e38 (or infinity too): Swish of x below -88.37 is then
     * -0 instead of a value under 6e-37 in magnitude, sigmoid 0 instead of one under 6e-39.
     */
    static FloatVector expForDenominator(FloatVector x) {
        x = x.blend(DENOMINATOR_LO, x.compare(VectorOperators.LT, DENOMINATOR_LO));
        x = x.blend(EXP_HI, x.compare(VectorOperators.GT, EXP_HI));
        FloatVector shifted = x.fma(LOG2E, SHIFTER);
        FloatVector n = shifted.sub(SHIFTER);
        FloatVector r = reduce(x, n);
        FloatVector p = r.mul(r).fma(q(r), r).add(1f);
        return p.mul(pow2(shifted.reinterpretAsInts().sub(SHIFTER_BITS)));
    }

    /** The scalar twin of {@link #exp(FloatVector)}. */
    static float exp(float x) {
        x = x < EXP_LO ? EXP_LO : x;
        x = x > EXP_HI ? EXP_HI : x;
        float shifted = Math.fma(x, LOG2E, SHIFTER);
        float n = shifted - SHIFTER;
        float r = reduce(x, n);
        float p = Math.fma(r * r, q(r), r) + 1f;
        int ni = Float.floatToRawIntBits(shifted) - SHIFTER_BITS;
        int half = ni >> 1;
        return p * pow2(half) * pow2(ni - half);
    }

    // ---- expm1 ----

    /** e^x - 1 of every lane, accurate relative to the result also near 0. */
    static FloatVector expm1(FloatVector x) {
        FloatVector c = x.blend(EXPM1_LO, x.compare(VectorOperators.LT, EXPM1_LO));
        c = c.blend(EXP_HI, c.compare(VectorOperators.GT, EXP_HI));
        // +0 + -0 is +0, so a zero lane is passed through to keep its sign.
        return expm1Core(c).blend(x, x.compare(VectorOperators.EQ, 0f));
    }

    /** The scalar twin of {@link #expm1(FloatVector)}. */
    static float expm1(float x) {
        float c = x < EXPM1_LO ? EXPM1_LO : x;
        c = c > EXP_HI ? EXP_HI : c;
        return x == 0f ? x : expm1Core(c);
    }

    /** expm1 of lanes in [EXPM1_LO, EXP_HI] (or NaN). */
    private static FloatVector expm1Core(FloatVector x) {
        FloatVector shifted = x.fma(LOG2E, SHIFTER);
        FloatVector n = shifted.sub(SHIFTER);
        FloatVector r = reduce(x, n);
        FloatVector em = r.mul(r).fma(q(r), r);
        // h = 2^(n-1), so that n = 128 is representable; 2 (h em + (h - 1/2)) = 2^n em + 2^n - 1.
        FloatVector h = pow2(shifted.reinterpretAsInts().sub(SHIFTER_BITS + 1));
        return h.fma(em, h.sub(0.5f)).mul(2f);
    }

    private static float expm1Core(float x) {
        float shifted = Math.fma(x, LOG2E, SHIFTER);
        float n = shifted - SHIFTER;
        float r = reduce(x, n);
        float em = Math.fma(r * r, q(r), r);
        float h = pow2(Float.floatToRawIntBits(shifted) - (SHIFTER_BITS + 1));
        return Math.fma(h, em, h - 0.5f) * 2f;
    }

    // ---- tanh ----

    /** tanh of every lane. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        a = a.blend(TANH_HI, a.compare(VectorOperators.GT, TANH_HI));
        FloatVector e = expm1Core(a.add(a));
        FloatVector t = e.div(e.add(2f));
        return t.reinterpretAsInts().or(x.reinterpretAsInts().and(SIGN)).reinterpretAsFloats();
    }

    /** The scalar twin of {@link #tanh(FloatVector)}. */
    static float tanh(float x) {
        float a = Math.abs(x);
        a = a > TANH_HI ? TANH_HI : a;
        float e = expm1Core(a + a);
        float t = e / (e + 2f);
        return Float.intBitsToFloat(Float.floatToRawIntBits(t) | (Float.floatToRawIntBits(x) & SIGN));
    }

    // ---- log ----

    /** The natural logarithm of every lane. */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(TWO_23), subnormal);
        IntVector ix = xs.reinterpretAsInts().sub(SQRT_HALF_BITS);
        IntVector k = ix.lanewise(VectorOperators.ASHR, 23);
        FloatVector m = ix.and(MANTISSA).add(SQRT_HALF_BITS).reinterpretAsFloats();
        FloatVector e = toFloat(k);
        e = e.blend(e.sub(23f), subnormal);
        FloatVector y = logCore(m.sub(1f), e);
        y = x.blend(y, x.compare(VectorOperators.LT, Float.POSITIVE_INFINITY));
        y = y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        return y.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
    }

    /** The scalar twin of {@link #log(FloatVector)}. */
    static float log(float x) {
        boolean subnormal = x < Float.MIN_NORMAL;
        float xs = subnormal ? x * TWO_23 : x;
        int ix = Float.floatToRawIntBits(xs) - SQRT_HALF_BITS;
        int k = ix >> 23;
        float m = Float.intBitsToFloat((ix & MANTISSA) + SQRT_HALF_BITS);
        float e = toFloat(k);
        e = subnormal ? e - 23f : e;
        float y = logCore(m - 1f, e);
        y = x < Float.POSITIVE_INFINITY ? y : x;
        y = x == 0f ? Float.NEGATIVE_INFINITY : y;
        return x < 0f ? Float.NaN : y;
    }

    // ---- log1p ----

    /** log(1 + x) of every lane, accurate relative to the result also near 0. */
    static FloatVector log1p(FloatVector x) {
        FloatVector u = x.add(1f);
        IntVector ix = u.reinterpretAsInts().sub(SQRT_HALF_BITS);
        IntVector k = ix.lanewise(VectorOperators.ASHR, 23);
        FloatVector m = ix.and(MANTISSA).add(SQRT_HALF_BITS).reinterpretAsFloats();
        // 1 + x = u + c exactly; c 2^-k is what m misses. k is at most 128 (u near the largest
        // float), where 2^-k is not a normal float but c is 0 anyway: 2^-127 is built as 0.
        FloatVector c = x.sub(u.sub(1f));
        FloatVector f = c.fma(pow2(k.min(127).neg()), m.sub(1f));
        FloatVector y = logCore(f, toFloat(k));
        y = x.blend(y, x.compare(VectorOperators.LT, Float.POSITIVE_INFINITY));
        y = y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, -1f));
        y = y.blend(Float.NaN, x.compare(VectorOperators.LT, -1f));
        return y.blend(x, x.compare(VectorOperators.EQ, 0f));
    }

    /** The scalar twin of {@link #log1p(FloatVector)}. */
    static float log1p(float x) {
        float u = x + 1f;
        int ix = Float.floatToRawIntBits(u) - SQRT_HALF_BITS;
        int k = ix >> 23;
        float m = Float.intBitsToFloat((ix & MANTISSA) + SQRT_HALF_BITS);
        float c = x - (u - 1f);
        float f = Math.fma(c, pow2(-Math.min(k, 127)), m - 1f);
        float y = logCore(f, toFloat(k));
        y = x < Float.POSITIVE_INFINITY ? y : x;
        y = x == -1f ? Float.NEGATIVE_INFINITY : y;
        y = x < -1f ? Float.NaN : y;
        return x == 0f ? x : y;
    }

    /** k ln2 + log(1 + f) for f in [sqrt(1/2) - 1, sqrt(2) - 1]. */
    private static FloatVector logCore(FloatVector f, FloatVector k) {
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector r = z.mul(z.fma(P2, P1).lanewise(VectorOperators.FMA, z, P0));
        FloatVector hfsq = f.mul(f).mul(0.5f);
        FloatVector lo = f.sub(hfsq.sub(s.fma(hfsq.add(r), k.mul(LN2_LO))));
        return k.lanewise(VectorOperators.FMA, LN2_HI, lo);
    }

    private static float logCore(float f, float k) {
        float s = f / (f + 2f);
        float z = s * s;
        float r = z * Math.fma(Math.fma(z, P2, P1), z, P0);
        float hfsq = f * f * 0.5f;
        float lo = f - (hfsq - Math.fma(s, hfsq + r, k * LN2_LO));
        return Math.fma(k, LN2_HI, lo);
    }

    /** The integer k (|k| < 2^22) as a float, through the shifter's bits instead of a conversion. */
    private static FloatVector toFloat(IntVector k) {
        return k.add(SHIFTER_BITS).reinterpretAsFloats().sub(SHIFTER);
    }

    private static float toFloat(int k) {
        return Float.intBitsToFloat(k + SHIFTER_BITS) - SHIFTER;
    }

    /** x - n ln2 in two steps; the first is exact. */
    private static FloatVector reduce(FloatVector x, FloatVector n) {
        return n.lanewise(VectorOperators.FMA, -LN2_LO, n.lanewise(VectorOperators.FMA, -LN2_HI, x));
    }

    private static float reduce(float x, float n) {
        return Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, x));
    }

    private static FloatVector q(FloatVector r) {
        return r.fma(Q4, Q3).lanewise(VectorOperators.FMA, r, Q2).lanewise(VectorOperators.FMA, r, Q1)
                .lanewise(VectorOperators.FMA, r, Q0);
    }

    private static float q(float r) {
        return Math.fma(Math.fma(Math.fma(Math.fma(Q4, r, Q3), r, Q2), r, Q1), r, Q0);
    }

    /** 2^n for n in [-126, 127], built in the exponent field. */
    private static FloatVector pow2(IntVector n) {
        return n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    private static float pow2(int n) {
        return Float.intBitsToFloat((n + 127) << 23);
    }
}
