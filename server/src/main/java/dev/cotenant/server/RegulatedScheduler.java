package dev.cotenant.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The serving regulator (DESIGN.md: Regulator): one dispatcher decides, whenever something changes
 * (a request arrives, a batch ends, a batching delay runs out), which ready tenants run next and on
 * how many of the device's cores, so the device is never asked for more parallelism than it has.
 *
 * <p>The decision is a {@link RoundPolicy} looked up by the mix of tenants that are ready. Every mix
 * maps to {@link SafeRounds} today; schedules searched for a mix by the co-location scheduler plug
 * in through {@code policies} without touching the dispatcher. A tenant runs at most one batch at a
 * time (its plans are single-threaded objects), and cores are accounted, not assumed: a dispatch
 * takes its threads from the free count and gives them back when its batch ends.
 */
final class RegulatedScheduler implements Scheduler {

    private static final long MAX_SLEEP_NANOS = 20_000_000L;
    /** A tenant with a request this recent counts as active: more may follow. */
    private static final long ACTIVE_NANOS = 1_000_000_000L;

    private final int cores;
    /** Threads of batches allowed at once (the concurrency limit); {@link #freeCores} counts down from it. */
    private final int slots;
    private final Function<RoundPolicy.Mix, RoundPolicy> policies;
    private final Timeline timeline;
    private final List<Tenant> tenants = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Set<Tenant> running = new HashSet<>();
    private final boolean[] laneBusy;
    private final ExecutorService lanes;
    private final Thread dispatcher;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong busyCoreNanos = new AtomicLong();
    private int freeCores;
    private volatile boolean stopping;
    private boolean stopped;

    RegulatedScheduler(int cores, int slots, Timeline timeline, Function<RoundPolicy.Mix, RoundPolicy> policies) {
        this.cores = cores;
        this.slots = slots;
        this.freeCores = slots;
        this.timeline = timeline;
        this.policies = policies;
        this.laneBusy = new boolean[slots];
        AtomicInteger n = new AtomicInteger();
        this.lanes = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(r, "cotenant-lane-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        this.dispatcher = new Thread(this::dispatch, "cotenant-regulator");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    @Override
    public void add(Tenant t) {
        tenants.add(t);
        signal();
    }

    @Override
    public void remove(Tenant t) {
        tenants.remove(t);
        t.queue.close(new InferError(InferError.Kind.UNAVAILABLE, "model '" + t.name + "' version " + t.version + " was unloaded"));
        lock.lock();
        try {
            while (running.contains(t)) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void enqueue(InferRequest r) {
        if (stopping) {
            throw new InferError(InferError.Kind.UNAVAILABLE, "the server is shutting down");
        }
        r.tenant.lastArrivalNanos = r.arrivedNanos;
        // SLO-aware admission: a request predicted to miss its tenant's objective is refused now,
        // while the client can still go elsewhere, instead of failing late. The prediction (the
        // tenant's own queue and compute, slowed by the tenants sharing the cores) is corrected by
        // how wrong recent ones were (LatencyCalibration); until that is known, a request predicted
        // to wait more than half the objective is refused.
        double slo = r.tenant.settings.sloMs() * 1e6;
        if (slo > 0) {
            int active = 0;
            for (Tenant t : tenants) {
                if (r.arrivedNanos - t.lastArrivalNanos < ACTIVE_NANOS || t.queue.size() > 0) {
                    active++;
                }
            }
            double share = Math.max(1, (double) active / cores);
            double wait = r.tenant.predictedWaitNanos(share);
            double predicted = wait + r.tenant.estimateNanos(r.batch) * share;
            r.predictedNanos = predicted;
            Scheduler.refuseOverSlo(r, wait, predicted, slo);
        }
        Scheduler.admit(r, pending);
        signal();
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int pending() {
        return pending.get();
    }

    @Override
    public long busyCoreNanos() {
        return busyCoreNanos.get();
    }

    private void dispatch() {
        lock.lock();
        try {
            while (!stopped) {
                long now = System.nanoTime();
                long wake = now + MAX_SLEEP_NANOS;
                List<RoundPolicy.Candidate> ready = new ArrayList<>();
                for (Tenant t : tenants) {
                    if (running.contains(t)) {
                        continue;
                    }
                    t.queue.expire(now);
                    long at = t.queue.readyAt(now);
                    if (at <= now) {
                        ready.add(new RoundPolicy.Candidate(t, t.queue.oldestArrival(), t.queue.mostUrgentLevel(), t.queue.size()));
                    } else {
                        wake = Math.min(wake, at);
                    }
                }
                boolean dispatched = false;
                if (!ready.isEmpty() && freeCores > 0) {
                    RoundPolicy policy = policies.apply(RoundPolicy.Mix.of(ready));
                    int budget = freeCores;
                    List<Tenant> active = new ArrayList<>();
                    for (Tenant t : tenants) {
                        if (now - t.lastArrivalNanos < ACTIVE_NANOS || running.contains(t) || t.queue.size() > 0) {
                            active.add(t);
                        }
                    }
                    for (RoundPolicy.Dispatch d : policy.pick(ready, freeCores, slots, active, now)) {
                        int threads = Math.max(1, Math.min(d.threads(), budget));
                        if (budget <= 0 || running.contains(d.tenant())) {
                            break;
                        }
                        List<InferRequest> batch = d.tenant().queue.take(now, d.maxSamples());
                        if (batch.isEmpty()) {
                            continue;
                        }
                        budget -= threads;
                        start(d.tenant(), batch, threads);
                        dispatched = true;
                    }
                }
                if (!dispatched) {
                    changed.awaitNanos(Math.max(1, wake - now));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held. */
    private void start(Tenant t, List<InferRequest> batch, int threads) {
        int lane = 0;
        while (lane < laneBusy.length - 1 && laneBusy[lane]) {
            lane++;
        }
        laneBusy[lane] = true;
        running.add(t);
        freeCores -= threads;
        int myLane = lane;
        t.stats.inFlight.addAndGet(batch.size());
        lanes.execute(() -> {
            long s = System.nanoTime();
            try {
                t.execute(batch, threads);
            } finally {
                long e = System.nanoTime();
                t.stats.inFlight.addAndGet(-batch.size());
                int samples = batch.stream().mapToInt(r -> r.batch).sum();
                timeline.add(new Timeline.Execution(t.name, t.version, samples, threads, myLane, s, e));
                busyCoreNanos.addAndGet(threads * (e - s));
                lock.lock();
                try {
                    running.remove(t);
                    laneBusy[myLane] = false;
                    freeCores += threads;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        });
    }

    @Override
    public void stop(Duration drain) {
        stopping = true;
        awaitDrained(drain);
        InferError why = new InferError(InferError.Kind.UNAVAILABLE, "the server shut down before the request could run");
        for (Tenant t : tenants) {
            t.queue.close(why);
        }
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        lanes.shutdown();
        try {
            dispatcher.join(drain.toMillis() + 1000);
            lanes.awaitTermination(drain.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
