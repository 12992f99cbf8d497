package dev.cotenant.passes;

import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.ir.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces every node whose inputs are all constants by its outputs, as initializers. With
 * concrete input shapes this also folds shape computations ({@code Shape -> Gather -> Concat ->
 * Reshape}) that exporters emit for dynamic batch sizes.
 */
public final class ConstantFolding implements Pass {

    private final Map<String, Integer> opsets;
    private final Map<String, TensorType> inputTypes;

    public ConstantFolding(Map<String, Integer> opsets, Map<String, TensorType> inputTypes) {
        this.opsets = opsets;
        this.inputTypes = inputTypes;
    }

    @Override
    public Graph apply(Graph given) {
        Evaluation e = new Evaluation(given, opsets, inputTypes);
        // The walk typed every value; later passes keep value names and shapes, so they read the
        // types here instead of binding every operator again (which packs every weight again).
        Map<String, ValueInfo> info = new LinkedHashMap<>(given.valueInfo());
        e.types.forEach((name, type) -> {
            if (!given.initializers().containsKey(name) && !e.folded.containsKey(name)) {
                info.putIfAbsent(name, new ValueInfo(name, type));
            }
        });
        Graph g = given.withValueInfo(info);
        if (e.folded.isEmpty()) {
            return g;
        }
        List<Node> kept = new ArrayList<>();
        Map<String, Tensor> inits = new LinkedHashMap<>(g.initializers());
        for (Node n : g.nodes()) {
            boolean allFolded = n.outputs().stream().allMatch(o -> o.isEmpty() || e.folded.containsKey(o));
            if (allFolded) {
                for (String o : n.outputs()) {
                    if (!o.isEmpty()) {
                        inits.put(o, e.folded.get(o));
                    }
                }
            } else {
                kept.add(n);
            }
        }
        return g.withNodesAndInitializers(kept, inits);
    }
}
