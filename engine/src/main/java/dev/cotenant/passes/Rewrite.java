package dev.cotenant.passes;

import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The last step of a fusing pass: the graph's nodes in order, each replaced as decided, the fused-away ones dropped. */
final class Rewrite {

    private Rewrite() {}

    static List<Node> nodes(Graph g, Map<Node, Node> replaced, Set<Node> removed) {
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!removed.contains(n)) {
                nodes.add(replaced.getOrDefault(n, n));
            }
        }
        return nodes;
    }
}
