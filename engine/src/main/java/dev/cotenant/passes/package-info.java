/**
 * Pure graph-to-graph rewrites: shape inference, constant folding, batch-norm folding, fusion and
 * dead-code removal. May import {@code ir}, {@code ops} (shape rules) and {@code kernels} (folding constants).
 */
package dev.cotenant.passes;
