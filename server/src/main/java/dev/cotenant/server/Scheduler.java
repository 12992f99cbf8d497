package dev.cotenant.server;

import java.time.Duration;

/**
 * How queued requests become work on the device. Deliberately small (the shape of Triton's
 * scheduler interface): tenants come and go, requests are enqueued, the scheduler reports what it
 * holds and stops by draining. Which batches run beside which is the implementation's business:
 * {@link RegulatedScheduler} decides it round by round through a {@link RoundPolicy};
 * {@link MultistreamScheduler} is the unregulated baseline; {@link SimulatedScheduler} serves either
 * policy on a simulated GPU.
 */
sealed interface Scheduler permits RegulatedScheduler, MultistreamScheduler, SimulatedScheduler {

    /** Starts serving {@code t}'s queue. */
    void add(Tenant t);

    /** Stops serving {@code t}: its waiting requests are refused, a running batch finishes. */
    void remove(Tenant t);

    /**
     * Queues {@code r} on its tenant, or throws {@link InferError.Kind#OVERLOADED} at once when
     * the tenant's queue is full, {@link InferError.Kind#UNAVAILABLE} when stopping.
     */
    void enqueue(InferRequest r);

    /** Requests queued or running, over all tenants. */
    int pending();

    /**
     * Puts {@code r} on its tenant's bounded queue and counts it in {@code pending} until its result
     * completes; refuses it at once, {@link InferError.Kind#OVERLOADED}, when the queue is full. The
     * step every scheduler's {@link #enqueue} ends with, after its own admission rules.
     */
    static void admit(InferRequest r, java.util.concurrent.atomic.AtomicInteger pending) {
        if (!r.tenant.queue.offer(r)) {
            throw new InferError(InferError.Kind.OVERLOADED, "the queue of model '" + r.tenant.name + "' is full ("
                    + r.tenant.settings.maxQueueSize() + " requests waiting); retry later");
        }
        pending.incrementAndGet();
        r.result.whenComplete((x, e) -> pending.decrementAndGet());
    }

    /**
     * Refuses {@code r}, {@link InferError.Kind#OVERLOADED}, when its predicted wait is over half
     * its tenant's SLO ({@code sloNanos}): the fixed SLO admission rule, for schedulers without a
     * calibrated prediction and for a tenant whose predictions are not calibrated yet.
     */
    static void refuseOverSlo(InferRequest r, double waitNanos, double sloNanos) {
        if (waitNanos > sloNanos / 2) {
            throw new InferError(InferError.Kind.OVERLOADED, String.format(java.util.Locale.ROOT,
                    "model '%s' is overloaded: a request now would wait about %.1f ms, over half its SLO of %.0f ms; retry later",
                    r.tenant.name, waitNanos / 1e6, sloNanos / 1e6));
        }
    }

    /**
     * The regulator's SLO admission rule: {@link #refuseOverSlo(InferRequest, double, double)},
     * except while the tenant's recent p99 ({@link RecentLatency}) is under half its SLO: then the
     * device has slack its prediction does not see, and the request is admitted. Once admitted
     * requests push the p99 past half the SLO, the prediction decides again, so the rule holds
     * the tenant's p99 near half its objective under load and refuses nothing that would have
     * been served well below it.
     */
    static void refuseOverSlo(Tenant t, InferRequest r, double waitNanos, double sloNanos) {
        java.util.OptionalDouble p99 = t.recent.quantile(r.arrivedNanos);
        if (p99.isPresent() && p99.getAsDouble() < sloNanos / 2) {
            return;
        }
        refuseOverSlo(r, waitNanos, sloNanos);
    }

    /** Core-nanoseconds of compute handed out so far (threads times wall time of each batch). */
    long busyCoreNanos();

    /**
     * Refuses new requests, lets queued and running ones finish for up to {@code drain}, fails
     * what is left, and stops the scheduler's threads.
     */
    void stop(Duration drain);

    /** Waits until {@link #pending()} is zero or {@code drain} has passed, whichever comes first. */
    default void awaitDrained(Duration drain) {
        long deadline = System.nanoTime() + drain.toNanos();
        while (pending() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
