package dev.cotenant.runtime;

import static dev.cotenant.ir.GraphBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.passes.Passes;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A convolution that adds its residual writes over the residual's storage when it is the last to
 * read it, never when a later step (or the same step, through another input) still reads it, and
 * the results are those of a plan that writes every value to its own place.
 */
class InPlaceTest {

    /**
     * conv(conv(s)) + s on a stem's output s, or with {@code direct} conv(s) + s (the shortcut is
     * also the convolution's input); then, when {@code reuse}, the shortcut once more. With
     * {@code wide}, 32 channels and a 3x3 residual convolution: the Winograd kernel's case.
     */
    private static Model net(boolean direct, boolean reuse, boolean wide) {
        int ch = wide ? 32 : 20;
        int k = wide ? 3 : 1;
        int p = k / 2;
        GraphBuilder b = new GraphBuilder("g", 3);
        String x = b.input("x", DataType.FLOAT, 2, 3, 10, 10);
        String stem = b.nodeNamed("stem", "Conv", List.of(x, b.normal("w0", 0.4f, ch, 3, 3, 3)), Map.of("pads", ints(1, 1, 1, 1)));
        String mid = direct ? stem : b.nodeNamed("mid", "Conv", List.of(stem, b.normal("wm", 0.2f, ch, ch, 1, 1)), Map.of());
        String pw = b.nodeNamed("pw", "Conv", List.of(mid, b.normal("w1", 0.2f / k, ch, ch, k, k)),
                Map.of("pads", ints(p, p, p, p)));
        String sum = b.nodeNamed("add", "Add", List.of(pw, stem), Map.of());
        String act = b.nodeNamed("relu", "Relu", List.of(sum), Map.of());
        if (reuse) {
            act = b.nodeNamed("again", "Add", List.of(act, stem), Map.of());
        }
        b.output(b.nodeNamed("gap", "GlobalAveragePool", List.of(act), Map.of()));
        return b.model(13);
    }

    private static Step step(Plan p, String op) {
        return p.steps().stream().filter(s -> s.node().opType().equals(op) && s.node().inputs().size() == 4).findFirst().orElseThrow();
    }

    private static boolean shares(Tensor a, Tensor b) {
        return a.array() == b.array() && a.offset() == b.offset();
    }

    @Test
    void theResidualConvolutionWritesOverItsShortcutOnlyWhenNothingReadsItLater() {
        Map<String, TensorType> types = Map.of("x", TensorType.of(DataType.FLOAT, 2, 3, 10, 10));
        Tensor input = Tensor.allocate(DataType.FLOAT, 2, 3, 10, 10);
        Random r = new Random(7);
        for (int i = 0; i < input.size(); i++) {
            input.floats()[i] = r.nextFloat() * 2 - 1;
        }
        for (int k = 0; k < 6; k++) {
            boolean direct = k % 3 == 2;
            boolean reuse = k % 3 == 1;
            Model m = net(direct, reuse, k >= 3);
            Plan blocked = Planner.plan(Passes.optimize(m, types), types, Workers.single());
            Step conv = step(blocked, "BlockedConv");
            if (reuse) {
                assertFalse(shares(conv.inputs()[3], conv.outputs()[0]), "the shortcut is read again after the convolution");
            } else if (direct) {
                assertFalse(shares(conv.inputs()[3], conv.outputs()[0]), "the convolution reads the shortcut as its input too");
            } else {
                assertTrue(shares(conv.inputs()[3], conv.outputs()[0]), "the sum lands where the shortcut was");
            }
            Map<String, Tensor> want = Planner.plan(Passes.optimizeOperators(m, types), types, Workers.single()).run(Map.of("x", input));
            try (Workers two = Workers.create(2)) {
                Map<String, Tensor> got = Planner.plan(Passes.optimize(m, types), types, two).run(Map.of("x", input));
                Tensor a = want.get("gap.out");
                Tensor c = got.get("gap.out");
                for (int i = 0; i < a.size(); i++) {
                    assertEquals(a.floats()[a.offset() + i], c.floats()[c.offset() + i], 1e-4, "case " + k + " at " + i);
                }
            }
        }
    }
}
