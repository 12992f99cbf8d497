package dev.cotenant.passes;

import static dev.cotenant.ir.GraphBuilder.f;
import static dev.cotenant.ir.GraphBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cotenant.ir.Graph;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.GraphText;
import dev.cotenant.ir.DataType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Structural effect of the graph passes, compared with golden text. */
class PassesGoldenTest {

    private static GraphBuilder convBnRelu() {
        GraphBuilder b = new GraphBuilder("g", 1);
        String x = b.input("x", DataType.FLOAT, 1, 2, 5, 5);
        String w = b.normal("w", 0.5f, 3, 2, 3, 3);
        String y = b.nodeNamed("conv", "Conv", List.of(x, w), Map.of("pads", ints(1, 1, 1, 1)));
        String s = b.uniform("s", 0.5f, 1.5f, 3);
        String t = b.uniform("t", -1, 1, 3);
        String m = b.uniform("m", -1, 1, 3);
        String v = b.uniform("v", 0.5f, 2, 3);
        y = b.nodeNamed("bn", "BatchNormalization", List.of(y, s, t, m, v), Map.of("epsilon", f(1e-3f)));
        y = b.nodeNamed("relu", "Relu", List.of(y), Map.of());
        b.output(y);
        return b;
    }

    @Test
    void batchNormFoldsIntoConvAndReluFusesIntoIt() {
        Graph g = convBnRelu().build();
        Graph folded = new BatchNormFolding().apply(g);
        assertEquals("""
                input x: float[1,2,5,5]
                bn.out = Conv[pads=[1, 1, 1, 1]](x, w.bnfold:float[3,2,3,3], conv.bias.bnfold:float[3])
                relu.out = Relu(bn.out)
                output relu.out
                """, GraphText.of(folded));
        Graph fused = new ActivationFusion().apply(folded);
        assertEquals("""
                input x: float[1,2,5,5]
                relu.out = dev.cotenant::FusedConv[activation="Relu", pads=[1, 1, 1, 1]](x, w.bnfold:float[3,2,3,3], conv.bias.bnfold:float[3])
                output relu.out
                """, GraphText.of(fused));
    }

    @Test
    void batchNormStaysWhenConvOutputHasAnotherReader() {
        GraphBuilder b = convBnRelu();
        b.output("conv.out");
        Graph g = b.build();
        assertEquals(GraphText.of(g), GraphText.of(new BatchNormFolding().apply(g)));
    }

    @Test
    void deadNodesAndInitializersAreRemoved() {
        GraphBuilder b = new GraphBuilder("g", 1);
        String x = b.input("x", DataType.FLOAT, 4);
        String unused = b.normal("unused", 1, 4);
        b.nodeNamed("dead", "Relu", List.of(unused), Map.of());
        String y = b.nodeNamed("live", "Neg", List.of(x), Map.of());
        b.output(y);
        Graph g = new DeadCodeElimination().apply(b.build());
        assertEquals("""
                input x: float[4]
                live.out = Neg(x)
                output live.out
                """, GraphText.of(g));
        assertEquals(0, g.initializers().size());
    }

    @Test
    void erfFormGeluBecomesOneNodeInEitherAssociation() {
        for (boolean halfFirst : new boolean[] {false, true}) {
            GraphBuilder b = new GraphBuilder("g", 1);
            String x = b.input("x", DataType.FLOAT, 2, 8);
            String y = b.nodeNamed("div", "Div", List.of(x, b.constant("sqrt2", dev.cotenant.ir.Tensor.scalar(1.4142135f))), Map.of());
            y = b.nodeNamed("erf", "Erf", List.of(y), Map.of());
            y = b.nodeNamed("add", "Add", List.of(y, b.constant("one", dev.cotenant.ir.Tensor.scalar(1f))), Map.of());
            String half = b.constant("half", dev.cotenant.ir.Tensor.scalar(0.5f));
            if (halfFirst) {
                String xh = b.nodeNamed("mulhalf", "Mul", List.of(x, half), Map.of());
                y = b.nodeNamed("mul", "Mul", List.of(xh, y), Map.of());
            } else {
                y = b.nodeNamed("mul", "Mul", List.of(x, y), Map.of());
                y = b.nodeNamed("mulhalf", "Mul", List.of(y, half), Map.of());
            }
            b.output(y);
            assertEquals("""
                    input x: float[2,8]
                    %s = dev.cotenant::Gelu(x)
                    output %s
                    """.formatted(y, y), GraphText.of(new GeluFusion().apply(b.build())), "half first: " + halfFirst);
        }
    }

    @Test
    void sigmoidTimesItsInputBecomesSwishAndFusesIntoTheConv() {
        for (boolean sigmoidFirst : new boolean[] {false, true}) {
            GraphBuilder b = new GraphBuilder("g", 1);
            String x = b.input("x", DataType.FLOAT, 1, 2, 5, 5);
            String w = b.normal("w", 0.5f, 3, 2, 3, 3);
            String c = b.nodeNamed("conv", "Conv", List.of(x, w), Map.of("pads", ints(1, 1, 1, 1)));
            String s = b.nodeNamed("sig", "Sigmoid", List.of(c), Map.of());
            String y = b.nodeNamed("mul", "Mul", sigmoidFirst ? List.of(s, c) : List.of(c, s), Map.of());
            b.output(y);
            Graph swish = new SwishFusion().apply(b.build());
            assertEquals("""
                    input x: float[1,2,5,5]
                    conv.out = Conv[pads=[1, 1, 1, 1]](x, w:float[3,2,3,3])
                    mul.out = dev.cotenant::Swish(conv.out)
                    output mul.out
                    """, GraphText.of(swish), "sigmoid first: " + sigmoidFirst);
            assertEquals("""
                    input x: float[1,2,5,5]
                    mul.out = dev.cotenant::FusedConv[activation="Swish", pads=[1, 1, 1, 1]](x, w:float[3,2,3,3])
                    output mul.out
                    """, GraphText.of(new ActivationFusion().apply(swish)));
        }
    }

    @Test
    void sigmoidWithAnotherReaderStays() {
        GraphBuilder b = new GraphBuilder("g", 1);
        String x = b.input("x", DataType.FLOAT, 4);
        String s = b.nodeNamed("sig", "Sigmoid", List.of(x), Map.of());
        b.output(b.nodeNamed("mul", "Mul", List.of(x, s), Map.of()));
        b.output(s);
        Graph g = b.build();
        assertEquals(GraphText.of(g), GraphText.of(new SwishFusion().apply(g)));
    }
}
