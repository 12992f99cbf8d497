package dev.cotenant.kernels;

import java.util.Locale;
import java.util.Random;

/**
 * A side-by-side look at SGEMM speed, run by hand (not a test, timings never assert anything):
 * {@code java --add-modules jdk.incubator.vector -cp engine/target/classes:engine/target/test-classes
 * dev.cotenant.kernels.SgemmBench}. Prints GFLOP/s at 1 and 2 threads for square shapes and the
 * 3x3 convolutions of ResNet-50 as GEMMs (M = output channels, K = input channels x 9, N = pixels).
 * Packing of the non-constant operand is included, as it is in a convolution.
 */
public final class SgemmBench {

    private SgemmBench() {}

    public static void main(String[] args) {
        int[][] shapes = {
            {256, 256, 256}, {1024, 1024, 1024},
            {64, 3136, 576}, {128, 784, 1152}, {256, 196, 2304}, {512, 49, 4608},
        };
        String[] names = {"256^3", "1024^3", "r50 conv2_x 3x3", "r50 conv3_x 3x3", "r50 conv4_x 3x3", "r50 conv5_x 3x3"};
        if (args.length >= 3) {
            shapes = new int[args.length / 3][];
            names = new String[shapes.length];
            for (int i = 0; i < shapes.length; i++) {
                shapes[i] = new int[] {Integer.parseInt(args[3 * i]), Integer.parseInt(args[3 * i + 1]), Integer.parseInt(args[3 * i + 2])};
                names[i] = "custom";
            }
        }
        try (Workers two = Workers.create(2)) {
            for (int s = 0; s < shapes.length; s++) {
                int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                double g1 = measure(m, n, k, Workers.single());
                double g2 = measure(m, n, k, two);
                System.out.printf(Locale.ROOT, "%-18s M=%4d N=%5d K=%5d   1 thread %6.1f GFLOP/s   2 threads %6.1f GFLOP/s%n",
                        names[s], m, n, k, g1, g2);
            }
        }
    }

    private static double measure(int m, int n, int k, Workers w) {
        Random r = new Random(1);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat();
        }
        float[] pa = new float[Sgemm.packedASize(m, k)];
        float[] pb = new float[Sgemm.packedBSize(k, n)];
        float[] c = new float[m * n];
        Sgemm.packA(a, 0, k, false, m, k, 1f, pa, 0, w);
        double flops = 2.0 * m * n * k;
        int reps = (int) Math.max(3, 2e9 / flops);
        for (int i = 0; i < reps; i++) {
            Sgemm.packB(b, 0, n, false, k, n, pb, 0, w);
            Sgemm.multiply(m, n, k, pa, 0, pb, 0, c, 0, n, false, GemmEpilogue.NONE, 0, w);
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                Sgemm.packB(b, 0, n, false, k, n, pb, 0, w);
                Sgemm.multiply(m, n, k, pa, 0, pb, 0, c, 0, n, false, GemmEpilogue.NONE, 0, w);
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) reps);
        }
        return flops / best;
    }
}
