/** Hand-run co-location experiments on the simulated GPU, whose tables bench/RESULTS.md records. */
package dev.cotenant.bench.colocation;
