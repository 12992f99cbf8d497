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

    /** Share of the SLO a calibrated prediction may fill: the rest absorbs errors rarer than the margin's quantile. */
    double CALIBRATED_FILL = 0.9;

    /**
     * The calibrated SLO admission rule: refuses {@code r}, {@link InferError.Kind#OVERLOADED},
     * when its predicted latency ({@code predictedNanos}: wait and compute) plus its tenant's
     * recent prediction error ({@link LatencyCalibration}) is over {@link #CALIBRATED_FILL} of
     * the SLO; falls back to {@link #refuseOverSlo(InferRequest, double, double)} until the tenant
     * has enough recently completed requests to know its error. A request with nothing predicted
     * ahead of it is never refused, so no margin can lock a tenant out.
     */
    static void refuseOverSlo(InferRequest r, double waitNanos, double predictedNanos, double sloNanos) {
        if (waitNanos <= 0) {
            return;
        }
        java.util.OptionalDouble margin = r.tenant.calibration.margin(predictedNanos, r.arrivedNanos);
        if (margin.isEmpty()) {
            refuseOverSlo(r, waitNanos, sloNanos);
            return;
        }
        double expected = predictedNanos + margin.getAsDouble();
        if (expected > sloNanos * CALIBRATED_FILL) {
            throw new InferError(InferError.Kind.OVERLOADED, String.format(java.util.Locale.ROOT,
                    "model '%s' is overloaded: a request now would take about %.1f ms (%.1f predicted, %+.1f for the error of recent "
                            + "predictions), over %.0f%% of its SLO of %.0f ms; retry later",
                    r.tenant.name, expected / 1e6, predictedNanos / 1e6, margin.getAsDouble() / 1e6, CALIBRATED_FILL * 100, sloNanos / 1e6));
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
