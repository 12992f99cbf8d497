package dev.cotenant.ops;

import static dev.cotenant.ops.CopyFixtures.i;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.kernels.Workers;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatherOpTest {

    private static final Tensor DATA = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);

    @Test
    void anyAxisNegativeIndicesAndRunTimeIndices() {
        Tensor idx = Tensor.ofLongs(DataType.INT32, new long[] {-1, 0, 2, 1}, 2, 2);
        BoundOp b = CopyFixtures.bind("Gather", 13, Map.of("axis", i(1)), 1, new Tensor[] {DATA, idx}, false);
        assertArrayEquals(new int[] {2, 2, 2}, b.outputTypes().getFirst().dims());
        Tensor out = CopyFixtures.run(b, 1, new Tensor[] {DATA, idx}, Workers.single())[0];
        assertArrayEquals(new float[] {2, 0, 2, 1, 5, 3, 5, 4}, out.floats());
        Tensor bad = Tensor.ofLongs(DataType.INT64, new long[] {3}, 1);
        BoundOp late = CopyFixtures.bind("Gather", 13, Map.of("axis", i(1)), 1, new Tensor[] {DATA, bad}, false);
        assertThrows(ModelException.class, () -> CopyFixtures.run(late, 1, new Tensor[] {DATA, bad}, Workers.single()));
        assertThrows(ModelException.class, () -> CopyFixtures.bind("Gather", 13, Map.of("axis", i(1)), 1, DATA, bad));
    }

    @Test
    void scalarIndexDropsTheAxis() {
        Tensor out = CopyFixtures.run("Gather", 13, Map.of(), 1, DATA, Tensor.scalar(-1L))[0];
        assertArrayEquals(new int[] {3}, out.shape());
        assertArrayEquals(new float[] {3, 4, 5}, out.floats());
    }

    @Test
    void expandAndTile() {
        Tensor col = Tensor.ofDoubles(new double[] {1, 2}, 2, 1);
        Tensor e = CopyFixtures.run("Expand", 13, Map.of(), 1, col, CopyFixtures.longs(2, 1, 3))[0];
        assertArrayEquals(new int[] {2, 2, 3}, e.shape());
        assertArrayEquals(new double[] {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2}, e.doubles());
        Tensor t = CopyFixtures.run("Tile", 13, Map.of(), 1, col, CopyFixtures.longs(2, 2))[0];
        assertArrayEquals(new double[] {1, 1, 2, 2, 1, 1, 2, 2}, t.doubles());
    }
}
