package dev.cotenant.passes;

import dev.cotenant.ir.Graph;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records the concrete type of every value in the graph's value_info, given concrete input types.
 * Values whose shapes depend on run-time data are left out.
 */
public final class ShapeInference implements Pass {

    private final Map<String, Integer> opsets;
    private final Map<String, TensorType> inputTypes;

    public ShapeInference(Map<String, Integer> opsets, Map<String, TensorType> inputTypes) {
        this.opsets = opsets;
        this.inputTypes = inputTypes;
    }

    @Override
    public Graph apply(Graph g) {
        Evaluation e = new Evaluation(g, opsets, inputTypes);
        Map<String, ValueInfo> info = new LinkedHashMap<>(g.valueInfo());
        e.types.forEach((name, type) -> {
            if (!g.initializers().containsKey(name)) {
                info.put(name, new ValueInfo(name, type));
            }
        });
        return g.withValueInfo(info);
    }
}
