package dev.cotenant.passes;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds an inference-mode BatchNormalization that follows a Conv into the Conv's weights and bias:
 * with {@code s = scale / sqrt(var + eps)}, {@code W' = W * s} per output channel and
 * {@code B' = (B - mean) * s + bias}. Applies only when the Conv's output feeds the BatchNorm
 * alone and every parameter is a constant FP32 tensor; arithmetic in double, rounded once.
 */
public final class BatchNormFolding implements Pass {

    @Override
    public Graph apply(Graph g) {
        Uses uses = new Uses(g);
        Map<String, Tensor> inits = new LinkedHashMap<>(g.initializers());
        Set<Node> removed = new HashSet<>();
        Map<Node, Node> replaced = new java.util.HashMap<>();
        for (Node bn : g.nodes()) {
            if (!bn.opType().equals("BatchNormalization") || !bn.domain().isEmpty() || bn.inputs().size() < 5) {
                continue;
            }
            if (bn.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
                continue; // training-mode outputs (running mean/var) are wanted
            }
            if (bn.attributes().get("training_mode") instanceof Attribute.Int t && t.value() != 0) {
                continue;
            }
            if (bn.attributes().get("spatial") instanceof Attribute.Int sp && sp.value() == 0) {
                continue;
            }
            Node conv = uses.producer(bn.inputs().getFirst());
            if (conv == null || !conv.opType().equals("Conv") || !conv.domain().isEmpty() || removed.contains(conv)
                    || uses.soleConsumer(conv.outputs().getFirst()) != bn || conv.outputs().size() != 1) {
                continue;
            }
            Tensor w = inits.get(conv.inputs().get(1));
            Tensor b = conv.inputs().size() > 2 && !conv.inputs().get(2).isEmpty() ? inits.get(conv.inputs().get(2)) : null;
            boolean hasBias = conv.inputs().size() > 2 && !conv.inputs().get(2).isEmpty();
            Tensor scale = inits.get(bn.inputs().get(1));
            Tensor shift = inits.get(bn.inputs().get(2));
            Tensor mean = inits.get(bn.inputs().get(3));
            Tensor var = inits.get(bn.inputs().get(4));
            if (w == null || (hasBias && b == null) || scale == null || shift == null || mean == null || var == null) {
                continue;
            }
            int m = w.rank() > 0 ? w.dim(0) : -1;
            if (!allFloat(w, b, scale, shift, mean, var) || scale.size() != m || shift.size() != m || mean.size() != m
                    || var.size() != m || (b != null && b.size() != m)) {
                continue;
            }
            float eps = bn.attributes().get("epsilon") instanceof Attribute.Float f ? f.value() : 1e-5f;
            int per = w.size() / m;
            float[] nw = new float[w.size()];
            float[] nb = new float[m];
            for (int c = 0; c < m; c++) {
                double s = scale.getDouble(c) / Math.sqrt(var.getDouble(c) + eps);
                for (int k = 0; k < per; k++) {
                    nw[c * per + k] = (float) (w.getDouble(c * per + k) * s);
                }
                double bias = b == null ? 0 : b.getDouble(c);
                nb[c] = (float) ((bias - mean.getDouble(c)) * s + shift.getDouble(c));
            }
            String wName = unique(inits, conv.inputs().get(1) + ".bnfold");
            inits.put(wName, Tensor.of(nw, w.shape()));
            String bName = unique(inits, (hasBias ? conv.inputs().get(2) : conv.label() + ".bias") + ".bnfold");
            inits.put(bName, Tensor.of(nb, m));
            List<String> ins = new ArrayList<>(List.of(conv.inputs().getFirst(), wName, bName));
            replaced.put(conv, new Node(conv.name(), conv.opType(), conv.domain(), ins, List.of(bn.outputs().getFirst()), conv.attributes()));
            removed.add(bn);
        }
        if (removed.isEmpty()) {
            return g;
        }
        List<Node> nodes = Rewrite.nodes(g, replaced, removed);
        return new DeadCodeElimination().apply(g.withNodesAndInitializers(nodes, inits));
    }

    private static boolean allFloat(Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && t.dataType() != DataType.FLOAT) {
                return false;
            }
        }
        return true;
    }

    static String unique(Map<String, Tensor> inits, String stem) {
        String name = stem;
        for (int i = 2; inits.containsKey(name); i++) {
            name = stem + i;
        }
        return name;
    }
}
