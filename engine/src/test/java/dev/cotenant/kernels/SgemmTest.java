package dev.cotenant.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SgemmTest {

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    private static void check(float[] want, float[] got, int off, int k, String what) {
        float tol = 1e-5f * Math.max(1, k);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[off + i], tol, what + " at " + i);
        }
    }

    @Test
    void agreesWithReferenceOnEdgeAndRandomShapes() {
        Random r = new Random(7);
        int[][] shapes = {{1, 1, 1}, {1, 17, 3}, {1, 70, 515}, {6, 16, 1}, {7, 33, 5}, {5, 15, 300}, {13, 1, 9}, {97, 83, 257}, {12, 40, 0},
            {33, 47, Sgemm.KC + 1}, {9, 40, 2 * Sgemm.KC + 3}}; // one and two K blocks past the first: C accumulates between them
        try (Workers two = Workers.create(2)) {
            for (int t = 0; t < 30; t++) {
                int[] s = t < shapes.length ? shapes[t] : new int[] {1 + r.nextInt(70), 1 + r.nextInt(90), r.nextInt(600)};
                int m = s[0], n = s[1], k = s[2];
                boolean ta = r.nextBoolean(), tb = r.nextBoolean();
                float alpha = t % 3 == 0 ? 1f : 0.5f;
                float[] a = random(r, m * k), b = random(r, k * n);
                float[] want = SgemmReference.multiply(m, n, k, a, ta, b, tb, alpha);
                Workers w = t % 2 == 0 ? Workers.single() : two;
                float[] pa = new float[Sgemm.packedASize(m, k) + 3];
                float[] pb = new float[Sgemm.packedBSize(k, n) + 5];
                Sgemm.packA(a, 0, ta ? m : k, ta, m, k, alpha, pa, 3, w);
                Sgemm.packB(b, 0, tb ? k : n, tb, k, n, pb, 5, w);
                int ldc = n + 2;
                float[] c = new float[m * ldc + 1];
                Sgemm.multiply(m, n, k, pa, 3, pb, 5, c, 1, ldc, false, GemmEpilogue.NONE, 0, w);
                float[] got = new float[m * n];
                for (int i = 0; i < m; i++) {
                    System.arraycopy(c, 1 + i * ldc, got, i * n, n);
                }
                check(want, got, 0, k, m + "x" + n + "x" + k);
            }
        }
    }

    @Test
    void epilogueAddsBiasesThenActivates() {
        // One macro tile on one thread, then many (partial ones at the edges) shared by two threads:
        // a pointwise activation runs over each macro tile's rows once they are finished.
        try (Workers two = Workers.create(2)) {
            epilogue(19, 37, Workers.single());
            epilogue(70, 420, two);
        }
    }

    private static void epilogue(int m, int n, Workers w) {
        Random r = new Random(11);
        int k = Sgemm.KC + 44; // the epilogue runs on the last of two K blocks
        float[] a = random(r, m * k), b = random(r, k * n);
        float[] rowBias = random(r, m);
        float[] colBias = new float[Sgemm.packedBSize(1, n)];
        System.arraycopy(random(r, n), 0, colBias, 0, n);
        float[] pa = new float[Sgemm.packedASize(m, k)];
        float[] pb = new float[Sgemm.packedBSize(k, n)];
        Sgemm.packA(a, 0, k, false, m, k, 1f, pa, 0, Workers.single());
        Sgemm.packB(b, 0, n, false, k, n, pb, 0, Workers.single());
        float[] base = SgemmReference.multiply(m, n, k, a, false, b, false, 1f);
        Activation[] acts = {null, new Activation.Relu(), new Activation.Clip(-0.5f, 0.7f), new Activation.LeakyRelu(0.1f),
            new Activation.Sigmoid(), new Activation.HardSwish(), new Activation.HardSigmoid(0.2f, 0.4f), new Activation.Gelu(false)};
        int ldc = n + 3;
        for (Activation act : acts) {
            GemmEpilogue ep = new GemmEpilogue(rowBias, colBias, act);
            float[] c = new float[2 + m * ldc];
            java.util.Arrays.fill(c, 0.25f);
            Sgemm.multiply(m, n, k, pa, 0, pb, 0, c, 2, ldc, true, ep, 0, w);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float want = (float) ep.activate((double) base[i * n + j] + 0.25 + rowBias[i] + colBias[j]);
                    assertEquals(want, c[2 + i * ldc + j], 1e-4 * Math.max(1, Math.abs(want)), ep + " " + m + "x" + n + " at " + i + "," + j);
                }
                for (int j = n; j < ldc && i < m - 1; j++) {
                    assertEquals(0.25f, c[2 + i * ldc + j], ep + ": column " + j + " past the output was written");
                }
            }
        }
    }
}
