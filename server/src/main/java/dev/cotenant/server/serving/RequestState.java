package dev.cotenant.server.serving;

import java.util.List;

/**
 * Where a request is in its life. Every request starts {@link #QUEUED} and ends in exactly one of
 * the four final states; {@link InferRequest#moveTo} is the one place it moves, and it refuses any
 * move not drawn here:
 *
 * <pre>
 *   QUEUED --take--> ADMITTED --dispatch--> RUNNING --> ANSWERED
 *    |   \               |                     |
 *    |    \ deadline     +-----> FAILED <------+
 *    v     v
 *  REFUSED  TIMED_OUT
 * </pre>
 *
 * Only a request that is {@link #RUNNING} counts as in flight (ahead of every request that arrives
 * now); it stops counting as it leaves, before its answer or failure goes out.
 */
enum RequestState {
    /** Decoded and checked against its model, waiting for a batch: at the door of its model's queue, or on it. */
    QUEUED,
    /** Taken off the queue into a batch: the scheduler admitted it to the device, and its batch has not started. */
    ADMITTED,
    /** Its batch runs. */
    RUNNING,
    /** Answered with its outputs. */
    ANSWERED,
    /** Turned away without running: at the door (queue full, SLO, shutting down) or when its queue closed (unload, shutdown). */
    REFUSED,
    /** Its batch could not start, or failed while it ran. */
    FAILED,
    /** Its deadline passed while it waited on the queue. */
    TIMED_OUT;

    /** Whether the request has ended: its result is complete and nothing moves it again. */
    boolean terminal() {
        return switch (this) {
            case QUEUED, ADMITTED, RUNNING -> false;
            case ANSWERED, REFUSED, FAILED, TIMED_OUT -> true;
        };
    }

    /** The states a request in this one may move to. */
    List<RequestState> next() {
        return switch (this) {
            case QUEUED -> List.of(ADMITTED, REFUSED, TIMED_OUT);
            case ADMITTED -> List.of(RUNNING, FAILED);
            case RUNNING -> List.of(ANSWERED, FAILED);
            case ANSWERED, REFUSED, FAILED, TIMED_OUT -> List.of();
        };
    }
}
