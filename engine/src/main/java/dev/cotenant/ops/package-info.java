/**
 * One file per ONNX operator: its shape rule, and how it binds to kernels for a plan. May import
 * {@code ir} and {@code kernels}.
 */
package dev.cotenant.ops;
