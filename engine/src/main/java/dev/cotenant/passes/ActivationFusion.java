package dev.cotenant.passes;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ops.OpTable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses an activation that follows a Conv, a Gemm or a biased MatMul ({@link MatMulFusion}; GELU
 * too; {@link SwishFusion}'s Swish after any of them) into it, so the activation is applied to each
 * output tile while it is still in cache instead of in a second pass over memory. The result is a
 * {@code FusedConv} / {@code FusedGemm} node of Cotenant's domain: the original node's inputs and
 * attributes plus {@code activation} (the ONNX op type of the activation) and its parameters
 * ({@code alpha}, {@code beta}, {@code min}, {@code max}).
 */
public final class ActivationFusion implements Pass {

    static final Set<String> ACTIVATIONS = Set.of("Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish");

    @Override
    public Graph apply(Graph g) {
        Uses uses = new Uses(g);
        Set<Node> removed = new HashSet<>();
        Map<Node, Node> replaced = new HashMap<>();
        for (Node host : g.nodes()) {
            boolean ours = host.domain().equals(OpTable.COTENANT_DOMAIN);
            String fused = switch (host.opType()) {
                case "Conv" -> ours ? null : "FusedConv";
                case "Gemm" -> ours ? null : "FusedGemm";
                // A MatMul that already took its bias (MatMulFusion), still without an activation.
                case "FusedMatMul" -> ours && !host.attributes().containsKey("activation") ? "FusedMatMul" : null;
                default -> null;
            };
            if (fused == null || !(host.domain().isEmpty() || ours) || host.outputs().size() != 1) {
                continue;
            }
            Node act = uses.soleConsumer(host.outputs().getFirst());
            boolean gelu = act != null && act.opType().equals("Gelu") && act.domain().equals(OpTable.COTENANT_DOMAIN)
                    && host.opType().equals("FusedMatMul");
            boolean swish = act != null && act.opType().equals("Swish") && act.domain().equals(OpTable.COTENANT_DOMAIN);
            if (act == null || !(gelu || swish || act.domain().isEmpty() && ACTIVATIONS.contains(act.opType()))
                    || !act.inputs().getFirst().equals(host.outputs().getFirst())) {
                continue;
            }
            Map<String, Attribute> attrs = new HashMap<>(host.attributes());
            attrs.put("activation", new Attribute.Str(act.opType()));
            if (!activationParameters(act, g.initializers(), attrs)) {
                continue;
            }
            replaced.put(host, new Node(host.name(), fused, OpTable.COTENANT_DOMAIN, host.inputs(), act.outputs(), attrs));
            removed.add(act);
        }
        if (removed.isEmpty()) {
            return g;
        }
        List<Node> nodes = Rewrite.nodes(g, replaced, removed);
        return new DeadCodeElimination().apply(g.withNodes(nodes));
    }

    /** Copies the activation's parameters into {@code attrs}; false when they are not constants. */
    private static boolean activationParameters(Node act, Map<String, Tensor> inits, Map<String, Attribute> attrs) {
        switch (act.opType()) {
            case "LeakyRelu" -> attrs.put("alpha", new Attribute.Float(floatAttr(act, "alpha", 0.01f)));
            case "Gelu" -> {
                if (act.attributes().get("approximate") instanceof Attribute.Str a && a.value().equals("tanh")) {
                    attrs.put("approximate_tanh", new Attribute.Float(1f));
                }
            }
            case "HardSigmoid" -> {
                attrs.put("alpha", new Attribute.Float(floatAttr(act, "alpha", 0.2f)));
                attrs.put("beta", new Attribute.Float(floatAttr(act, "beta", 0.5f)));
            }
            case "Clip" -> {
                float min = floatAttr(act, "min", Float.NEGATIVE_INFINITY);
                float max = floatAttr(act, "max", Float.POSITIVE_INFINITY);
                for (int i = 1; i < act.inputs().size(); i++) {
                    String in = act.inputs().get(i);
                    if (in.isEmpty()) {
                        continue;
                    }
                    Tensor t = inits.get(in);
                    if (t == null || t.size() != 1 || t.dataType() != DataType.FLOAT) {
                        return false;
                    }
                    if (i == 1) {
                        min = (float) t.getDouble(0);
                    } else {
                        max = (float) t.getDouble(0);
                    }
                }
                attrs.put("min", new Attribute.Float(min));
                attrs.put("max", new Attribute.Float(max));
            }
            default -> { }
        }
        return true;
    }

    private static float floatAttr(Node n, String name, float dflt) {
        return n.attributes().get(name) instanceof Attribute.Float f ? f.value() : dflt;
    }
}
