package dev.cotenant.server;

import dev.cotenant.ir.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The checks every decoded request passes before it may queue, whichever protocol carried it:
 * every model input given exactly once, nothing else, the batch dimension equal across inputs
 * and within the model's limit; then the request's priority level and timeout from its
 * parameters and the model's queue policy.
 */
final class Admission {

    private Admission() {}

    /** The spec of input {@code name}, or a bad request naming the model's inputs. */
    static TensorSpec inputSpec(Tenant t, String name) {
        for (TensorSpec s : t.inputs) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw InferError.badRequest("model '" + t.name + "' has no input '" + name + "' (inputs: "
                + String.join(", ", t.inputs.stream().map(TensorSpec::name).toList()) + ")");
    }

    /** Checks the batch dimension of a declared input shape before any data is read. */
    static void checkBatch(Tenant t, long[] shape, String where) {
        int max = t.settings.maxBatchSize();
        if (max > 0 && shape.length > 0 && (shape[0] < 1 || shape[0] > max)) {
            throw InferError.badRequest(where + ": batch size " + shape[0] + " is outside 1.." + max
                    + " (max_batch_size of model '" + t.name + "')");
        }
    }

    /** Checks a requested output name. */
    static void checkOutput(Tenant t, String name) {
        if (t.outputs.stream().noneMatch(s -> s.name().equals(name))) {
            throw InferError.badRequest("model '" + t.name + "' has no output '" + name + "' (outputs: "
                    + String.join(", ", t.outputs.stream().map(TensorSpec::name).toList()) + ")");
        }
    }

    /**
     * Makes the queued form of a request whose tensors were decoded and checked one by one.
     *
     * @param priority  requested level (0: the model's default)
     * @param timeoutUs requested queue timeout in microseconds (0: the model's default)
     */
    static InferRequest admit(Tenant t, String id, Map<String, Tensor> given, Set<String> outputs, long priority,
                              long timeoutUs, long arrivedNanos) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        int batch = -1;
        for (TensorSpec s : t.inputs) {
            Tensor x = given.get(s.name());
            if (x == null) {
                throw InferError.badRequest("input '" + s.name() + "' of model '" + t.name + "' is missing");
            }
            if (t.settings.maxBatchSize() > 0) {
                int b = x.dim(0);
                if (batch >= 0 && b != batch) {
                    throw InferError.badRequest("input '" + s.name() + "' has batch size " + b + " but an earlier input has " + batch);
                }
                batch = b;
            }
            inputs.put(s.name(), x);
        }
        if (t.settings.maxBatchSize() > 0 && (batch < 1 || batch > t.settings.maxBatchSize())) {
            throw InferError.badRequest("batch size " + batch + " is outside 1.." + t.settings.maxBatchSize()
                    + " (max_batch_size of model '" + t.name + "')");
        }
        if (priority < 0) {
            throw InferError.badRequest("parameter 'priority' must be 0 or more, got " + priority);
        }
        if (timeoutUs < 0) {
            throw InferError.badRequest("parameter 'timeout' must be 0 or more microseconds, got " + timeoutUs);
        }
        long timeout = timeoutUs > 0 && t.settings.allowTimeoutOverride() ? timeoutUs : t.settings.timeoutUs();
        return new InferRequest(t, id, inputs, Math.max(1, batch), t.settings.levelOf(priority), outputs, arrivedNanos, timeout * 1000);
    }
}
