package dev.cotenant.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class LanesTest {

    /** The scalar twin: lane i plus lane i + half, halving until one lane is left. */
    private static float foldInHalves(float[] v) {
        float[] a = v.clone();
        for (int half = a.length / 2; half >= 1; half /= 2) {
            float[] next = a.clone();
            for (int i = 0; i < a.length; i++) {
                next[i] = a[i] + a[(i + half) % a.length];
            }
            a = next;
        }
        return a[0];
    }

    @Test
    void sumFoldsInHalvesBitForBit() {
        Random r = new Random(21);
        int w = VectorUnit.FLOAT.length();
        for (int t = 0; t < 2000; t++) {
            float[] v = new float[w];
            for (int i = 0; i < w; i++) {
                // Mixed magnitudes make the order of additions visible in the last bits.
                v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8) - 4));
            }
            float want = foldInHalves(v);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(Lanes.sum(FloatVector.fromArray(VectorUnit.FLOAT, v, 0))),
                    "trial " + t);
        }
    }
}
