package dev.cotenant.server.regulate;

import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.kernel.Lowering;
import dev.cotenant.ir.TensorType;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.serving.Admission;
import dev.cotenant.server.serving.Executions;
import dev.cotenant.server.serving.InferRequest;
import dev.cotenant.server.serving.ServedModel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * Serving on a simulated GPU ({@code --device sim:GPU}), for either policy.
 *
 * <p>One device thread runs rounds. A round takes one batch from every tenant that has a batch
 * ready and a free instance (one, unless its config asks for more: a batch holds its instance
 * until its outputs are answered), lowers each batch to kernels ({@link Lowering}, cached per tenant and
 * batch shapes), and simulates them together under the round's {@link RoundSharing}: for the
 * regulator the choice of {@link SharingChoice} for that mix, for the multistream baseline a stream
 * per batch. The result ({@link SimulatedRound}, cached per sharing and round key, since the
 * simulator is deterministic) says when each batch ends and when the device is free. The device
 * thread then keeps wall-clock time with the simulated device: it sleeps until each batch's
 * simulated end and completes that batch's requests, then sleeps until the makespan before the next
 * round, so the device is never busier than the simulated GPU would be.
 *
 * <p>Outputs. By default the host computes each batch with the CPU engine while the simulated
 * device "runs" it, and a request completes at the later of its simulated end and its host compute,
 * so an answer is never made up. With {@code --sim-outputs none} nothing is computed: requests get
 * zero tensors of the right shapes, marked {@code simulated_outputs}; this studies serving at GPU
 * speed on a host far slower than the GPU.
 *
 * <p>Rounds are the model, and they are a simplification: a batch that ends early in a round does
 * not start its tenant's next batch until the round is over (a real GPU's streams would), which
 * both policies pay alike.
 */
public final class SimulatedScheduler implements Scheduler {

    private static final long MAX_SLEEP_NANOS = 20_000_000L;
    private static final int ROUND_CACHE = 1024;
    private static final long UTILISATION_WINDOW_NANOS = 10_000_000_000L;

    private final SimulatedGpu device;
    private final Policy policy;
    private final SimOutputs simOutputs;
    private final BiFunction<String, List<LoweredModel>, RoundSharing> sharings;
    private final SharingChoice choice;
    private final Executions executions;
    private final int cores;
    private final List<ServedModel> tenants = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<ServedModel, Map<String, LoweredModel>> lowered = new ConcurrentHashMap<>();
    private final Map<String, SimulatedRound> rounds = new LinkedHashMap<>(64, 0.75f, true);
    /**
     * Per tenant: smoothed nanoseconds a round of its batches holds the device: the simulated
     * makespan, or the host's compute time when outputs are computed and that is longer. Never
     * the time spent waiting for a host thread: refusing requests does not shorten that (measured,
     * see bench/RESULTS.md), it only throws away work the device had room for.
     */
    private final Map<ServedModel, Double> turnaround = new ConcurrentHashMap<>();
    private final ArrayDeque<long[]> recent = new ArrayDeque<>();
    private final ExecutorService host;
    private final Thread thread;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong hostCoreNanos = new AtomicLong();
    private final AtomicLong deviceBusyNanos = new AtomicLong();
    private final AtomicLong smBusyNanos = new AtomicLong();
    private volatile String lastSharing = "";
    private volatile boolean stopping;
    private boolean stopped;

    /**
     * @param policy  {@link Policy.Gacer}: the regulator, each round's sharing chosen by
     *                {@link SharingChoice}, with SLO admission; {@link Policy.Multistream}: a stream
     *                per batch, unregulated; {@link Policy.Mps} without caps: a process per batch,
     *                unregulated
     * @param outputs what the answers hold
     * @param cores   host threads computing outputs
     */
    public SimulatedScheduler(SimulatedGpu device, Policy policy, SimOutputs outputs, int cores, Executions executions) {
        this.device = device;
        this.policy = policy;
        this.simOutputs = outputs;
        this.cores = cores;
        this.executions = executions;
        this.choice = new SharingChoice(device);
        this.sharings = switch (policy) {
            case Policy.Gacer g -> choice::forRound;
            case Policy.Multistream m -> (key, batches) -> RoundSharing.MULTISTREAM;
            // Plain MPS: every batch its own process, with its own host thread and work queues.
            case Policy.Mps mps when mps.percent().isEmpty() -> (key, batches) -> RoundSharing.MPS;
            case Policy.Sequential _, Policy.Interleave _, Policy.Given _, Policy.Timeslice _, Policy.Mps _, Policy.Mig _ ->
                    throw new IllegalArgumentException("policy '" + policy.name() + "' does not serve");
        };
        AtomicInteger n = new AtomicInteger();
        this.host = Executors.newFixedThreadPool(Math.max(1, cores), r -> {
            Thread t = new Thread(r, "cotenant-host-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::loop, "cotenant-sim-device");
        thread.setDaemon(true);
        thread.start();
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
        lowered.remove(t);
        turnaround.remove(t);
    }

    @Override
    public void enqueue(InferRequest r) {
        if (stopping) {
            throw new InferError(InferError.Kind.UNAVAILABLE, "the server is shutting down");
        }
        r.model().arrived(r.arrivedNanos());
        double slo = r.model().settings().sloMs() * 1e6;
        if (slo > 0 && policy instanceof Policy.Gacer) {
            // SLO-aware admission, as on the CPU: refuse now a request predicted to wait more than
            // half its objective. A batch of this tenant holds the device for its smoothed
            // turnaround; the batches queued ahead each need one, plus the one in flight.
            double per = turnaround.getOrDefault(r.model(), 0.0);
            int maxBatch = Math.max(1, r.model().settings().maxBatchSize());
            int ahead = (r.model().queue().samples() + maxBatch - 1) / maxBatch;
            double wait = per * ahead + (r.model().stats().inFlight() > 0 ? per : 0);
            Admission.refuseOverSlo(r, wait, slo);
        }
        Admission.queue(r, pending);
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

    /** Host core-nanoseconds spent computing outputs (0 with {@code --sim-outputs none}). */
    @Override
    public long busyCoreNanos() {
        return hostCoreNanos.get();
    }

    /** Simulated nanoseconds the device was busy (sum of round makespans). */
    public long deviceBusyNanos() {
        return deviceBusyNanos.get();
    }

    /** Simulated SM-busy nanoseconds (makespan times the mean fraction of SMs busy, summed over rounds). */
    public long smBusyNanos() {
        return smBusyNanos.get();
    }

    /** Fraction of the last ten seconds of wall time the simulated SMs were busy, 0 to 1. */
    public double recentUtilisation() {
        long now = System.nanoTime();
        long from = now - UTILISATION_WINDOW_NANOS;
        double busyNs = 0;
        synchronized (recent) {
            while (!recent.isEmpty() && recent.peekFirst()[1] < from) {
                recent.pollFirst();
            }
            for (long[] r : recent) { // start, end, SM-busy nanoseconds
                double span = Math.max(1, r[1] - r[0]);
                double inside = Math.max(0, Math.min(r[1], now) - Math.max(r[0], from));
                busyNs += r[2] * inside / span;
            }
        }
        return Math.min(1, busyNs / UTILISATION_WINDOW_NANOS);
    }

    /** The sharing of the last round, for the dashboard. */
    public String lastSharing() {
        return lastSharing;
    }

    public SimulatedGpu device() {
        return device;
    }

    SharingChoice choice() {
        return choice;
    }

    /** One tenant's batch in a round, on one of its instances (released once, whichever way the batch ends). */
    private record Entry(ServedModel model, List<InferRequest> batch, Map<String, TensorType> types, int instance,
                         AtomicBoolean released) {}

    private void loop() {
        while (true) {
            List<Entry> round = new ArrayList<>();
            lock.lock();
            try {
                while (round.isEmpty()) {
                    if (stopped) {
                        return;
                    }
                    long now = System.nanoTime();
                    long wake = now + MAX_SLEEP_NANOS;
                    for (ServedModel t : tenants) {
                        if (t.saturated()) {
                            continue;
                        }
                        t.queue().expire(now);
                        long at = t.queue().readyAt(now);
                        if (at <= now) {
                            List<InferRequest> batch = t.queue().take(now);
                            if (!batch.isEmpty()) {
                                round.add(new Entry(t, batch, t.typesOf(batch), t.acquire(), new AtomicBoolean()));
                            }
                        } else {
                            wake = Math.min(wake, at);
                        }
                    }
                    if (round.isEmpty()) {
                        changed.awaitNanos(Math.max(1, wake - now));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            try {
                run(round);
            } catch (RuntimeException | Error x) {
                // the device thread must outlive any one round: fail that round's requests, go on
                InferError err = new InferError(InferError.Kind.INTERNAL, "the simulated device failed a round: " + x);
                for (Entry e : round) {
                    e.batch().forEach(r -> r.fail(err));
                    release(e);
                }
            }
        }
    }

    /** Runs one round: lower, simulate, start host compute, then keep time with the simulated device. */
    private void run(List<Entry> taken) {
        List<Entry> round = new ArrayList<>();
        List<LoweredModel> kernels = new ArrayList<>();
        taken.sort(Comparator.comparing((Entry e) -> e.model().name()).thenComparing(e -> e.model().version()));
        for (Entry e : taken) {
            try {
                kernels.add(lower(e));
                round.add(e);
            } catch (RuntimeException x) {
                InferError err = x instanceof InferError ie ? ie : new InferError(InferError.Kind.INTERNAL,
                        "model '" + e.model().name() + "' cannot run on the simulated GPU " + device.gpu().name() + ": " + x.getMessage());
                e.batch().forEach(r -> r.fail(err));
                release(e);
            }
        }
        if (round.isEmpty()) {
            return;
        }
        StringBuilder k = new StringBuilder();
        for (Entry e : round) {
            k.append(e.model().name()).append(':').append(e.model().version()).append(e.types().values()).append(';');
        }
        String key = k.toString();
        RoundSharing sharing = sharings.apply(key, kernels);
        SimulatedRound simulated;
        try {
            simulated = simulate(sharing, key, kernels);
        } catch (RuntimeException x) {
            // a sharing that cannot run this round (a schedule installed for another shape, say)
            // must not stop the device: the round runs batch after batch instead
            sharing = RoundSharing.SEQUENTIAL;
            simulated = simulate(sharing, key, kernels);
        }
        SimulatedRound sim = simulated;
        lastSharing = sharing.name();
        long t0 = System.nanoTime();
        long makespan = Math.round(sim.makespanUs() * 1000);
        List<CompletableFuture<ServedModel.Computed>> outputs = new ArrayList<>();
        for (Entry e : round) {
            e.model().dispatched(e.batch());
            outputs.add(outputs(e));
        }
        Integer[] order = new Integer[round.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble(i -> sim.endUs()[i]));
        for (int i : order) {
            long end = t0 + Math.round(sim.endUs()[i] * 1000);
            sleepUntil(end);
            Entry e = round.get(i);
            // answered on a host thread: encoding responses must not hold up the device's clock
            outputs.get(i).whenCompleteAsync((c, x) -> finish(e, c, x, t0, end, makespan, i), host);
        }
        sleepUntil(t0 + makespan);
        deviceBusyNanos.addAndGet(makespan);
        long sm = Math.round(makespan * sim.smBusy());
        smBusyNanos.addAndGet(sm);
        synchronized (recent) {
            recent.addLast(new long[] {t0, t0 + makespan, sm});
            while (recent.peekFirst()[1] < t0 - UTILISATION_WINDOW_NANOS) {
                recent.pollFirst(); // bounded by the window whether or not anyone reads it
            }
        }
    }

    /** Starts {@code e}'s outputs: computed by the CPU engine on a host thread, or zero tensors of the right shapes. */
    private CompletableFuture<ServedModel.Computed> outputs(Entry e) {
        return switch (simOutputs) {
            case REAL -> CompletableFuture.supplyAsync(() -> {
                long s = System.nanoTime();
                ServedModel.Computed c = e.model().compute(e.batch(), 1, e.instance());
                hostCoreNanos.addAndGet(System.nanoTime() - s);
                return c;
            }, host);
            case NONE -> {
                CompletableFuture<ServedModel.Computed> f = new CompletableFuture<>();
                try {
                    int samples = e.batch().stream().mapToInt(InferRequest::batch).sum();
                    f.complete(new ServedModel.Computed(e.model().zeros(e.batch()), e.types().values().iterator().next().dims()[0], samples, 0, 0));
                } catch (RuntimeException x) {
                    f.completeExceptionally(x);
                }
                yield f;
            }
        };
    }

    /** Completes a batch once both its simulated end and its outputs have come. */
    private void finish(Entry e, ServedModel.Computed c, Throwable x, long t0, long simEnd, long makespan, int lane) {
        ServedModel t = e.model();
        try {
            if (x != null) {
                Throwable cause = x instanceof java.util.concurrent.CompletionException && x.getCause() != null ? x.getCause() : x;
                InferError err = cause instanceof InferError ie ? ie
                        : new InferError(InferError.Kind.INTERNAL, "model '" + t.name() + "' failed: " + cause);
                e.batch().forEach(r -> r.fail(err));
            } else {
                t.answer(e.batch(), c, t0, simEnd, 1, simOutputs == SimOutputs.NONE);
                double held = Math.max(makespan, c.inferNanos()); // the next round starts after the makespan
                turnaround.merge(t, held, (old, now) -> 0.8 * old + 0.2 * now);
                executions.add(new Executions.Execution(t.name(), t.version(), c.samples(), 1, lane, t0, simEnd));
            }
        } finally {
            t.failUnanswered(e.batch());
            release(e);
        }
    }

    private void release(Entry e) {
        if (!e.released().compareAndSet(false, true)) {
            return;
        }
        lock.lock();
        try {
            e.model().release(e.instance());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private LoweredModel lower(Entry e) {
        Map<String, LoweredModel> mine = lowered.computeIfAbsent(e.model(), x -> new ConcurrentHashMap<>());
        String key = e.types().values().toString();
        LoweredModel m = mine.get(key);
        if (m == null) {
            m = Lowering.lower(e.model().name(), e.model().plan(e.types(), 1), device.precision(), device.gpu(), device.fusion());
            mine.put(key, m);
        }
        return m;
    }

    private SimulatedRound simulate(RoundSharing sharing, String key, List<LoweredModel> kernels) {
        String k = sharing.name() + "|" + key;
        synchronized (rounds) {
            SimulatedRound r = rounds.get(k);
            if (r != null) {
                return r;
            }
        }
        SimulatedRound r = SimulatedRound.run(device, sharing, kernels);
        synchronized (rounds) {
            rounds.put(k, r);
            if (rounds.size() > ROUND_CACHE) {
                rounds.remove(rounds.keySet().iterator().next());
            }
        }
        return r;
    }

    /** Parks until {@code deadline} (System.nanoTime), however many spurious wake-ups come. */
    private static void sleepUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
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
        choice.stop();
        host.shutdown();
        try {
            thread.join(drain.toMillis() + 1000);
            host.awaitTermination(drain.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
