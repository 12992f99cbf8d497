package dev.cotenant.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Tensor;
import dev.cotenant.kernels.Workers;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A shape computation on a runtime tensor, as exporters write it, folds away at plan time, and the
 * Reshape it feeds becomes a view of its input's storage.
 */
class ShapeFoldingTest {

    @Test
    void shapeOfARuntimeTensorFoldsAndReshapeIsAView() {
        GraphBuilder g = new GraphBuilder("fold", 1);
        String x = g.input("x", DataType.FLOAT, 2, 3, 4);
        String t = g.node("Transpose", List.of(x), Map.of("perm", GraphBuilder.ints(0, 2, 1)));
        String shape = g.node("Shape", t);
        String first = g.node("Gather", List.of(shape, g.longs("zero", 0)), Map.of("axis", GraphBuilder.i(0)));
        String target = g.node("Concat", List.of(first, g.longs("rest", -1)), Map.of("axis", new Attribute.Int(0)));
        String y = g.node("Reshape", t, target);
        g.output(y);
        Plan plan = Planner.plan(g.model(17), Map.of(), Workers.single());
        assertFalse(plan.interpreted());
        assertEquals(List.of("Transpose", "Reshape"), plan.steps().stream().map(s -> s.node().opType()).toList());
        Tensor tOut = plan.steps().get(0).outputs()[0];
        Tensor yOut = plan.steps().get(1).outputs()[0];
        assertSame(tOut.array(), yOut.array());
        assertEquals(tOut.offset(), yOut.offset());
        float[] v = new float[24];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Tensor out = plan.run(Map.of("x", Tensor.of(v, 2, 3, 4))).get(y);
        assertArrayEquals(new int[] {2, 12}, out.shape());
        assertEquals(4f, out.floats()[1]);
        assertEquals(1f, out.floats()[3]);
    }
}
