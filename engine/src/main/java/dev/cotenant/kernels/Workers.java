package dev.cotenant.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's own pool of worker threads for intra-operator parallelism (never the common
 * ForkJoinPool, which other code of the process may fill). The calling thread takes part, so a pool
 * of {@code n} threads starts {@code n - 1}. One parallel loop runs at a time per pool; a caller that
 * wants independent parallel loops side by side gives each its own pool.
 *
 * <p>Work is cut into chunks handed out through an atomic counter, so a slow thread does not hold
 * the others back; idle workers spin briefly, then park, so short operators do not pay a wake-up.
 * A caller that knows the pool will stay unused for a while (its cores are handed to another
 * tenant's pool) calls {@link #rest()}: spinning helpers would take cores from the tenant that now
 * owns them.
 */
public final class Workers implements AutoCloseable {

    /** The body of a parallel loop over {@code [start, end)}. */
    @FunctionalInterface
    public interface Range {
        void run(int start, int end);
    }

    private static final Workers SINGLE = new Workers(1);

    /** Chunks a parallel loop is cut into per thread, at most: callers that size work to it use this. */
    static final int CHUNKS_PER_THREAD = 4;

    private final int threads;
    private final Thread[] helpers;
    private volatile Job job;
    private volatile boolean closed;
    private volatile boolean resting;
    private final Object lock = new Object();

    private Workers(int threads) {
        this.threads = threads;
        this.helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            Thread t = new Thread(this::helperLoop, "cotenant-worker-" + i);
            t.setDaemon(true);
            helpers[i] = t;
            t.start();
        }
    }

    /** A pool of {@code threads} threads, the caller included. */
    public static Workers create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return threads == 1 ? SINGLE : new Workers(threads);
    }

    /** The shared pool that runs everything on the caller's thread. */
    public static Workers single() {
        return SINGLE;
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of at least {@code grain} indices, on up to
     * {@link #threads()} threads, and returns when all chunks are done. An exception in a chunk is
     * rethrown here.
     */
    public void parallelFor(int n, int grain, Range body) {
        if (n <= 0) {
            return;
        }
        int maxChunks = Math.max(1, n / Math.max(1, grain));
        int chunks = Math.min(maxChunks, threads == 1 ? 1 : threads * CHUNKS_PER_THREAD);
        if (chunks == 1 || threads == 1) {
            body.run(0, n);
            return;
        }
        synchronized (lock) {
            Job j = new Job(body, n, chunks);
            resting = false;
            job = j;
            for (Thread t : helpers) {
                LockSupport.unpark(t);
            }
            j.work();
            while (j.done.get() < chunks) {
                Thread.onSpinWait();
            }
            job = null;
            if (j.failure != null) {
                if (j.failure instanceof RuntimeException re) {
                    throw re;
                }
                if (j.failure instanceof Error e) {
                    throw e;
                }
                throw new RuntimeException(j.failure);
            }
        }
    }

    private void helperLoop() {
        Job last = null;
        int idle = 0;
        while (!closed) {
            Job j = job;
            if (j != null && j != last) {
                j.work();
                last = j;
                idle = 0;
            } else if (!resting && ++idle < 20_000) {
                Thread.onSpinWait();
            } else {
                // No timeout: parallelFor unparks every helper after publishing its job, and a
                // permit given before this park makes it return at once, so no job is missed.
                // A timed park would wake every idle pool of the process a thousand times a second.
                LockSupport.park(this);
            }
        }
    }

    /**
     * Stops the helpers' spinning until the next parallel loop: they park at once. For a pool that
     * gives its cores to another pool's work; the next loop pays one wake-up.
     */
    public void rest() {
        resting = true;
    }

    /** The helpers' states, for tests: an idle pool's helpers wait without a timer. */
    Thread.State[] helperStates() {
        Thread.State[] states = new Thread.State[helpers.length];
        for (int i = 0; i < helpers.length; i++) {
            states[i] = helpers[i].getState();
        }
        return states;
    }

    @Override
    public void close() {
        if (this != SINGLE) {
            closed = true;
            for (Thread t : helpers) {
                LockSupport.unpark(t);
            }
        }
    }

    private static final class Job {
        final Range body;
        final int n;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(Range body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
        }

        void work() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                int start = (int) ((long) n * c / chunks);
                int end = (int) ((long) n * (c + 1) / chunks);
                try {
                    body.run(start, end);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }
}
