package dev.cotenant.ir;

import java.nio.file.Path;
import java.util.Map;

/**
 * A loaded model: its graph and the operator-set versions it was written against, keyed by domain
 * ({@code ""} for the standard set). {@code source} is where it came from, for messages.
 */
public record Model(Graph graph, Map<String, Integer> opsets, long irVersion, String producer, Path source) {

    public Model {
        opsets = Map.copyOf(opsets);
    }

    /** The standard operator-set version this model uses. */
    public int opset() {
        return opsets.getOrDefault("", 1);
    }

    public Model withGraph(Graph g) {
        return new Model(g, opsets, irVersion, producer, source);
    }
}
