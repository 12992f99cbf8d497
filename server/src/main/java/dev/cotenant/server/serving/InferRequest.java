package dev.cotenant.server.serving;

import dev.cotenant.ir.Tensor;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.protocol.InferResult;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One inference request after decoding, on its way through its model's queue and a batch. Its
 * lifecycle is explicit ({@link RequestState}) and moves in one place, {@link #moveTo}: the queue
 * admits it to a batch, times it out or refuses it; the scheduler runs it; its model answers it or
 * fails it. Its {@link #result} completes exactly once, as it reaches a final state.
 */
public final class InferRequest {

    private final ServedModel model;
    private final String id;
    private final Map<String, Tensor> inputs;
    private final int batch;
    private final int level;
    private final Set<String> outputs;
    private final long arrivedNanos;
    private final long deadlineNanos;
    private final CompletableFuture<InferResult> result = new CompletableFuture<>();
    private final AtomicReference<RequestState> state = new AtomicReference<>(RequestState.QUEUED);

    InferRequest(ServedModel model, String id, Map<String, Tensor> inputs, int batch, int level, Set<String> outputs,
                 long arrivedNanos, long timeoutNanos) {
        this.model = model;
        this.id = id;
        this.inputs = inputs;
        this.batch = batch;
        this.level = level;
        this.outputs = outputs;
        this.arrivedNanos = arrivedNanos;
        this.deadlineNanos = timeoutNanos > 0 ? arrivedNanos + timeoutNanos : Long.MAX_VALUE;
    }

    public ServedModel model() {
        return model;
    }

    /** The client's request id ({@code ""} when it gave none). */
    public String id() {
        return id;
    }

    Map<String, Tensor> inputs() {
        return inputs;
    }

    /** Samples along dimension 0 (1 for a model that does not batch). */
    public int batch() {
        return batch;
    }

    /** Priority level, 1 the most urgent. */
    int level() {
        return level;
    }

    /** Requested outputs, or null for all. */
    Set<String> outputs() {
        return outputs;
    }

    public long arrivedNanos() {
        return arrivedNanos;
    }

    /** When the request stops being worth running ({@link Long#MAX_VALUE}: never). */
    long deadlineNanos() {
        return deadlineNanos;
    }

    /** Completes once, with the answer or with the {@link InferError} that ended the request. */
    public CompletableFuture<InferResult> result() {
        return result;
    }

    RequestState state() {
        return state.get();
    }

    /**
     * Moves the request to {@code next}: the one place its state changes. A request that leaves
     * {@link RequestState#RUNNING} stops counting as in flight here, before whoever moved it sends
     * its answer or failure, so a client that has its answer and sends its next request at once
     * never finds the answered one still ahead of it.
     *
     * <p>Ending a request is a race that several threads may run (a round's answers and its end run
     * on different threads; a failed round fails requests some of which were answered): the first
     * to end it wins, and a later attempt to end it returns false and changes nothing.
     *
     * @return whether this call moved it; false only when it had ended already and {@code next} ends it too
     * @throws IllegalStateException for a move its lifecycle does not have (say, a queued request
     *                               answered without running, or an ended one run again)
     */
    boolean moveTo(RequestState next) {
        while (true) {
            RequestState now = state.get();
            if (now.terminal() && next.terminal()) {
                return false;
            }
            if (!now.next().contains(next)) {
                throw new IllegalStateException("request " + (id.isEmpty() ? "" : "'" + id + "' ") + "of model '" + model.name()
                        + "' cannot go from " + now + " to " + next + (now.terminal() ? " (" + now + " is final)" : " (from " + now
                        + " it goes to " + now.next() + ")"));
            }
            if (state.compareAndSet(now, next)) {
                if (now == RequestState.RUNNING) {
                    model.stats().inFlight.decrementAndGet();
                }
                if (next == RequestState.RUNNING) {
                    model.stats().inFlight.incrementAndGet();
                }
                return true;
            }
        }
    }

    /** Ends the request in {@code how} with {@code e}, counting the failure at {@code latencyNanos}; false when it had ended already. */
    boolean end(RequestState how, InferError e, long latencyNanos) {
        if (!moveTo(how)) {
            return false;
        }
        // counted before completing: a client that has its failure must find it in the statistics
        model.stats().failure(e.kind(), latencyNanos);
        result.completeExceptionally(e);
        return true;
    }

    /** Fails the request ({@link RequestState#FAILED}: its batch could not start or failed); false when it had ended already. */
    public boolean fail(InferError e) {
        return end(RequestState.FAILED, e, System.nanoTime() - arrivedNanos);
    }

    /**
     * Turns the request away at the door ({@link RequestState#REFUSED}), counted as a failure that
     * took no time here; returns {@code e} for the caller to throw.
     */
    public InferError refuse(InferError e) {
        end(RequestState.REFUSED, e, 0);
        return e;
    }

    /** Whether {@code other} can share a batch with this request: same per-sample shapes. */
    boolean batchesWith(InferRequest other) {
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            int[] a = e.getValue().shape();
            int[] b = other.inputs.get(e.getKey()).shape();
            if (a.length != b.length) {
                return false;
            }
            for (int i = 1; i < a.length; i++) {
                if (a[i] != b[i]) {
                    return false;
                }
            }
        }
        return true;
    }
}
