/**
 * Side-by-side benchmarks of single models against ONNX Runtime, with alternating warmed runs,
 * medians and peak memory. The only product-facing module that carries ONNX Runtime.
 */
package dev.cotenant.bench;
