package dev.cotenant.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Operators run in parts write exactly what one whole run writes, whatever order the parts run in. */
class PartsTest {

    @Test
    void convolutionsByImageAndByColumnBlock() {
        Random r = new Random(1);
        Map<String, Attribute> pad = new HashMap<>();
        pad.put("pads", new Attribute.Ints(List.of(1L, 1L, 1L, 1L)));
        // Batch 3: parts are images. Batch 1 with a large plane: parts are column blocks.
        check(new Node("c", "Conv", "", List.of("x", "w", "b"), List.of("y"), pad),
                new Tensor[] {ConvOpTest.random(r, 3, 8, 12, 12), ConvOpTest.random(r, 16, 8, 3, 3), ConvOpTest.random(r, 16)}, 3);
        check(new Node("c", "Conv", "", List.of("x", "w", "b"), List.of("y"), pad),
                new Tensor[] {ConvOpTest.random(r, 1, 4, 64, 64), ConvOpTest.random(r, 8, 4, 3, 3), ConvOpTest.random(r, 8)}, 2);
        Map<String, Attribute> dw = new HashMap<>(pad);
        dw.put("group", new Attribute.Int(8));
        check(new Node("c", "Conv", "", List.of("x", "w"), List.of("y"), dw),
                new Tensor[] {ConvOpTest.random(r, 3, 8, 10, 10), ConvOpTest.random(r, 8, 1, 3, 3)}, 3);
    }

    @Test
    void matMulAndGemmByRowPanels() {
        Random r = new Random(2);
        check(new Node("m", "MatMul", "", List.of("a", "b"), List.of("y"), Map.of()),
                new Tensor[] {ConvOpTest.random(r, 3, 21, 17), ConvOpTest.random(r, 17, 9)}, 2);
        Map<String, Attribute> t = new HashMap<>();
        t.put("transA", new Attribute.Int(1));
        t.put("alpha", new Attribute.Float(0.7f));
        t.put("beta", new Attribute.Float(1.3f));
        check(new Node("g", "Gemm", "", List.of("a", "b", "c"), List.of("y"), t),
                new Tensor[] {ConvOpTest.random(r, 19, 45), ConvOpTest.random(r, 19, 11), ConvOpTest.random(r, 11)}, 2);
        check(new Node("g", "Gemm", "", List.of("a", "b", "c"), List.of("y"), Map.of()),
                new Tensor[] {ConvOpTest.random(r, 45, 19), ConvOpTest.random(r, 19, 11), ConvOpTest.random(r, 45, 1)}, 2);
    }

    @Test
    void operatorsThatCannotSplitSayOne() {
        Random r = new Random(3);
        BoundOp relu = bind(new Node("r", "Relu", "", List.of("x"), List.of("y"), Map.of()), new Tensor[] {ConvOpTest.random(r, 4, 4)}, false);
        assertEquals(1, relu.maxParts());
    }

    /** Whole against parts (1..max, at most 4), each part run in reverse order, on one and two threads. */
    private static void check(Node node, Tensor[] in, int atLeast) {
        for (boolean constant : new boolean[] {true, false}) {
            BoundOp op = bind(node, in, constant);
            assertTrue(op.maxParts() >= atLeast, node.opType() + " splits at least " + atLeast + " ways, says " + op.maxParts());
            try (Workers two = Workers.create(2)) {
                for (Workers w : new Workers[] {Workers.single(), two}) {
                    Tensor whole = output(op);
                    op.run(in, new Tensor[] {whole}, w);
                    for (int parts = 1; parts <= Math.min(4, op.maxParts()); parts++) {
                        Tensor split = output(op);
                        for (int p = parts - 1; p >= 0; p--) {
                            op.runPart(in, new Tensor[] {split}, p, parts, w);
                        }
                        for (int i = 0; i < whole.size(); i++) {
                            assertEquals(whole.getDouble(i), split.getDouble(i), 1e-6 * Math.max(1, Math.abs(whole.getDouble(i))),
                                    node.opType() + " in " + parts + " parts, element " + i);
                        }
                    }
                }
            }
        }
    }

    private static BoundOp bind(Node node, Tensor[] in, boolean constant) {
        List<TensorType> types = new ArrayList<>();
        List<Tensor> known = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            types.add(in[i].type());
            known.add(constant && i > 0 ? in[i] : null);
        }
        return OpTable.standard().find(node.domain(), node.opType()).bind(new OpContext(node, 13, types, known));
    }

    /** A NaN-filled output, so that an element no part writes is caught. */
    private static Tensor output(BoundOp op) {
        TensorType t = op.outputTypes().get(0);
        Tensor y = Tensor.allocate(t.dataType(), t.dims());
        java.util.Arrays.fill(y.floats(), Float.NaN);
        return y;
    }
}
