package dev.cotenant.server.protocol;

import dev.cotenant.ir.Tensor;
import java.util.Map;

/**
 * The outputs of one request, keyed by output name in the model's order, and where its time went.
 * {@code simulatedOutputs}: the outputs are zero tensors standing in for a simulated device's
 * (never computed); the response says so.
 */
public record InferResult(Map<String, Tensor> outputs, long queueNanos, long computeNanos, boolean simulatedOutputs) {}
