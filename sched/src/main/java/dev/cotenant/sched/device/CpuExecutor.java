package dev.cotenant.sched.device;

import dev.cotenant.ir.ModelException;
import dev.cotenant.kernels.Workers;
import dev.cotenant.runtime.Plan;
import dev.cotenant.sched.schedule.Instruction;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.schedule.Stream;
import dev.cotenant.sched.schedule.Task;
import dev.cotenant.sched.workload.TenantPlan;
import dev.cotenant.sched.workload.TenantShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs a schedule on the CPU device, round after round. Each stream is one thread that walks its
 * instructions: a task takes its cores from the {@link CorePool}, runs its plan step (or part) on a
 * worker pool of the size it asked for, and gives them back; a record marks its event done for
 * the round; a wait parks until that event is marked. Everything is laid out in arrays when the
 * executor is made (instructions, events, worker pools, timing slots), so a round allocates
 * nothing of its own; each task's start and end are stored in preallocated slots.
 *
 * <p>An event is done for round r when its slot holds r, so rounds need no reset. A failure in a
 * task marks every event done so that no stream waits forever, and is rethrown by {@link #run}.
 */
public final class CpuExecutor implements AutoCloseable {

    private static final int RUN = 0;
    private static final int RECORD = 1;
    private static final int WAIT = 2;

    private final Schedule schedule;
    private final List<TenantPlan> plans;
    private final CpuDevice device;
    private final CorePool pool;
    private final int[][] kind;
    private final int[][] arg;
    private final List<Task> tasks = new ArrayList<>();
    private final int[] taskStream;
    private final Plan[] taskPlan;
    private final Task[] taskOf;
    private final Workers[][] workers;
    private final AtomicLongArray eventRound;
    private final AtomicIntegerArray waitingFor;
    private final Thread[] threads;
    private final AtomicInteger remaining = new AtomicInteger();
    private final int[] tasksOfTenant;
    private final AtomicIntegerArray tenantLeft;
    private volatile IntConsumer onTenantDone;
    private volatile long round = -1;
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile Thread caller;
    private long[] roundStart;
    private long[][] start;
    private long[][] end;
    private int slot;

    /** Validates {@code schedule} against the tenants and the device, and starts one thread per stream. */
    public CpuExecutor(CpuDevice device, Schedule schedule, List<TenantPlan> plans) {
        this.schedule = schedule;
        this.plans = plans;
        this.device = device;
        schedule.validate(plans.stream().map(TenantShape::of).toList(), device.cores());
        int n = schedule.streams().size();
        int[] prio = new int[n];
        Map<String, Integer> events = new HashMap<>();
        kind = new int[n][];
        arg = new int[n][];
        List<Integer> streamOfTask = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            Stream st = schedule.streams().get(s);
            prio[s] = st.priority();
            List<Instruction> ins = st.instructions();
            kind[s] = new int[ins.size()];
            arg[s] = new int[ins.size()];
            for (int i = 0; i < ins.size(); i++) {
                switch (ins.get(i)) {
                    case Instruction.Run r -> {
                        kind[s][i] = RUN;
                        arg[s][i] = tasks.size();
                        tasks.add(r.task());
                        streamOfTask.add(s);
                    }
                    case Instruction.Record r -> {
                        kind[s][i] = RECORD;
                        arg[s][i] = events.computeIfAbsent(r.event(), e -> events.size());
                    }
                    case Instruction.Wait w -> {
                        kind[s][i] = WAIT;
                        arg[s][i] = events.computeIfAbsent(w.event(), e -> events.size());
                    }
                }
            }
        }
        taskStream = streamOfTask.stream().mapToInt(Integer::intValue).toArray();
        taskOf = tasks.toArray(Task[]::new);
        taskPlan = new Plan[taskOf.length];
        tasksOfTenant = new int[plans.size()];
        for (int i = 0; i < taskOf.length; i++) {
            taskPlan[i] = plans.get(taskOf[i].tenant()).plan();
            tasksOfTenant[taskOf[i].tenant()]++;
        }
        tenantLeft = new AtomicIntegerArray(plans.size());
        pool = new CorePool(device.cores(), prio);
        eventRound = new AtomicLongArray(events.size());
        for (int e = 0; e < events.size(); e++) {
            eventRound.set(e, -1);
        }
        waitingFor = new AtomicIntegerArray(n);
        for (int s = 0; s < n; s++) {
            waitingFor.set(s, -1);
        }
        workers = new Workers[n][device.cores() + 1];
        for (int s = 0; s < n; s++) {
            for (int t = 1; t <= device.cores(); t++) {
                workers[s][t] = Workers.create(t);
            }
        }
        threads = new Thread[n];
        for (int s = 0; s < n; s++) {
            int stream = s;
            threads[s] = new Thread(() -> streamLoop(stream), "cotenant-stream-" + s);
            threads[s].setDaemon(true);
            threads[s].start();
        }
    }

    public Schedule schedule() {
        return schedule;
    }

    public List<TenantPlan> plans() {
        return plans;
    }

    /**
     * Hears, in every later round, each tenant's index as soon as its last task has ended, on the
     * stream thread that ran that task: its plan's outputs are then final for the round, while
     * other tenants may still run (a server answers that tenant's requests there and then). Not
     * called in a round where a task failed. Null for none.
     */
    public void onTenantDone(IntConsumer done) {
        this.onTenantDone = done;
    }

    /** Runs {@code rounds} rounds back to back and returns their timelines. */
    public Timeline run(int rounds) {
        if (closed) {
            throw new IllegalStateException("executor closed");
        }
        int n = tasks.size();
        roundStart = new long[rounds];
        start = new long[rounds][n];
        end = new long[rounds][n];
        caller = Thread.currentThread();
        for (int r = 0; r < rounds; r++) {
            slot = r;
            remaining.set(threads.length);
            for (int t = 0; t < tasksOfTenant.length; t++) {
                tenantLeft.set(t, tasksOfTenant[t]);
            }
            roundStart[r] = System.nanoTime();
            round = round + 1;
            for (Thread t : threads) {
                LockSupport.unpark(t);
            }
            while (remaining.get() > 0) {
                LockSupport.park(this);
            }
            if (failure != null) {
                Throwable f = failure;
                failure = null;
                if (f instanceof ModelException m) {
                    throw m;
                }
                throw new IllegalStateException("a task failed: " + f, f);
            }
        }
        long[][] s = start;
        long[][] e = end;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < n; i++) {
                s[r][i] -= roundStart[r];
                e[r][i] -= roundStart[r];
            }
        }
        return new Timeline(List.copyOf(tasks), taskStream.clone(), threads.length, plans.size(), device.cores(), s, e);
    }

    private void streamLoop(int s) {
        long done = -1;
        while (true) {
            long r;
            while ((r = round) == done && !closed) {
                LockSupport.park(this);
            }
            if (closed) {
                return;
            }
            runStream(s, r);
            done = r;
            if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void runStream(int s, long r) {
        int[] k = kind[s];
        int[] a = arg[s];
        int at = slot;
        for (int i = 0; i < k.length && failure == null; i++) {
            switch (k[i]) {
                case RUN -> {
                    int ti = a[i];
                    Task t = taskOf[ti];
                    pool.acquire(s, t.threads());
                    long t0 = System.nanoTime();
                    try {
                        taskPlan[ti].runStepPart(t.op(), t.part(), t.parts(), workers[s][t.threads()]);
                    } catch (Throwable e) {
                        fail(e, r);
                    } finally {
                        long t1 = System.nanoTime();
                        boolean handedOver = pool.release(t.threads());
                        start[at][ti] = t0;
                        end[at][ti] = t1;
                        // Spinning helpers of a pool that is not about to run again would take the
                        // cores just handed to another stream, or wanted by one this stream waits for.
                        if (handedOver || i + 1 >= k.length || k[i + 1] != RUN || taskOf[a[i + 1]].threads() != t.threads()) {
                            workers[s][t.threads()].rest();
                        }
                    }
                    IntConsumer done = onTenantDone;
                    if (tenantLeft.decrementAndGet(t.tenant()) == 0 && done != null && failure == null) {
                        try {
                            done.accept(t.tenant());
                        } catch (Throwable e) {
                            fail(e, r);
                        }
                    }
                }
                case RECORD -> record(a[i], r);
                default -> {
                    int e = a[i];
                    if (eventRound.get(e) < r) {
                        waitingFor.set(s, e);
                        while (eventRound.get(e) < r) {
                            LockSupport.park(this);
                        }
                        waitingFor.set(s, -1);
                    }
                }
            }
        }
    }

    private void record(int e, long r) {
        eventRound.set(e, r);
        for (int s = 0; s < threads.length; s++) {
            if (waitingFor.get(s) == e) {
                LockSupport.unpark(threads[s]);
            }
        }
    }

    private void fail(Throwable e, long r) {
        failure = e;
        for (int ev = 0; ev < eventRound.length(); ev++) {
            record(ev, r);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Workers[] ws : workers) {
            for (Workers w : ws) {
                if (w != null) {
                    w.close();
                }
            }
        }
    }
}
