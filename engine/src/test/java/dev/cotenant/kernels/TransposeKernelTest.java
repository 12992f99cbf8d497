package dev.cotenant.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransposeKernelTest {

    /** Element-by-element transpose from the definition: the oracle. */
    private static float[] naive(float[] in, int[] dims, int[] perm) {
        int r = dims.length;
        int[] st = new int[r];
        int s = 1;
        for (int i = r - 1; i >= 0; i--) {
            st[i] = s;
            s *= dims[i];
        }
        int[] od = new int[r];
        for (int i = 0; i < r; i++) {
            od[i] = dims[perm[i]];
        }
        float[] out = new float[in.length];
        for (int i = 0; i < out.length; i++) {
            int rem = i;
            int off = 0;
            for (int d = r - 1; d >= 0; d--) {
                off += (rem % od[d]) * st[perm[d]];
                rem /= od[d];
            }
            out[i] = in[off];
        }
        return out;
    }

    private static int[] shuffle(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Test
    void tiledAndGatherMatchTheDefinitionOnRandomShapes() {
        SplittableRandom rnd = new SplittableRandom(7);
        int[] sizes = {1, 2, 3, 7, 16, 31, 33, 40};
        try (Workers w = Workers.create(3)) {
            for (int trial = 0; trial < 300; trial++) {
                int r = 1 + rnd.nextInt(5);
                int[] dims = new int[r];
                long n = 1;
                for (int i = 0; i < r; i++) {
                    dims[i] = sizes[rnd.nextInt(sizes.length)];
                    n *= dims[i];
                }
                if (n > 400_000) {
                    continue;
                }
                int[] perm = shuffle(r, rnd);
                float[] in = new float[(int) n + 5];
                for (int i = 0; i < in.length; i++) {
                    in[i] = rnd.nextInt(1000);
                }
                float[] src = java.util.Arrays.copyOfRange(in, 5, in.length);
                float[] expect = naive(src, dims, perm);
                float[] out = new float[(int) n + 3];
                TransposeKernel.of(dims, perm).run(in, 5, out, 3, trial % 2 == 0 ? w : Workers.single());
                assertArrayEquals(expect, java.util.Arrays.copyOfRange(out, 3, out.length), "dims " + java.util.Arrays.toString(dims) + " perm " + java.util.Arrays.toString(perm));
                float[] ref = new float[(int) n];
                TransposeKernel.gather(dims, perm).run(src, 0, ref, 0, 0, 0, Workers.single());
                assertArrayEquals(expect, ref);
            }
        }
    }

    @Test
    void largeTransposeRunsInParallel() {
        int[] dims = {2, 8, 129, 64};
        int[] perm = {0, 1, 3, 2};
        float[] in = new float[2 * 8 * 129 * 64];
        for (int i = 0; i < in.length; i++) {
            in[i] = i;
        }
        float[] out = new float[in.length];
        try (Workers w = Workers.create(4)) {
            TransposeKernel.of(dims, perm).run(in, 0, out, 0, w);
        }
        assertArrayEquals(naive(in, dims, perm), out);
    }

    @Test
    void otherStorageKindsUseTheGather() {
        long[] in = {1, 2, 3, 4, 5, 6};
        long[] out = new long[6];
        TransposeKernel.of(new int[] {2, 3}, new int[] {1, 0}).run(in, 0, out, 0, Workers.single());
        assertArrayEquals(new long[] {1, 4, 2, 5, 3, 6}, out);
    }
}
