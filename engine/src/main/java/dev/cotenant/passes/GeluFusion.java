package dev.cotenant.passes;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ops.OpTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recognises GELU written out as {@code x * 0.5 * (1 + erf(x / sqrt 2))} (how exporters before
 * opset 20 emit it, in either association of the products) and replaces the five nodes with one
 * Gelu, which reads and writes memory once instead of five times.
 */
public final class GeluFusion implements Pass {

    @Override
    public Graph apply(Graph g) {
        Uses uses = new Uses(g);
        Map<String, Tensor> c = g.initializers();
        Set<Node> removed = new HashSet<>();
        Map<Node, Node> replaced = new HashMap<>();
        for (Node erf : g.nodes()) {
            if (!erf.opType().equals("Erf") || !erf.domain().isEmpty()) {
                continue;
            }
            Node scale = uses.producer(erf.inputs().getFirst());
            if (scale == null || uses.soleConsumer(scale.outputs().getFirst()) != erf) {
                continue;
            }
            String x = scaledInput(scale, c);
            if (x == null) {
                continue;
            }
            Node plusOne = uses.soleConsumer(erf.outputs().getFirst());
            if (plusOne == null || !plusOne.opType().equals("Add") || !isConst(other(plusOne, erf.outputs().getFirst()), c, 1.0)) {
                continue;
            }
            Node m1 = uses.soleConsumer(plusOne.outputs().getFirst());
            if (m1 == null || !m1.opType().equals("Mul")) {
                continue;
            }
            String partner = other(m1, plusOne.outputs().getFirst());
            List<Node> chain;
            String out;
            if (x.equals(partner)) {
                // (x * (1 + erf)) * 0.5
                Node m2 = uses.soleConsumer(m1.outputs().getFirst());
                if (m2 == null || !m2.opType().equals("Mul") || !isConst(other(m2, m1.outputs().getFirst()), c, 0.5)) {
                    continue;
                }
                chain = List.of(scale, erf, plusOne, m1, m2);
                out = m2.outputs().getFirst();
            } else {
                // (x * 0.5) * (1 + erf)
                Node half = uses.producer(partner);
                if (half == null || !half.opType().equals("Mul") || uses.soleConsumer(partner) != m1
                        || !(half.inputs().contains(x) && isConst(other(half, x), c, 0.5))) {
                    continue;
                }
                chain = List.of(half, scale, erf, plusOne, m1);
                out = m1.outputs().getFirst();
            }
            if (chain.stream().anyMatch(removed::contains)) {
                continue;
            }
            Node gelu = new Node(erf.name().isEmpty() ? "gelu" : erf.name() + ".gelu", "Gelu", OpTable.COTENANT_DOMAIN,
                    List.of(x), List.of(out), Map.of());
            removed.addAll(chain);
            replaced.put(chain.getLast(), gelu);
        }
        if (replaced.isEmpty()) {
            return g;
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (replaced.containsKey(n)) {
                nodes.add(replaced.get(n));
            } else if (!removed.contains(n)) {
                nodes.add(n);
            }
        }
        return new DeadCodeElimination().apply(g.withNodes(nodes));
    }

    /** For {@code Div(x, sqrt 2)} or {@code Mul(x, 1/sqrt 2)}, returns x. */
    private static String scaledInput(Node n, Map<String, Tensor> c) {
        if (n.inputs().size() != 2) {
            return null;
        }
        if (n.opType().equals("Div") && isConst(n.inputs().get(1), c, Math.sqrt(2))) {
            return n.inputs().get(0);
        }
        if (n.opType().equals("Mul")) {
            if (isConst(n.inputs().get(1), c, Math.sqrt(0.5))) {
                return n.inputs().get(0);
            }
            if (isConst(n.inputs().get(0), c, Math.sqrt(0.5))) {
                return n.inputs().get(1);
            }
        }
        return null;
    }

    private static String other(Node binary, String one) {
        if (binary.inputs().size() != 2) {
            return null;
        }
        return binary.inputs().get(0).equals(one) ? binary.inputs().get(1) : binary.inputs().get(0);
    }

    private static boolean isConst(String name, Map<String, Tensor> c, double value) {
        Tensor t = name == null ? null : c.get(name);
        return t != null && t.size() == 1 && t.dataType() == DataType.FLOAT && Math.abs(t.getDouble(0) - value) <= 1e-4 * Math.abs(value);
    }
}
