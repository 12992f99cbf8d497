package dev.cotenant.ops;

import static dev.cotenant.ops.CopyFixtures.bind;
import static dev.cotenant.ops.CopyFixtures.i;
import static dev.cotenant.ops.CopyFixtures.ints;
import static dev.cotenant.ops.CopyFixtures.longs;
import static dev.cotenant.ops.CopyFixtures.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.kernels.Workers;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReshapeOpsTest {

    private static final Tensor X = Tensor.of(new float[24], 2, 3, 4);

    @Test
    void reshapeCopiesZerosAndInfersMinusOne() {
        BoundOp b = bind("Reshape", 13, Map.of(), 1, X, longs(0, -1));
        assertArrayEquals(new int[] {2, 12}, b.outputTypes().getFirst().dims());
        assertEquals(0, b.aliasOf());
        BoundOp z = bind("Reshape", 14, Map.of("allowzero", i(1)), 1, Tensor.of(new float[0], 0, 3), longs(3, 0));
        assertArrayEquals(new int[] {3, 0}, z.outputTypes().getFirst().dims());
        assertThrows(ModelException.class, () -> bind("Reshape", 13, Map.of(), 1, X, longs(-1, -1)));
        assertThrows(ModelException.class, () -> bind("Reshape", 13, Map.of(), 1, X, longs(5, -1)));
        assertThrows(ModelException.class, () -> bind("Reshape", 14, Map.of("allowzero", i(1)), 1, X, longs(0, -1)));
    }

    @Test
    void viewsDoNothingOnSharedStorageAndCopyOtherwise() {
        float[] arena = {1, 2, 3, 4, 5, 6, 7};
        Tensor in = Tensor.view(DataType.FLOAT, new int[] {2, 3}, arena, 1);
        BoundOp b = bind("Flatten", 13, Map.of("axis", i(0)), 1, in);
        assertArrayEquals(new int[] {1, 6}, b.outputTypes().getFirst().dims());
        Tensor same = Tensor.view(DataType.FLOAT, new int[] {1, 6}, arena, 1);
        arena[0] = 42;
        b.run(new Tensor[] {in}, new Tensor[] {same}, Workers.single());
        assertEquals(42, arena[0]);
        Tensor other = Tensor.allocate(DataType.FLOAT, 1, 6);
        b.run(new Tensor[] {in}, new Tensor[] {other}, Workers.single());
        assertArrayEquals(new float[] {2, 3, 4, 5, 6, 7}, other.floats());
    }

    @Test
    void squeezeAndUnsqueezeWithNegativeAndUnsortedAxes() {
        Tensor t = Tensor.ofLongs(DataType.INT32, new long[] {1, 2, 3}, 1, 3, 1);
        assertArrayEquals(new int[] {3}, bind("Squeeze", 11, Map.of(), 1, t).outputTypes().getFirst().dims());
        assertArrayEquals(new int[] {1, 3}, bind("Squeeze", 13, Map.of(), 1, t, longs(-1)).outputTypes().getFirst().dims());
        assertArrayEquals(new int[] {1, 3}, bind("Squeeze", 11, Map.of("axes", ints(-1)), 1, t).outputTypes().getFirst().dims());
        assertThrows(ModelException.class, () -> bind("Squeeze", 13, Map.of(), 1, t, longs(1)));
        assertArrayEquals(new int[] {1, 1, 3, 1, 1}, bind("Unsqueeze", 13, Map.of(), 1, t, longs(4, -5)).outputTypes().getFirst().dims());
        assertArrayEquals(new int[] {1, 3, 1, 1}, bind("Unsqueeze", 11, Map.of("axes", ints(3)), 1, t).outputTypes().getFirst().dims());
        assertThrows(ModelException.class, () -> bind("Unsqueeze", 13, Map.of(), 1, t, longs(0, 0)));
        Tensor[] out = run("Identity", 21, Map.of(), 1, t);
        assertArrayEquals(new long[] {1, 2, 3}, out[0].longs());
    }

    @Test
    void shapeConstantAndRange() {
        Tensor[] s = run("Shape", 15, Map.of("start", i(-2)), 1, X);
        assertArrayEquals(new long[] {3, 4}, s[0].longs());
        assertEquals(0, run("Shape", 15, Map.of("start", i(2), "end", i(1)), 1, X)[0].size());
        assertArrayEquals(new long[] {7, 8}, run("Constant", 13, Map.of("value_ints", ints(7, 8)), 1)[0].longs());
        ModelException e = assertThrows(ModelException.class,
                () -> bind("Constant", 13, Map.of("value_string", CopyFixtures.s("x")), 1));
        assertTrue(e.getMessage().contains("string constants are not supported"), e.getMessage());
        Tensor c = run("ConstantOfShape", 20, Map.of("value", new dev.cotenant.ir.Attribute.TensorValue(
                Tensor.ofLongs(DataType.INT64, new long[] {Long.MAX_VALUE}, 1))), 1, longs(2, 2))[0];
        assertArrayEquals(new long[] {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE}, c.longs());
        Tensor r = run("Range", 11, Map.of(), 1, scalar(10), scalar(1), scalar(-3))[0];
        assertArrayEquals(new long[] {10, 7, 4}, r.longs());
        Tensor f = run("Range", 11, Map.of(), 1, Tensor.scalar(0.5f), Tensor.scalar(2f), Tensor.scalar(0.5f))[0];
        assertArrayEquals(new float[] {0.5f, 1f, 1.5f}, f.floats());
    }

    private static Tensor scalar(long v) {
        return Tensor.ofLongs(DataType.INT32, new long[] {v});
    }
}
