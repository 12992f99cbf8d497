package dev.cotenant.server.regulate;

import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.serving.InferRequest;
import dev.cotenant.server.serving.ServedModel;
import java.time.Duration;

/**
 * How queued requests become work on the device. Deliberately small (the shape of Triton's
 * scheduler interface): served models come and go, requests are enqueued, the scheduler reports what it
 * holds and stops by draining. Which batches run beside which is the implementation's business:
 * {@link RegulatedScheduler} decides it round by round through a {@link RoundPolicy};
 * {@link MultistreamScheduler} is the unregulated baseline; {@link SimulatedScheduler} serves either
 * policy on a simulated GPU.
 */
public sealed interface Scheduler permits RegulatedScheduler, MultistreamScheduler, SimulatedScheduler {

    /** Starts serving {@code t}'s queue. */
    void add(ServedModel t);

    /** Stops serving {@code t}: its waiting requests are refused, a running batch finishes. */
    void remove(ServedModel t);

    /**
     * Queues {@code r} on its model's queue, or throws {@link InferError.Kind#OVERLOADED} at once when
     * that queue is full, {@link InferError.Kind#UNAVAILABLE} when stopping.
     */
    void enqueue(InferRequest r);

    /** Requests queued or running, over all models. */
    int pending();

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
