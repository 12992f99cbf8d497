package dev.cotenant.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DropoutOpTest {

    @Test
    void generatorFollowsTheMersenneTwisterReferenceSequence() {
        // 2^32 * (first 53-bit draw) for seed 5489, the generator's customary default: the first
        // 32-bit output of MT19937 for that seed is 3499211612.
        DropoutMask m = new DropoutMask();
        m.seed(5489);
        double d = m.nextDouble();
        assertEquals(3499211612L >>> 5, (long) (d * (1L << 27)));
    }

    @Test
    void inferenceIsAViewWithAnAllTrueMask() {
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3);
        BoundOp b = CopyFixtures.bind("Dropout", 13, Map.of(), 2, x);
        assertEquals(0, b.aliasOf());
        Tensor[] out = CopyFixtures.run("Dropout", 13, Map.of(), 2, x);
        assertArrayEquals(x.floats(), out[0].floats());
        assertArrayEquals(new long[] {1, 1, 1}, out[1].longs());
        assertEquals(DataType.FLOAT, CopyFixtures.bind("Dropout", 7, Map.of(), 2, x).outputTypes().get(1).dataType());
    }

    @Test
    void trainingKeepsAboutOneMinusRatioAndScales() {
        float[] v = new float[10_000];
        java.util.Arrays.fill(v, 1f);
        Tensor x = Tensor.of(v, v.length);
        Tensor ratio = Tensor.scalar(0.25f);
        Tensor on = Tensor.ofLongs(DataType.BOOL, new long[] {1});
        BoundOp b = CopyFixtures.bind("Dropout", 22, Map.of("seed", CopyFixtures.i(3)), 2, x, ratio, on);
        assertEquals(-1, b.aliasOf());
        Tensor[] out = CopyFixtures.run("Dropout", 22, Map.of("seed", CopyFixtures.i(3)), 2, x, ratio, on);
        int kept = 0;
        for (int i = 0; i < v.length; i++) {
            float y = out[0].floats()[i];
            assertEquals(out[1].longs()[i] == 1 ? 4f / 3f : 0f, y, 1e-6f);
            kept += (int) out[1].longs()[i];
        }
        assertEquals(7500, kept, 200);
        Tensor[] again = CopyFixtures.run("Dropout", 22, Map.of("seed", CopyFixtures.i(3)), 2, x, ratio, on);
        assertArrayEquals(out[1].longs(), again[1].longs());
    }
}
