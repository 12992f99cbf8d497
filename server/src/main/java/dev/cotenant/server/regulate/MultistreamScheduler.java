package dev.cotenant.server.regulate;

import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.serving.Admission;
import dev.cotenant.server.serving.Executions;
import dev.cotenant.server.serving.InferRequest;
import dev.cotenant.server.serving.ServedModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The unregulated baseline ({@code --policy multistream}): every tenant has its own stream (one
 * per instance when its config asks for several), a thread that runs its batches as soon as they
 * are ready with every core for intra-operator parallelism, as if it had the device to itself. Tenants overlap however the operating system
 * interleaves their threads: the behaviour of one CUDA stream per model without coordination.
 */
public final class MultistreamScheduler implements Scheduler {

    private static final long MAX_SLEEP_NANOS = 20_000_000L;

    private final Executions executions;
    private final Map<ServedModel, List<Stream>> streams = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong busyCoreNanos = new AtomicLong();
    private final AtomicInteger lanes = new AtomicInteger();
    private volatile boolean stopping;

    public MultistreamScheduler(Executions executions) {
        this.executions = executions;
    }

    /** One instance's thread and the lock it sleeps on. */
    private final class Stream implements Runnable {
        final ServedModel model;
        final int instance;
        final int lane;
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        final Thread thread;
        volatile boolean stopped;

        Stream(ServedModel model, int instance, int lane) {
            this.model = model;
            this.instance = instance;
            this.lane = lane;
            this.thread = new Thread(this, "cotenant-stream-" + model.name() + (instance == 0 ? "" : "-" + instance));
            thread.setDaemon(true);
        }

        void signal() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void run() {
            while (!stopped) {
                long now = System.nanoTime();
                model.queue().expire(now);
                long at = model.queue().readyAt(now);
                if (at > now) {
                    lock.lock();
                    try {
                        if (!stopped && model.queue().readyAt(System.nanoTime()) > System.nanoTime()) {
                            changed.awaitNanos(Math.min(MAX_SLEEP_NANOS, at - now));
                        }
                    } catch (InterruptedException e) {
                        return;
                    } finally {
                        lock.unlock();
                    }
                    continue;
                }
                List<InferRequest> batch = model.queue().take(now);
                if (batch.isEmpty()) {
                    continue;
                }
                int threads = model.maxThreads();
                model.dispatched(batch);
                long s = System.nanoTime();
                try {
                    model.execute(batch, threads, instance);
                } finally {
                    long e = System.nanoTime();
                    model.failUnanswered(batch);
                    executions.add(new Executions.Execution(model.name(), model.version(), batch.stream().mapToInt(r -> r.batch()).sum(),
                            threads, lane, s, e));
                    busyCoreNanos.addAndGet(threads * (e - s));
                }
            }
        }
    }

    @Override
    public void add(ServedModel t) {
        List<Stream> mine = new java.util.ArrayList<>();
        for (int i = 0; i < t.instances(); i++) {
            mine.add(new Stream(t, i, lanes.getAndIncrement()));
        }
        streams.put(t, mine);
        mine.forEach(s -> s.thread.start());
    }

    @Override
    public void remove(ServedModel t) {
        List<Stream> mine = streams.remove(t);
        t.closeForUnload();
        if (mine != null) {
            halt(mine, 0);
        }
    }

    /** Stops {@code mine} and waits for their threads ({@code waitMillis} each, 0: for as long as it takes). */
    private static void halt(List<Stream> mine, long waitMillis) {
        for (Stream s : mine) {
            s.stopped = true;
            s.signal();
        }
        for (Stream s : mine) {
            try {
                s.thread.join(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void enqueue(InferRequest r) {
        if (stopping) {
            throw new InferError(InferError.Kind.UNAVAILABLE, "the server is shutting down");
        }
        List<Stream> mine = streams.get(r.model());
        if (mine == null) {
            throw new InferError(InferError.Kind.UNAVAILABLE, "model '" + r.model().name() + "' is not being served");
        }
        r.model().arrived(r.arrivedNanos());
        Admission.queue(r, pending);
        mine.forEach(Stream::signal);
    }

    @Override
    public int pending() {
        return pending.get();
    }

    @Override
    public long busyCoreNanos() {
        return busyCoreNanos.get();
    }

    @Override
    public void stop(Duration drain) {
        stopping = true;
        awaitDrained(drain);
        for (ServedModel t : List.copyOf(streams.keySet())) {
            List<Stream> mine = streams.remove(t);
            t.queue().close(new InferError(InferError.Kind.UNAVAILABLE, "the server shut down before the request could run"));
            halt(mine, drain.toMillis() + 1000);
        }
    }
}
