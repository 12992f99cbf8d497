package dev.cotenant.ir;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's computation: an immutable DAG of {@link Node}s over named values, with constant
 * tensors ({@code initializers}) and declared types of inputs, outputs and (optionally)
 * intermediate values. Nodes are kept in the order given; {@code passes} never mutate a graph,
 * they return a new one.
 */
public record Graph(String name, List<ValueInfo> inputs, List<ValueInfo> outputs, List<Node> nodes,
                    Map<String, Tensor> initializers, Map<String, ValueInfo> valueInfo) {

    public Graph {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        nodes = List.copyOf(nodes);
        initializers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        valueInfo = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(valueInfo));
    }

    public Graph withNodes(List<Node> newNodes) {
        return new Graph(name, inputs, outputs, newNodes, initializers, valueInfo);
    }

    public Graph withNodesAndInitializers(List<Node> newNodes, Map<String, Tensor> newInitializers) {
        return new Graph(name, inputs, outputs, newNodes, newInitializers, valueInfo);
    }

    public Graph withValueInfo(Map<String, ValueInfo> newValueInfo) {
        return new Graph(name, inputs, outputs, nodes, initializers, newValueInfo);
    }

    /**
     * Graph inputs that are not also initializers: the values a caller must feed. (Older ONNX
     * files list initializers among the inputs too.)
     */
    public List<ValueInfo> feeds() {
        return inputs.stream().filter(v -> !initializers.containsKey(v.name())).toList();
    }

    /**
     * Floating-point values the graph holds: its initializers and the tensors of its Constant
     * nodes (some exporters keep every weight in one), subgraphs included. Integer tensors are
     * shapes and indices, not parameters.
     */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : initializers.values()) {
            n += t.dataType().isFloat() ? t.size() : 0;
        }
        for (Node node : nodes) {
            boolean constant = node.opType().equals("Constant") && node.domain().isEmpty();
            for (Attribute a : node.attributes().values()) {
                n += switch (a) {
                    case Attribute.TensorValue t when constant -> t.value().dataType().isFloat() ? t.value().size() : 0;
                    case Attribute.Floats f when constant -> f.values().size();
                    case Attribute.GraphValue g -> g.value().parameterCount();
                    case Attribute.Graphs gs -> gs.values().stream().mapToLong(Graph::parameterCount).sum();
                    default -> 0;
                };
            }
        }
        return n;
    }
}
