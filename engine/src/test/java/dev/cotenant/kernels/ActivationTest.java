package dev.cotenant.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class ActivationTest {

    static final List<Activation> ALL = List.of(
            new Activation.Relu(), new Activation.LeakyRelu(0.1f), new Activation.Clip(-1.5f, 2f),
            new Activation.Sigmoid(), new Activation.Tanh(), new Activation.HardSigmoid(0.2f, 0.5f),
            new Activation.HardSwish(), new Activation.Elu(1.3f), new Activation.Selu(1.6732632f, 1.050701f),
            new Activation.Softplus(), new Activation.Softsign(), new Activation.Gelu(false), new Activation.Gelu(true),
            new Activation.ThresholdedRelu(0.7f), new Activation.Celu(0.8f), new Activation.Mish(), new Activation.Swish());

    static final int[] SIZES = {0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 257, 1000};

    @Test
    void fastKernelAgreesWithReference() {
        Random r = new Random(7);
        for (Activation f : ALL) {
            for (int n : SIZES) {
                for (double scale : new double[] {0.01, 1, 8, 60}) {
                    int off = r.nextInt(5);
                    float[] a = new float[n + off + 3];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = (float) (r.nextGaussian() * scale);
                    }
                    float[] expect = a.clone();
                    f.applyReference(expect, off, off + n);
                    float[] got = a.clone();
                    f.apply(got, off, off + n);
                    for (int i = 0; i < a.length; i++) {
                        double tol = 2e-6 * Math.abs(expect[i]) + 1e-7;
                        if (!(Math.abs(got[i] - expect[i]) <= tol) && !(Float.isNaN(got[i]) && Float.isNaN(expect[i]))) {
                            fail(f + " n=" + n + " at " + i + " x=" + a[i] + ": " + got[i] + " vs " + expect[i]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void anElementGetsTheSameBitsInTheVectorBodyAndInTheTail() {
        Random r = new Random(11);
        int w = VectorUnit.FLOAT.length();
        float[] a = new float[4 * w + 3];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() * 4);
        }
        for (Activation f : ALL) {
            float[] whole = new float[a.length];
            f.apply(a, 0, whole, 0, a.length);
            float[] one = new float[1];
            for (int i = 0; i < a.length; i++) {
                f.apply(a, i, one, 0, 1);
                assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(one[0]), f + " x=" + a[i]);
            }
        }
    }

    @Test
    void outOfPlaceWritesOnlyTheTarget() {
        float[] src = {-2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -10, 11, 12, 13, -14, 15};
        float[] dst = new float[src.length + 2];
        new Activation.Relu().apply(src, 1, dst, 2, src.length - 1);
        assertEquals(0f, dst[0]);
        assertEquals(0f, dst[1]);
        assertEquals(0f, dst[2]);
        assertEquals(15f, dst[2 + src.length - 2]);
        assertEquals(0f, dst[dst.length - 1]);
        assertEquals(0f, dst[2 + 11]);
        assertEquals(11f, dst[2 + 12]);
    }

    @Test
    void extremesAndNaN() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e30f, -1e30f, 100f, -100f, 0f};
        for (Activation f : ALL) {
            float[] expect = x.clone();
            f.applyReference(expect, 0, x.length);
            // widen to a vector's length so the fast path is taken
            float[] big = new float[64];
            for (int i = 0; i < big.length; i++) {
                big[i] = x[i % x.length];
            }
            f.apply(big, 0, big.length);
            for (int i = 0; i < big.length; i++) {
                float e = expect[i % x.length];
                float g = big[i];
                boolean ok = Float.isNaN(e) ? Float.isNaN(g) : Math.abs(g - e) <= 2e-6 * Math.abs(e) + 1e-7 || g == e;
                if (!ok) {
                    fail(f + " x=" + x[i % x.length] + ": " + g + " vs " + e);
                }
            }
        }
    }

    @Test
    void fromOnnxNames() {
        Map<String, Float> attrs = Map.of("alpha", 0.3f);
        Activation.Parameters p = (name, d) -> attrs.getOrDefault(name, d);
        assertEquals(new Activation.LeakyRelu(0.3f), Activation.of("LeakyRelu", p));
        assertEquals(new Activation.HardSigmoid(0.3f, 0.5f), Activation.of("HardSigmoid", p));
        assertEquals(new Activation.Clip(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY), Activation.of("Clip", p));
        for (Activation f : ALL) {
            assertEquals(true, Activation.supports(f.onnxName()));
        }
        assertThrows(IllegalArgumentException.class, () -> Activation.of("Conv", p));
    }

    @Test
    void erfReference() {
        assertEquals(0.8427007929497149, UnaryMath.erf(1), 1e-15);
        assertEquals(-0.9953222650189527, UnaryMath.erf(-2), 1e-15);
        assertEquals(0.9999999845827421, UnaryMath.erf(4), 1e-15);
        assertEquals(1.541725790028002e-8, UnaryMath.erfc(4), 1e-20);
        assertEquals(0.004677734981047266, UnaryMath.erfc(2), 1e-16);
        assertEquals(1.1283791670579e-5, UnaryMath.erf(1e-5), 1e-18);
    }
}
