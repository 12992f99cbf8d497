/**
 * A GPU as public facts: device sheets (SMs, their limits, clocks, bandwidth, launch and event
 * costs, MIG slices, interference between co-running kernels), the host runtimes that feed it
 * (runtime sheets: native, graph, eager), the units that do arithmetic and the precisions kernels
 * run in. Imports only the engine's error type.
 */
package dev.cotenant.gpusim.hardware;
