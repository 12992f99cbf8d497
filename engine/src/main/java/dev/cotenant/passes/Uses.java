package dev.cotenant.passes;

import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Who produces and who reads each value of a graph: the facts every rewrite checks first. */
final class Uses {

    private final Map<String, Node> producer = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();

    Uses(Graph g) {
        for (Node n : g.nodes()) {
            for (String out : n.outputs()) {
                if (!out.isEmpty()) {
                    producer.put(out, n);
                }
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
        for (ValueInfo o : g.outputs()) {
            graphOutputs.add(o.name());
        }
    }

    Node producer(String value) {
        return producer.get(value);
    }

    List<Node> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /** The single node reading {@code value}, when exactly one does and the value is not a graph output. */
    Node soleConsumer(String value) {
        List<Node> c = consumers(value);
        return c.size() == 1 && !graphOutputs.contains(value) ? c.getFirst() : null;
    }

    boolean isGraphOutput(String value) {
        return graphOutputs.contains(value);
    }
}
