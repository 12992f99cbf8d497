package dev.cotenant.passes;

import dev.cotenant.ir.Graph;

/**
 * A pure graph transformation: it returns a new graph computing the same outputs, and never
 * changes the one it was given.
 */
@FunctionalInterface
public interface Pass {

    Graph apply(Graph g);
}
