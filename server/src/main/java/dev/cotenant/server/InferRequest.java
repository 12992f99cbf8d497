package dev.cotenant.server;

import dev.cotenant.ir.Tensor;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One inference request after decoding, on its way through a tenant's queue and a batch. Its
 * lifecycle is explicit: queued, then taken into a batch (or expired, or refused), then completed
 * through {@link #result}, exactly once.
 */
final class InferRequest {

    final Tenant tenant;
    final String id;
    final Map<String, Tensor> inputs;
    /** Samples along dimension 0 (1 for a model that does not batch). */
    final int batch;
    /** Priority level, 1 the most urgent. */
    final int level;
    /** Requested outputs, or null for all. */
    final Set<String> outputs;
    final long arrivedNanos;
    /** When the request stops being worth running ({@link Long#MAX_VALUE}: never). */
    final long deadlineNanos;
    final CompletableFuture<InferResult> result = new CompletableFuture<>();
    /**
     * Whether a dispatched batch holds it and it is not answered yet ({@link Tenant#dispatched},
     * {@link Tenant#settled}); atomic, since a round's answers and its end may run on different threads.
     */
    final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();

    InferRequest(Tenant tenant, String id, Map<String, Tensor> inputs, int batch, int level, Set<String> outputs,
                 long arrivedNanos, long timeoutNanos) {
        this.tenant = tenant;
        this.id = id;
        this.inputs = inputs;
        this.batch = batch;
        this.level = level;
        this.outputs = outputs;
        this.arrivedNanos = arrivedNanos;
        this.deadlineNanos = timeoutNanos > 0 ? arrivedNanos + timeoutNanos : Long.MAX_VALUE;
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

    void fail(InferError e) {
        if (result.completeExceptionally(e)) {
            tenant.stats.failure(e.kind(), System.nanoTime() - arrivedNanos);
        }
    }
}
