package dev.cotenant.server.serving;

import dev.cotenant.ir.Tensor;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.protocol.TensorSpec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The door of a served model. First the checks every decoded request passes, whichever protocol
 * carried it: every model input given exactly once, nothing else, the batch dimension equal across
 * inputs and within the model's limit; then the request's priority level and timeout from its
 * parameters and the model's queue policy ({@link #admit}). Then admission control, as each
 * scheduler applies it: the SLO rule ({@link #refuseOverSlo}) where the scheduler has one, and
 * the bounded queue ({@link #queue}). A request refused here is refused at the door: the caller
 * ends it {@link InferRequest#refuse refused}.
 */
public final class Admission {

    private Admission() {}

    /** The spec of input {@code name}, or a bad request naming the model's inputs. */
    public static TensorSpec inputSpec(ServedModel t, String name) {
        for (TensorSpec s : t.inputs()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw InferError.badRequest("model '" + t.name() + "' has no input '" + name + "' (inputs: "
                + String.join(", ", t.inputs().stream().map(TensorSpec::name).toList()) + ")");
    }

    /** Checks the batch dimension of a declared input shape before any data is read. */
    public static void checkBatch(ServedModel t, long[] shape, String where) {
        int max = t.settings().maxBatchSize();
        if (max > 0 && shape.length > 0 && (shape[0] < 1 || shape[0] > max)) {
            throw InferError.badRequest(where + ": batch size " + shape[0] + " is outside 1.." + max
                    + " (max_batch_size of model '" + t.name() + "')");
        }
    }

    /** Checks a requested output name. */
    public static void checkOutput(ServedModel t, String name) {
        if (t.outputs().stream().noneMatch(s -> s.name().equals(name))) {
            throw InferError.badRequest("model '" + t.name() + "' has no output '" + name + "' (outputs: "
                    + String.join(", ", t.outputs().stream().map(TensorSpec::name).toList()) + ")");
        }
    }

    /**
     * Makes the queued form of a request whose tensors were decoded and checked one by one.
     *
     * @param priority  requested level (0: the model's default)
     * @param timeoutUs requested queue timeout in microseconds (0: the model's default)
     */
    public static InferRequest admit(ServedModel t, String id, Map<String, Tensor> given, Set<String> outputs, long priority,
                              long timeoutUs, long arrivedNanos) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        int batch = -1;
        for (TensorSpec s : t.inputs()) {
            Tensor x = given.get(s.name());
            if (x == null) {
                throw InferError.badRequest("input '" + s.name() + "' of model '" + t.name() + "' is missing");
            }
            if (t.settings().maxBatchSize() > 0) {
                int b = x.dim(0);
                if (batch >= 0 && b != batch) {
                    throw InferError.badRequest("input '" + s.name() + "' has batch size " + b + " but an earlier input has " + batch);
                }
                batch = b;
            }
            inputs.put(s.name(), x);
        }
        if (t.settings().maxBatchSize() > 0 && (batch < 1 || batch > t.settings().maxBatchSize())) {
            throw InferError.badRequest("batch size " + batch + " is outside 1.." + t.settings().maxBatchSize()
                    + " (max_batch_size of model '" + t.name() + "')");
        }
        if (priority < 0) {
            throw InferError.badRequest("parameter 'priority' must be 0 or more, got " + priority);
        }
        if (timeoutUs < 0) {
            throw InferError.badRequest("parameter 'timeout' must be 0 or more microseconds, got " + timeoutUs);
        }
        long timeout = timeoutUs > 0 && t.settings().allowTimeoutOverride() ? timeoutUs : t.settings().timeoutUs();
        return new InferRequest(t, id, inputs, Math.max(1, batch), t.settings().levelOf(priority), outputs, arrivedNanos, timeout * 1000);
    }

    /**
     * Refuses {@code r}, {@link InferError.Kind#OVERLOADED}, when its predicted wait is over half
     * its model's SLO ({@code sloNanos}): the SLO admission rule of the schedulers that have one.
     */
    public static void refuseOverSlo(InferRequest r, double waitNanos, double sloNanos) {
        if (waitNanos > sloNanos / 2) {
            throw new InferError(InferError.Kind.OVERLOADED, String.format(Locale.ROOT,
                    "model '%s' is overloaded: a request now would wait about %.1f ms, over half its SLO of %.0f ms; retry later",
                    r.model().name(), waitNanos / 1e6, sloNanos / 1e6));
        }
    }

    /**
     * Puts {@code r} on its model's bounded queue and counts it in {@code pending} until its result
     * completes; refuses it at once, {@link InferError.Kind#OVERLOADED}, when the queue is full. The
     * step every scheduler's {@code enqueue} ends with, after its own admission rules.
     */
    public static void queue(InferRequest r, AtomicInteger pending) {
        if (!r.model().queue().offer(r)) {
            throw new InferError(InferError.Kind.OVERLOADED, "the queue of model '" + r.model().name() + "' is full ("
                    + r.model().settings().maxQueueSize() + " requests waiting); retry later");
        }
        pending.incrementAndGet();
        r.result().whenComplete((x, e) -> pending.decrementAndGet());
    }
}
