package dev.cotenant.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CopyPlanTest {

    @Test
    void contiguousTrailingAxesBecomeOneRow() {
        // Slice rows 1..2 of a 4x3 matrix: one contiguous run.
        CopyPlan p = CopyPlan.of(new int[][] {{3, 6}, {0, 1, 2}});
        assertTrue(p.contiguousRows());
        float[] in = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        float[] out = new float[6];
        p.run(in, 0, out, 0, 0, 0, Workers.single());
        assertArrayEquals(new float[] {3, 4, 5, 6, 7, 8}, out);
    }

    @Test
    void fillAndGatheredRowsForEveryStorageKind() {
        // Pad [1,2] by one on both sides of the last axis, and one row above.
        int[][] maps = {{CopyPlan.FILL, 0}, {CopyPlan.FILL, 0, 1, CopyPlan.FILL}};
        CopyPlan p = CopyPlan.of(maps);
        float[] f = new float[8];
        p.run(new float[] {1, 2}, 0, f, 0, 9, 0, Workers.single());
        assertArrayEquals(new float[] {9, 9, 9, 9, 9, 1, 2, 9}, f);
        double[] d = new double[8];
        p.run(new double[] {1, 2}, 0, d, 0, -1, 0, Workers.single());
        assertArrayEquals(new double[] {-1, -1, -1, -1, -1, 1, 2, -1}, d);
        long[] l = new long[8];
        p.run(new long[] {Long.MAX_VALUE, 2}, 0, l, 0, 0, Long.MIN_VALUE, Workers.single());
        assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, 2, Long.MIN_VALUE}, l);
    }

    @Test
    void parallelRunMatchesSerial() {
        int rows = 700;
        int cols = 300;
        int[][] maps = {CopyPlan.stepMap(rows, rows - 1, -1, cols), CopyPlan.stepMap(cols / 2, cols - 1, -2, 1)};
        CopyPlan p = CopyPlan.of(maps);
        float[] in = new float[rows * cols];
        for (int i = 0; i < in.length; i++) {
            in[i] = i;
        }
        float[] a = new float[p.size()];
        float[] b = new float[p.size()];
        p.run(in, 0, a, 0, 0, 0, Workers.single());
        try (Workers w = Workers.create(3)) {
            p.run(in, 0, b, 0, 0, 0, w);
        }
        assertArrayEquals(a, b);
        assertTrue(a[0] == in.length - 1);
    }
}
