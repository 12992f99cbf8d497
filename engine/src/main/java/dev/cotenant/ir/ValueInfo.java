package dev.cotenant.ir;

/**
 * A named value of a graph with its declared type. {@code type} is {@code null} when the model
 * does not declare it (intermediate values often do not).
 */
public record ValueInfo(String name, TensorType type) {}
