package dev.cotenant.kernels;

import java.util.Random;

/** Inputs for the kernel tests and their double-precision copies for the reference kernels. */
final class TestArrays {

    private TestArrays() {}

    /** {@code n} values uniform in [-1, 1). */
    static float[] uniform(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
