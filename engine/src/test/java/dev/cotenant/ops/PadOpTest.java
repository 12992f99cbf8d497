package dev.cotenant.ops;

import static dev.cotenant.ops.CopyFixtures.ints;
import static dev.cotenant.ops.CopyFixtures.longs;
import static dev.cotenant.ops.CopyFixtures.run;
import static dev.cotenant.ops.CopyFixtures.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected values worked out by hand from numpy.pad's definition of each mode. */
class PadOpTest {

    private static final Tensor ROW = Tensor.of(new float[] {1, 2, 3}, 3);

    private static float[] pad(String mode, long before, long after) {
        return run("Pad", 19, Map.of("mode", s(mode)), 1, ROW, longs(before, after))[0].floats();
    }

    @Test
    void everyModeIncludingPadsWiderThanTheInput() {
        assertArrayEquals(new float[] {0, 0, 1, 2, 3, 0}, pad("constant", 2, 1));
        assertArrayEquals(new float[] {1, 2, 3, 2, 1, 2, 3, 2, 1}, pad("reflect", 4, 2));
        assertArrayEquals(new float[] {1, 1, 1, 2, 3, 3, 3, 3}, pad("edge", 2, 3));
        assertArrayEquals(new float[] {3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1}, pad("wrap", 4, 4));
        assertArrayEquals(new float[] {2}, pad("reflect", -1, -1));
    }

    @Test
    void constantValueAxesAndIntegerTypes() {
        Tensor x = Tensor.ofLongs(DataType.INT64, new long[] {1, 2, 3, 4}, 2, 2);
        Tensor v = Tensor.ofLongs(DataType.INT64, new long[] {Long.MIN_VALUE});
        Tensor out = run("Pad", 18, Map.of(), 1, x, longs(1, 0), v, longs(-1))[0];
        assertArrayEquals(new int[] {2, 3}, out.shape());
        assertArrayEquals(new long[] {Long.MIN_VALUE, 1, 2, Long.MIN_VALUE, 3, 4}, out.longs());
        Tensor old = run("Pad", 2, Map.of("pads", ints(0, 1, 0, 0), "value", new dev.cotenant.ir.Attribute.Float(7)), 1,
                Tensor.of(new float[] {1, 2}, 1, 2))[0];
        assertArrayEquals(new float[] {7, 1, 2}, old.floats());
    }
}
