package dev.cotenant.ops;

import static dev.cotenant.ops.CopyFixtures.ints;
import static dev.cotenant.ops.CopyFixtures.longs;
import static dev.cotenant.ops.CopyFixtures.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SliceOpTest {

    /**
     * Indices along one axis by the specification's rules; they differ from Python's slices in
     * one place: a negative step clamps a start below the axis to 0, not to "before the axis".
     */
    private static List<Integer> pythonSlice(long start, long end, long step, int n) {
        long s = start < 0 ? start + n : start;
        long e = end < 0 ? end + n : end;
        List<Integer> r = new ArrayList<>();
        if (step > 0) {
            s = Math.max(0, Math.min(n, s));
            e = Math.max(0, Math.min(n, e));
            for (long k = s; k < e; k += step) {
                r.add((int) k);
            }
        } else {
            s = Math.max(0, Math.min(n - 1, s));
            e = Math.max(-1, Math.min(n - 1, e));
            for (long k = s; k > e; k += step) {
                r.add((int) k);
            }
        }
        return r;
    }

    @Test
    void randomSlicesMatchPythonSemantics() {
        SplittableRandom rnd = new SplittableRandom(11);
        long[] edges = {Long.MIN_VALUE, -100, -5, -3, -1, 0, 1, 2, 4, 7, 100, Long.MAX_VALUE};
        for (int trial = 0; trial < 300; trial++) {
            int rows = 1 + rnd.nextInt(6);
            int cols = 1 + rnd.nextInt(7);
            long[] v = new long[rows * cols];
            for (int i = 0; i < v.length; i++) {
                v[i] = i;
            }
            Tensor x = Tensor.ofLongs(DataType.INT64, v, rows, cols);
            long s0 = edges[rnd.nextInt(edges.length)];
            long e0 = edges[rnd.nextInt(edges.length)];
            long s1 = edges[rnd.nextInt(edges.length)];
            long e1 = edges[rnd.nextInt(edges.length)];
            long st0 = rnd.nextBoolean() ? 1 + rnd.nextInt(3) : -1 - rnd.nextInt(3);
            long st1 = rnd.nextBoolean() ? 1 + rnd.nextInt(3) : -1 - rnd.nextInt(3);
            // axes given in reverse order, negative
            Tensor out = run("Slice", 13, Map.of(), 1, x, longs(s1, s0), longs(e1, e0), longs(-1, -2), longs(st1, st0))[0];
            List<Integer> r = pythonSlice(s0, e0, st0, rows);
            List<Integer> c = pythonSlice(s1, e1, st1, cols);
            long[] expect = new long[r.size() * c.size()];
            int k = 0;
            for (int a : r) {
                for (int b : c) {
                    expect[k++] = a * cols + b;
                }
            }
            assertArrayEquals(new int[] {r.size(), c.size()}, out.shape());
            assertArrayEquals(expect, out.longs());
        }
    }

    @Test
    void attributeFormBeforeOpset10() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor out = run("Slice", 9, Map.of("starts", ints(1), "ends", ints(1000), "axes", ints(1)), 1, x)[0];
        assertArrayEquals(new float[] {1, 2, 4, 5}, out.floats());
        assertThrows(ModelException.class, () -> run("Slice", 13, Map.of(), 1, x, longs(0), longs(1), longs(0), longs(0)));
    }
}
