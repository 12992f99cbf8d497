package dev.cotenant.passes;

import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.ValueInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Removes nodes whose outputs no graph output depends on, and initializers nothing reads. */
public final class DeadCodeElimination implements Pass {

    @Override
    public Graph apply(Graph g) {
        Set<String> live = new HashSet<>();
        for (ValueInfo o : g.outputs()) {
            live.add(o.name());
        }
        List<Node> kept = new ArrayList<>();
        List<Node> nodes = g.nodes();
        // Walk backwards so a node's liveness is known before its inputs are marked.
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            boolean needed = n.outputs().stream().anyMatch(live::contains);
            if (needed) {
                kept.add(n);
                for (String in : n.inputs()) {
                    if (!in.isEmpty()) {
                        live.add(in);
                    }
                }
            }
        }
        if (kept.size() != nodes.size() && !isTopological(g)) {
            // Backward marking above assumes producers precede consumers; otherwise mark to a fixed point.
            return fixedPoint(g);
        }
        Collections.reverse(kept);
        Map<String, Tensor> inits = new LinkedHashMap<>();
        g.initializers().forEach((k, v) -> {
            if (live.contains(k)) {
                inits.put(k, v);
            }
        });
        return g.withNodesAndInitializers(kept, inits);
    }

    private static boolean isTopological(Graph g) {
        Set<String> made = new HashSet<>(g.initializers().keySet());
        g.inputs().forEach(v -> made.add(v.name()));
        for (Node n : g.nodes()) {
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !made.contains(in)) {
                    return false;
                }
            }
            made.addAll(n.outputs());
        }
        return true;
    }

    private static Graph fixedPoint(Graph g) {
        Set<String> live = new HashSet<>();
        g.outputs().forEach(o -> live.add(o.name()));
        Set<Node> keep = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Node n : g.nodes()) {
                if (!keep.contains(n) && n.outputs().stream().anyMatch(live::contains)) {
                    keep.add(n);
                    n.inputs().stream().filter(s -> !s.isEmpty()).forEach(live::add);
                    changed = true;
                }
            }
        }
        Map<String, Tensor> inits = new LinkedHashMap<>();
        g.initializers().forEach((k, v) -> {
            if (live.contains(k)) {
                inits.put(k, v);
            }
        });
        return g.withNodesAndInitializers(g.nodes().stream().filter(keep::contains).toList(), inits);
    }
}
