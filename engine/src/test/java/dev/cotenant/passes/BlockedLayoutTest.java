package dev.cotenant.passes;

import static dev.cotenant.ir.GraphBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.GraphText;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.runtime.Planner;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The blocked-layout pass on a small residual network with a stem, a depthwise convolution, a
 * pool, a shortcut and a reader that stays in NCHW: which nodes it makes, and that the blocked plan
 * computes what the NCHW plan computes.
 */
class BlockedLayoutTest {

    private static Model residualNet() {
        GraphBuilder b = new GraphBuilder("g", 3);
        String x = b.input("x", DataType.FLOAT, 2, 3, 12, 12);
        String stem = b.nodeNamed("stem", "Conv", List.of(x, b.normal("w0", 0.4f, 20, 3, 3, 3), b.normal("b0", 0.1f, 20)),
                Map.of("pads", ints(1, 1, 1, 1), "strides", ints(2, 2)));
        stem = b.nodeNamed("stem_relu", "Relu", List.of(stem), Map.of());
        String pooled = b.nodeNamed("pool", "MaxPool", List.of(stem), Map.of("kernel_shape", ints(3, 3), "pads", ints(1, 1, 1, 1)));
        String dw = b.nodeNamed("dw", "Conv", List.of(pooled, b.normal("w1", 0.3f, 20, 1, 3, 3)),
                Map.of("group", GraphBuilder.i(20), "pads", ints(1, 1, 1, 1)));
        String pw = b.nodeNamed("pw", "Conv", List.of(dw, b.normal("w2", 0.2f, 20, 20, 1, 1)), Map.of());
        String sum = b.nodeNamed("add", "Add", List.of(pw, pooled), Map.of());
        String act = b.nodeNamed("relu", "Relu", List.of(sum), Map.of());
        String side = b.nodeNamed("neg", "Neg", List.of(act), Map.of());
        String gap = b.nodeNamed("gap", "GlobalAveragePool", List.of(act), Map.of());
        b.output(gap);
        b.output(side);
        return b.model(13);
    }

    @Test
    void convolutionalPartRunsBlockedWithConversionsOnlyAtItsEdges() {
        Model m = residualNet();
        Map<String, TensorType> types = Map.of("x", TensorType.of(DataType.FLOAT, 2, 3, 12, 12));
        Model blocked = Passes.optimize(m, types);
        String text = GraphText.of(blocked.graph());
        // The stem reads NCHW (3 channels), the shortcut Add and its Relu fold into the pointwise
        // convolution, the pool is blocked, the Neg reads NCHW through one conversion, and the
        // global pool writes NCHW directly.
        assertEquals("""
                input x: float[2,3,12,12]
                stem_relu.out#blocked = dev.cotenant::BlockedConv[activation="Relu", pads=[1, 1, 1, 1], strides=[2, 2]](x, w0:float[20,3,3,3], b0:float[20])
                pool.out#blocked = dev.cotenant::BlockedMaxPool[channels=20, kernel_shape=[3, 3], pads=[1, 1, 1, 1]](stem_relu.out#blocked)
                dw.out#blocked = dev.cotenant::BlockedConv[group=20, pads=[1, 1, 1, 1]](pool.out#blocked, w1:float[20,1,3,3])
                relu.out#blocked = dev.cotenant::BlockedConv[activation="Relu"](dw.out#blocked, w2:float[20,20,1,1], , pool.out#blocked)
                relu.out = dev.cotenant::FromBlocked[channels=20](relu.out#blocked)
                neg.out = Neg(relu.out)
                gap.out = dev.cotenant::BlockedGlobalAveragePool[channels=20](relu.out#blocked)
                output gap.out
                output neg.out
                """, text);
        Tensor input = Tensor.allocate(DataType.FLOAT, 2, 3, 12, 12);
        Random r = new Random(4);
        for (int i = 0; i < input.size(); i++) {
            input.floats()[i] = r.nextFloat() * 2 - 1;
        }
        Map<String, Tensor> want = Planner.plan(Passes.optimizeOperators(m, types), types, Workers.single()).run(Map.of("x", input));
        try (Workers two = Workers.create(2)) {
            Map<String, Tensor> got = Planner.plan(blocked, types, two).run(Map.of("x", input));
            assertEquals(want.keySet(), got.keySet());
            for (String k : want.keySet()) {
                float[] a = want.get(k).floats();
                float[] c = got.get(k).floats();
                assertEquals(want.get(k).size(), got.get(k).size());
                for (int i = 0; i < want.get(k).size(); i++) {
                    assertEquals(a[want.get(k).offset() + i], c[got.get(k).offset() + i], 1e-4, k + " at " + i);
                }
            }
        }
    }
}
