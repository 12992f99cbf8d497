/**
 * Operators as GPU kernels: how a plan's operators map to grids, blocks and per-block work the
 * way cuDNN, cuBLAS and elementwise kernels shape them. May import {@code hardware} and the engine.
 */
package dev.cotenant.gpusim.kernel;
