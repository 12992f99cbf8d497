package dev.cotenant.ir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks that a graph is a well-formed DAG and orders its nodes so every value is made before use. */
public final class Topology {

    private Topology() {}

    /**
     * The nodes of {@code g} in a topological order (stable: ties keep the file's order). Fails with
     * a message naming the node when an input is produced nowhere, a value is produced twice, or
     * the nodes form a cycle.
     */
    public static List<Node> order(Graph g) {
        Set<String> available = new HashSet<>();
        for (ValueInfo v : g.inputs()) {
            available.add(v.name());
        }
        available.addAll(g.initializers().keySet());
        Map<String, Integer> producer = new HashMap<>();
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                Integer prev = producer.put(out, i);
                if (prev != null || available.contains(out)) {
                    throw new ModelException("value '" + out + "' is produced twice (node '" + nodes.get(i).label() + "')");
                }
            }
        }
        int[] missing = new int[nodes.size()];
        Map<Integer, List<Integer>> users = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            Set<String> seen = new HashSet<>();
            for (String in : n.inputs()) {
                if (in.isEmpty() || available.contains(in) || !seen.add(in)) {
                    continue;
                }
                Integer p = producer.get(in);
                if (p == null) {
                    throw new ModelException(n.opType() + " node '" + n.label() + "': input '" + in
                            + "' is not a graph input, an initializer or any node's output (missing initializer?)");
                }
                missing[i]++;
                users.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
            }
        }
        // Kahn's algorithm with a queue seeded in file order keeps exporters' order where it is valid.
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (missing[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> order = new ArrayList<>(nodes.size());
        java.util.PriorityQueue<Integer> heap = new java.util.PriorityQueue<>(ready);
        while (!heap.isEmpty()) {
            int i = heap.poll();
            order.add(nodes.get(i));
            for (int u : users.getOrDefault(i, List.of())) {
                if (--missing[u] == 0) {
                    heap.add(u);
                }
            }
        }
        if (order.size() != nodes.size()) {
            for (int i = 0; i < nodes.size(); i++) {
                if (missing[i] > 0) {
                    throw new ModelException("the graph has a cycle through " + nodes.get(i).opType() + " node '" + nodes.get(i).label() + "'");
                }
            }
        }
        return order;
    }
}
