package dev.cotenant.server.serving;

import dev.cotenant.server.protocol.InferError;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A served model's waiting requests: one FIFO per priority level, bounded in total so a burst is refused
 * at the door instead of growing memory and latency without limit. It also decides when a batch is
 * worth sending (the dynamic batcher's rule): at once when a full (or largest preferred) batch is
 * waiting, otherwise when the oldest request has waited the configured delay.
 *
 * <p>Requests move through their lifecycle here: {@link #take} admits them to a batch, {@link #expire}
 * times them out, {@link #close} refuses them. All methods synchronise on the queue; the scheduler
 * that owns the model is the only taker.
 */
public final class RequestQueue {

    private final ModelSettings settings;
    private final ArrayDeque<InferRequest>[] levels;
    private final int[] sizes;
    private int size;
    private int samples;
    private boolean closed;

    @SuppressWarnings({"unchecked", "rawtypes"})
    RequestQueue(ModelSettings settings) {
        this.settings = settings;
        this.levels = new ArrayDeque[settings.priorityLevels()];
        this.sizes = settings.batchSizes();
        for (int i = 0; i < levels.length; i++) {
            levels[i] = new ArrayDeque<>();
        }
    }

    /** Adds {@code r}, or returns false when the queue is full. */
    synchronized boolean offer(InferRequest r) {
        if (closed) {
            throw new InferError(InferError.Kind.UNAVAILABLE, "model '" + r.model().name() + "' is being unloaded");
        }
        if (size >= settings.maxQueueSize()) {
            return false;
        }
        levels[r.level() - 1].addLast(r);
        size++;
        samples += r.batch();
        return true;
    }

    public synchronized int size() {
        return size;
    }

    /** Samples waiting (a request of batch n counts n). */
    public synchronized int samples() {
        return samples;
    }

    private int maxSamples() {
        return Math.max(1, settings.maxBatchSize());
    }

    private int target() {
        int[] p = settings.preferredBatch();
        return p.length > 0 ? p[p.length - 1] : maxSamples();
    }

    /**
     * When the next batch should go: {@code now} or earlier when one is ready, the moment the
     * oldest request's batching delay runs out otherwise, {@link Long#MAX_VALUE} when empty.
     */
    public synchronized long readyAt(long now) {
        if (size == 0) {
            return Long.MAX_VALUE;
        }
        if (samples >= target() || settings.maxQueueDelayUs() == 0) {
            return now;
        }
        return oldestArrival() + settings.maxQueueDelayUs() * 1000;
    }

    /** Arrival time of the oldest waiting request ({@link Long#MAX_VALUE} when empty). */
    public synchronized long oldestArrival() {
        long oldest = Long.MAX_VALUE;
        for (ArrayDeque<InferRequest> q : levels) {
            InferRequest r = q.peekFirst();
            if (r != null) {
                oldest = Math.min(oldest, r.arrivedNanos());
            }
        }
        return oldest;
    }

    /** The most urgent priority level waiting (1 is the most urgent), or {@code Integer.MAX_VALUE}. */
    public synchronized int mostUrgentLevel() {
        for (int i = 0; i < levels.length; i++) {
            if (!levels[i].isEmpty()) {
                return i + 1;
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * Takes the next batch: most urgent level first, FIFO within a level, requests whose per-sample
     * shapes match the first, up to the largest planned batch size the waiting samples reach; each
     * is {@link RequestState#ADMITTED} to the batch. Requests past their deadline time out on the way.
     * Returns an empty list when nothing is left.
     */
    public synchronized List<InferRequest> take(long now) {
        return take(now, Integer.MAX_VALUE);
    }

    /** As {@link #take(long)}, with at most {@code cap} samples (at least one request). */
    public synchronized List<InferRequest> take(long now, int cap) {
        expire(now);
        // The largest planned size the waiting samples fill: no padding when requests are single
        // samples, and the rest waits for the next round.
        int limit = 1;
        for (int b : sizes) {
            if (b <= Math.min(samples, cap)) {
                limit = b;
            }
        }
        List<InferRequest> batch = new ArrayList<>();
        int taken = 0;
        outer:
        for (ArrayDeque<InferRequest> q : levels) {
            while (!q.isEmpty()) {
                InferRequest r = q.peekFirst();
                if (!batch.isEmpty() && (taken + r.batch() > limit || !batch.getFirst().batchesWith(r))) {
                    break outer;
                }
                q.pollFirst();
                size--;
                samples -= r.batch();
                r.moveTo(RequestState.ADMITTED);
                batch.add(r);
                taken += r.batch();
                if (settings.maxBatchSize() == 0 || taken >= limit) {
                    break outer;
                }
            }
        }
        return batch;
    }

    /** Times out every request whose deadline has passed ({@link RequestState#TIMED_OUT}); returns how many. */
    public synchronized int expire(long now) {
        int n = 0;
        for (ArrayDeque<InferRequest> q : levels) {
            for (Iterator<InferRequest> it = q.iterator(); it.hasNext(); ) {
                InferRequest r = it.next();
                if (r.deadlineNanos() <= now) {
                    it.remove();
                    size--;
                    samples -= r.batch();
                    r.end(RequestState.TIMED_OUT, new InferError(InferError.Kind.TIMEOUT, "request timed out after waiting "
                            + (now - r.arrivedNanos()) / 1000 + " us in the queue of model '" + r.model().name() + "'"),
                            System.nanoTime() - r.arrivedNanos());
                    n++;
                }
            }
        }
        return n;
    }

    /** Refuses everything waiting with {@code why} ({@link RequestState#REFUSED}) and every later offer. */
    public synchronized void close(InferError why) {
        closed = true;
        for (ArrayDeque<InferRequest> q : levels) {
            for (InferRequest r : q) {
                r.end(RequestState.REFUSED, why, System.nanoTime() - r.arrivedNanos());
            }
            q.clear();
        }
        size = 0;
        samples = 0;
    }
}
