package dev.cotenant.server.regulate;

import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.serving.Admission;
import dev.cotenant.server.serving.Executions;
import dev.cotenant.server.serving.InferRequest;
import dev.cotenant.server.serving.ServedModel;
import java.time.Duration;
import java.util.ArrayList;
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
import org.slf4j.LoggerFactory;

/**
 * The serving regulator (DESIGN.md: Regulator): one dispatcher decides, whenever something changes
 * (a request arrives, a batch ends, a batching delay runs out), which ready tenants run next and on
 * how many of the device's cores, so the device is never asked for more parallelism than it has.
 *
 * <p>The decision is a {@link RoundPolicy} looked up by the mix of tenants that are ready; every mix
 * maps to {@link SafeRounds} today. One case goes first: the device idle and several tenants ready
 * is a round that the co-location scheduler can plan operator by operator, and a round key with a
 * schedule searched for it ({@link RoundSchedules}) runs under that schedule on every core. A
 * tenant runs at most one batch per instance at a time (an instance's plans are single-threaded
 * objects; one instance unless its config's {@code instance_group} asks for more), and cores are
 * accounted, not assumed: a dispatch takes its threads from the free count and gives them back
 * when its batch ends.
 */
public final class RegulatedScheduler implements Scheduler {

    private static final long MAX_SLEEP_NANOS = 20_000_000L;
    /** A tenant with a request this recent counts as active: more may follow. */
    private static final long ACTIVE_NANOS = 1_000_000_000L;
    /** How long an idle device waits for the rest of a round it has a schedule for (see {@link #gatherUntil}). */
    private static final long GATHER_NANOS = 2_000_000L;

    private final int cores;
    /** Threads of batches allowed at once (the concurrency limit); {@link #freeCores} counts down from it. */
    private final int slots;
    private final Function<RoundPolicy.Mix, RoundPolicy> policies;
    private final RoundSchedules schedules;
    private final AtomicLong scheduledRounds = new AtomicLong();
    private final AtomicLong togetherRounds = new AtomicLong();
    private final Executions executions;
    private final List<ServedModel> tenants = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final boolean[] laneBusy;
    private final ExecutorService lanes;
    private final Thread dispatcher;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong busyCoreNanos = new AtomicLong();
    private int freeCores;
    private volatile long gatherNanos = GATHER_NANOS;
    private volatile boolean stopping;
    private boolean stopped;

    /**
     * The server's regulator on {@code device}: every mix of tenants rounds by {@link SafeRounds};
     * with a positive {@code searchBudgetSeconds}, round keys that keep coming up are searched
     * ({@link RoundSchedules}) and then run under the schedule found.
     *
     * @param slots threads of batches allowed at once (the concurrency limit)
     */
    public RegulatedScheduler(CpuDevice device, int slots, double searchBudgetSeconds, Executions executions) {
        this(device.cores(), slots, executions, mix -> SafeRounds.INSTANCE, searchBudgetSeconds > 0
                ? new RoundSchedules(device, searchBudgetSeconds, RoundSchedules.SIGHTINGS, RoundSchedules.MAX_KEYS,
                        LoggerFactory.getLogger(RoundSchedules.class)::info)
                : null);
    }

    /**
     * @param schedules the co-location schedules searched per round key, or null for none: a round
     *                  whose key has one runs under it (see {@link #dispatch})
     */
    RegulatedScheduler(int cores, int slots, Executions executions, Function<RoundPolicy.Mix, RoundPolicy> policies, RoundSchedules schedules) {
        this.schedules = schedules;
        this.cores = cores;
        this.slots = slots;
        this.freeCores = slots;
        this.executions = executions;
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
    public void add(ServedModel t) {
        tenants.add(t);
        signal();
    }

    @Override
    public void remove(ServedModel t) {
        tenants.remove(t);
        t.closeForUnload();
        lock.lock();
        try {
            while (t.running()) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        if (schedules != null) {
            schedules.forget(t); // after its last round: closing a schedule stops its executor
        }
    }

    @Override
    public void enqueue(InferRequest r) {
        if (stopping) {
            throw new InferError(InferError.Kind.UNAVAILABLE, "the server is shutting down");
        }
        r.model().arrived(r.arrivedNanos());
        r.model().offered(r.batch(), r.arrivedNanos());
        // SLO-aware admission: a request predicted to wait more than half its tenant's objective
        // is refused now, while the client can still go elsewhere, instead of failing late; the
        // other half is left for its own compute and for the spread that a p99 sees. (Corrections
        // of this rule by recent latencies were measured and let admitted p99s miss under
        // overload: docs/ARCHITECTURE.md, "Admission and timeouts".)
        double slo = r.model().settings().sloMs() * 1e6;
        if (slo > 0) {
            List<ServedModel> active = new ArrayList<>();
            for (ServedModel t : tenants) {
                if (r.arrivedNanos() - t.lastArrivalNanos() < ACTIVE_NANOS || t.queue().size() > 0) {
                    active.add(t);
                }
            }
            double wait = r.model().predictedWaitNanos(stretch(r.model(), r.arrivedNanos(), active, cores));
            Admission.refuseOverSlo(r, wait, slo);
        }
        Admission.queue(r, pending);
        signal();
    }

    /**
     * How much longer than at the measured per-sample time a tenant's queue takes to drain. A
     * tenant {@linkplain ServedModel#overloaded offered more than 0.8 of a core} is behind for good and
     * drains at the share of a core it can get: its one-thread batches never get more than one
     * core, and the other active tenants take what they are offered up to an equal share of the
     * cores each (max-min fairness), so it gets at least that equal share and at most what they
     * leave. With every tenant overloaded (twice the capacity) that is the equal share, active
     * tenants over cores, a stretch that holds admitted p99s within their SLOs there. When the
     * others are offered little (frames: every arrival to every model, where the large model needs
     * 0.9 of a core and the small ones 0.3 between them) it is a whole core, no stretch: stretching
     * by the equal share there refused a tenth of the large model's requests while its p99 stayed
     * at half its SLO. A tenant below the threshold is in a burst that drains at the measured
     * time, which already holds the contention it meets.
     *
     * @param active the active tenants, {@code t} among them
     */
    static double stretch(ServedModel t, long nowNanos, List<ServedModel> active, int cores) {
        if (!t.overloaded(nowNanos)) {
            return 1;
        }
        double equal = (double) cores / Math.max(1, active.size());
        double others = 0;
        for (ServedModel o : active) {
            if (o != t) {
                others += Math.min(o.offeredLoad(nowNanos), equal);
            }
        }
        return 1 / Math.min(1, Math.max(equal, cores - others));
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
                for (ServedModel t : tenants) {
                    if (t.saturated()) {
                        continue;
                    }
                    t.queue().expire(now);
                    long at = t.queue().readyAt(now);
                    if (at <= now) {
                        ready.add(new RoundPolicy.Candidate(t, t.queue().oldestArrival(), t.queue().mostUrgentLevel(), t.queue().size()));
                    } else {
                        wake = Math.min(wake, at);
                    }
                }
                boolean dispatched = false;
                if (schedules != null && freeCores == slots && !ready.isEmpty() && ready.size() < slots) {
                    long hold = gatherUntil(ready, now);
                    if (hold > now) {
                        changed.awaitNanos(Math.max(1, Math.min(wake, hold) - now));
                        continue;
                    }
                }
                if (schedules != null && freeCores == slots && ready.size() >= 2 && ready.size() < slots) {
                    dispatched = together(ready, now);
                }
                if (!dispatched && !ready.isEmpty() && freeCores > 0) {
                    RoundPolicy policy = policies.apply(RoundPolicy.Mix.of(ready));
                    int budget = freeCores;
                    List<ServedModel> active = new ArrayList<>();
                    for (ServedModel t : tenants) {
                        if (now - t.lastArrivalNanos() < ACTIVE_NANOS || t.running() || t.queue().size() > 0) {
                            active.add(t);
                        }
                    }
                    for (RoundPolicy.Dispatch d : policy.pick(ready, freeCores, slots, active, now)) {
                        int threads = Math.max(1, Math.min(d.threads(), budget));
                        if (budget <= 0 || d.model().saturated()) {
                            break;
                        }
                        List<InferRequest> batch = d.model().queue().take(now, d.maxSamples());
                        if (batch.isEmpty()) {
                            continue;
                        }
                        budget -= threads;
                        start(d.model(), batch, threads);
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

    /**
     * Until when an idle device waits for the rest of a round it has a schedule for. Requests of
     * a pipeline (a camera frame that every model sees) arrive a fraction of a millisecond apart,
     * and without a window the first would start alone on the idle device, the others beside it
     * one core each, so a searched schedule would almost never get its round. When an installed
     * schedule holds every ready tenant and some partner of theirs that is active (a request in
     * the last second) and not running, the round is held until {@link #gatherNanos} after the
     * first of the ready requests arrived, or until the partners are ready. A request that
     * already waited longer is never held. Called with the lock held; returns {@code now} for
     * no hold.
     */
    private long gatherUntil(List<RoundPolicy.Candidate> ready, long now) {
        List<ServedModel> who = ready.stream().map(RoundPolicy.Candidate::model).toList();
        Set<ServedModel> missing = schedules.partners(who);
        missing.removeIf(t -> t.running() || now - t.lastArrivalNanos() > ACTIVE_NANOS);
        if (missing.isEmpty()) {
            return now;
        }
        long first = ready.stream().mapToLong(RoundPolicy.Candidate::oldestArrivalNanos).min().orElse(now);
        return Math.max(now, first + gatherNanos);
    }

    /** Sets the window an idle device waits for the rest of a scheduled round (tests widen it). */
    void gatherWindow(Duration window) {
        gatherNanos = window.toNanos();
    }

    /**
     * A round of every ready tenant with the device idle: the case a co-location schedule is
     * searched for. Takes each ready tenant's next batch; when a schedule for this round key is
     * installed, runs them together under it on every core, otherwise starts each on one core,
     * exactly as {@link SafeRounds} does with fewer ready tenants than slots and every slot free
     * (each its own core, no sample cap), and counts the key towards its search. Called with the
     * lock held; returns whether anything started.
     */
    private boolean together(List<RoundPolicy.Candidate> ready, long now) {
        List<ServedModel> who = new ArrayList<>();
        List<List<InferRequest>> batches = new ArrayList<>();
        List<RoundSchedules.Member> members = new ArrayList<>();
        for (RoundPolicy.Candidate c : ready) {
            List<InferRequest> batch = c.model().queue().take(now);
            if (!batch.isEmpty()) {
                who.add(c.model());
                batches.add(batch);
                members.add(new RoundSchedules.Member(c.model(), c.model().typesOf(batch)));
            }
        }
        if (members.size() >= 2) {
            togetherRounds.incrementAndGet();
        }
        RoundSchedules.Installed round = members.size() >= 2 ? schedules.lookup(members) : null;
        if (round == null) {
            for (int i = 0; i < who.size(); i++) {
                start(who.get(i), batches.get(i), 1);
            }
            return !who.isEmpty();
        }
        startTogether(round, who, members, batches);
        return true;
    }

    /** Runs {@code batches} of {@code who} as one round of {@code round}'s schedule on every core. Called with the lock held. */
    private void startTogether(RoundSchedules.Installed round, List<ServedModel> who, List<RoundSchedules.Member> members,
                               List<List<InferRequest>> batches) {
        // The schedule's members are in the order its search saw them; match the batches to them.
        List<ServedModel> inOrder = new ArrayList<>();
        List<List<InferRequest>> ordered = new ArrayList<>();
        for (RoundSchedules.Member m : round.members) {
            int i = 0;
            while (!members.get(i).key().equals(m.key())) {
                i++;
            }
            inOrder.add(who.get(i));
            ordered.add(batches.get(i));
        }
        int lane = 0;
        laneBusy[lane] = true;
        int[] instances = new int[inOrder.size()];
        for (int i = 0; i < instances.length; i++) {
            instances[i] = inOrder.get(i).acquire(); // free: the device is idle, so no batch of any model runs
        }
        int threads = freeCores;
        freeCores = 0;
        for (int i = 0; i < ordered.size(); i++) {
            inOrder.get(i).dispatched(ordered.get(i));
        }
        lanes.execute(() -> {
            long s = System.nanoTime();
            long e = s;
            RoundSchedules.Round played = null;
            try {
                played = round.play(inOrder, ordered, cores);
                s = played.startNanos();
                e = played.endNanos();
                scheduledRounds.incrementAndGet();
            } catch (RuntimeException | OutOfMemoryError x) {
                schedules.drop(round);
                InferError why = new InferError(InferError.Kind.INTERNAL, "a co-located round failed: " + x);
                for (List<InferRequest> batch : ordered) {
                    batch.forEach(r -> r.fail(why));
                }
            }
            for (int i = 0; i < ordered.size(); i++) {
                ServedModel t = inOrder.get(i);
                List<InferRequest> batch = ordered.get(i);
                t.failUnanswered(batch); // answered or failed above: this catches only a request that was neither
                if (played != null) {
                    long[] span = played.span(i);
                    int samples = batch.stream().mapToInt(InferRequest::batch).sum();
                    executions.add(new Executions.Execution(t.name(), t.version(), samples, cores, lane, span[0], span[1]));
                }
            }
            busyCoreNanos.addAndGet(cores * (e - s));
            lock.lock();
            try {
                for (int i = 0; i < instances.length; i++) {
                    inOrder.get(i).release(instances[i]);
                }
                laneBusy[lane] = false;
                freeCores += threads;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        });
    }

    /** Whether no batch is running: every core returned (a request's answer goes out just before). */
    boolean idle() {
        lock.lock();
        try {
            return freeCores == slots && tenants.stream().noneMatch(ServedModel::running);
        } finally {
            lock.unlock();
        }
    }

    /** Rounds run together under a searched schedule so far. */
    public long scheduledRounds() {
        return scheduledRounds.get();
    }

    /** Rounds of two or more ready tenants on an idle device so far, under a searched schedule or not. */
    public long togetherRounds() {
        return togetherRounds.get();
    }

    /** Round keys with a searched schedule installed. */
    public int installedSchedules() {
        return schedules == null ? 0 : schedules.installedKeys();
    }

    /** Called with the lock held. */
    private void start(ServedModel t, List<InferRequest> batch, int threads) {
        int lane = 0;
        while (lane < laneBusy.length - 1 && laneBusy[lane]) {
            lane++;
        }
        laneBusy[lane] = true;
        int instance = t.acquire();
        freeCores -= threads;
        int myLane = lane;
        t.dispatched(batch);
        lanes.execute(() -> {
            long s = System.nanoTime();
            try {
                t.execute(batch, threads, instance);
            } finally {
                long e = System.nanoTime();
                t.failUnanswered(batch);
                int samples = batch.stream().mapToInt(r -> r.batch()).sum();
                executions.add(new Executions.Execution(t.name(), t.version(), samples, threads, myLane, s, e));
                busyCoreNanos.addAndGet(threads * (e - s));
                lock.lock();
                try {
                    t.release(instance);
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
        for (ServedModel t : tenants) {
            t.queue().close(why);
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
        if (schedules != null) {
            schedules.close();
        }
    }
}
