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
     * its tenant's SLO ({@code sloNanos}): the SLO admission rule of the schedulers that have one.
     */
    static void refuseOverSlo(InferRequest r, double waitNanos, double sloNanos) {
        if (waitNanos > sloNanos / 2) {
            throw new InferError(InferError.Kind.OVERLOADED, String.format(java.util.Locale.ROOT,
                    "model '%s' is overloaded: a request now would wait about %.1f ms, over half its SLO of %.0f ms; retry later",
                    r.tenant.name, waitNanos / 1e6, sloNanos / 1e6));
        }
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
