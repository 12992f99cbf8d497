package dev.cotenant.ops;

import static dev.cotenant.ops.CopyFixtures.i;
import static dev.cotenant.ops.CopyFixtures.longs;
import static dev.cotenant.ops.CopyFixtures.random;
import static dev.cotenant.ops.CopyFixtures.run;
import static dev.cotenant.ops.CopyFixtures.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.kernels.Workers;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Concat and Split undo each other, for every storage kind, axis and split (zero-size parts included). */
class ConcatOpTest {

    @Test
    void splitThenConcatIsTheIdentity() {
        SplittableRandom rnd = new SplittableRandom(3);
        DataType[] types = {DataType.FLOAT, DataType.DOUBLE, DataType.INT64, DataType.UINT8, DataType.FLOAT16, DataType.BOOL};
        try (Workers w = Workers.create(3)) {
            for (int trial = 0; trial < 60; trial++) {
                DataType t = types[trial % types.length];
                int[] shape = {1 + rnd.nextInt(4), 1 + rnd.nextInt(70), 1 + rnd.nextInt(50)};
                if (trial % 10 == 0) {
                    shape = new int[] {8, 64, 300};
                }
                Tensor x = random(t, rnd, shape);
                int axis = rnd.nextInt(3);
                long a = rnd.nextInt(shape[axis] + 1);
                long[] split = {a, 0, shape[axis] - a};
                Tensor[] parts = CopyFixtures.run(CopyFixtures.bind("Split", 13, Map.of("axis", i(axis - 3)), 3, x, longs(split)), 3,
                        new Tensor[] {x, longs(split)}, w);
                Tensor[] back = CopyFixtures.run(CopyFixtures.bind("Concat", 13, Map.of("axis", i(axis)), 1, parts), 1, parts, w);
                assertArrayEquals(values(x), values(back[0]));
            }
        }
    }

    @Test
    void splitByNumOutputsMakesTheLastPartSmaller() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7}, 7);
        Tensor[] p = run("Split", 18, Map.of("num_outputs", i(3)), 3, x);
        assertArrayEquals(new float[] {1, 2, 3}, p[0].floats());
        assertArrayEquals(new float[] {4, 5, 6}, p[1].floats());
        assertArrayEquals(new float[] {7}, p[2].floats());
        Tensor[] q = run("Split", 11, Map.of("split", new Attribute.Ints(java.util.List.of(2L, 5L))), 2, x);
        assertArrayEquals(new float[] {3, 4, 5, 6, 7}, q[1].floats());
        assertThrows(ModelException.class, () -> run("Split", 13, Map.of(), 2, x));
    }

    @Test
    void concatRejectsMismatchedShapes() {
        Tensor a = Tensor.of(new float[6], 2, 3);
        Tensor b = Tensor.of(new float[8], 2, 4);
        assertThrows(ModelException.class, () -> run("Concat", 13, Map.of("axis", i(0)), 1, a, b));
        assertArrayEquals(new int[] {2, 7}, CopyFixtures.bind("Concat", 13, Map.of("axis", i(-1)), 1, a, b).outputTypes().getFirst().dims());
    }
}
