package dev.cotenant.passes;

import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Node;
import dev.cotenant.ops.OpTable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recognises SiLU written out as {@code Mul(x, Sigmoid(x))} (either operand order; how exporters
 * before opset 24 emit swish) and replaces the two nodes with one {@code Swish} of Cotenant's
 * domain. Its input then has one reader instead of two, so {@link ActivationFusion} can take it into
 * the convolution or GEMM that produced x.
 *
 * <p>Why. In EfficientNet-B0 every convolution but the squeeze-and-excitation gate is followed by
 * SiLU: 49 Sigmoid and 49 Mul passes over the activations, about a sixth of the model's time on one
 * core before this pass (bench/RESULTS.md, Zen 3 section).
 */
public final class SwishFusion implements Pass {

    @Override
    public Graph apply(Graph g) {
        Uses uses = new Uses(g);
        Set<Node> removed = new HashSet<>();
        Map<Node, Node> replaced = new HashMap<>();
        for (Node sigmoid : g.nodes()) {
            if (!sigmoid.opType().equals("Sigmoid") || !sigmoid.domain().isEmpty() || sigmoid.inputs().size() != 1
                    || sigmoid.outputs().size() != 1) {
                continue;
            }
            String x = sigmoid.inputs().getFirst();
            String s = sigmoid.outputs().getFirst();
            Node mul = uses.soleConsumer(s);
            if (mul == null || !mul.opType().equals("Mul") || !mul.domain().isEmpty() || mul.inputs().size() != 2
                    || mul.outputs().size() != 1 || removed.contains(mul)) {
                continue;
            }
            boolean pair = mul.inputs().get(0).equals(x) && mul.inputs().get(1).equals(s)
                    || mul.inputs().get(0).equals(s) && mul.inputs().get(1).equals(x);
            if (!pair) {
                continue;
            }
            String name = sigmoid.name().isEmpty() ? "swish" : sigmoid.name() + ".swish";
            replaced.put(mul, new Node(name, "Swish", OpTable.COTENANT_DOMAIN, List.of(x), mul.outputs(), Map.of()));
            removed.add(sigmoid);
        }
        if (replaced.isEmpty()) {
            return g;
        }
        List<Node> nodes = Rewrite.nodes(g, replaced, removed);
        return new DeadCodeElimination().apply(g.withNodes(nodes));
    }
}
