/**
 * ONNX in and out: reading a model file into a graph with clear errors, and exporting a graph so a
 * peer runs exactly the same model. May import {@code ir}, and {@code ops}/{@code runtime} for what the importer checks.
 */
package dev.cotenant.onnx;
