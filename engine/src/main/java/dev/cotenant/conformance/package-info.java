/**
 * Runs the ONNX backend test cases (models, inputs, expected outputs) through the engine and
 * reports pass, fail or unsupported for each. Uses the whole engine; nothing in the engine uses it.
 */
package dev.cotenant.conformance;
