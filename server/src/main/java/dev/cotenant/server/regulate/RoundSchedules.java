package dev.cotenant.server.regulate;

import dev.cotenant.ir.TensorType;
import dev.cotenant.runtime.Plan;
import dev.cotenant.sched.compare.CoLocation;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.CpuExecutor;
import dev.cotenant.sched.device.Timeline;
import dev.cotenant.sched.policy.Gacer;
import dev.cotenant.sched.workload.TenantPlan;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.serving.InferRequest;
import dev.cotenant.server.serving.ServedModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The co-location schedules of the CPU regulator: for a round key (which tenants are ready
 * together, at which batch shapes) the schedule the co-location scheduler searched for exactly
 * those batches, and the executor that runs rounds of it (DESIGN.md: Regulator, "the cached
 * schedule for the current mix").
 *
 * <p>A key is searched once it has come up {@link #sightings} times (rare mixes are not worth a
 * search), one key at a time, in the background, for at most {@link #maxKeys} keys: gacer on the
 * CPU device ({@link CoLocation#plan(List, CpuDevice, CoLocation.Options)}: profile each operator,
 * search sync points, splits and concurrency, confirm the best few against the baselines on the
 * device) with fresh plans of the key's batches, so the search never touches a plan that serves.
 * Until a key's schedule is installed its rounds go to the safe policy ({@link SafeRounds}).
 *
 * <p>The price is paid on the device that serves: the search measures schedules on the same
 * cores, for about its budget (plus the profiling), while requests keep arriving. That is why it
 * runs once per key, why the budget is a server option ({@code --search-budget}, 0 turns searching
 * off), and why the number of keys is bounded.
 */
final class RoundSchedules implements AutoCloseable {

    /** One model's batch in a round: the model and its input types (batch rows included). */
    record Member(ServedModel model, Map<String, TensorType> types) {
        String key() {
            return model.name() + ":" + model.version() + types.values();
        }
    }

    /** A searched schedule for one key, ready to run rounds: members in schedule order. */
    static final class Installed implements AutoCloseable {
        final String key;
        final List<Member> members;
        final List<TenantPlan> plans;
        final CpuExecutor executor;
        final Gacer.Outcome outcome;

        Installed(String key, List<Member> members, List<TenantPlan> plans, CpuExecutor executor, Gacer.Outcome outcome) {
            this.key = key;
            this.members = members;
            this.plans = plans;
            this.executor = executor;
            this.outcome = outcome;
        }

        /** Runs one round: every member's plan must have been bound; returns the round's task times. */
        Timeline run() {
            return executor.run(1);
        }

        /**
         * Runs one round of {@code batches} of {@code models}, both in member order and dispatched:
         * binds each batch to its member's plan and runs the schedule. Each model's requests are
         * answered as soon as its last task ends, not when the round does: a short model scheduled
         * beside a long one need not wait for it. Throws when the round fails; answers sent by then
         * stand.
         *
         * @param threads the threads a model's run counts as (every core: the round had the device)
         */
        Round play(List<ServedModel> models, List<List<InferRequest>> batches, int threads) {
            AtomicLong began = new AtomicLong();
            executor.onTenantDone(i -> {
                ServedModel t = models.get(i);
                Plan p = plans.get(i).plan();
                try {
                    t.finish(p, batches.get(i), p.outputs(), began.get(), System.nanoTime(), threads);
                } catch (RuntimeException x) {
                    batches.get(i).forEach(r -> r.fail(new InferError(InferError.Kind.INTERNAL, "model '" + t.name() + "' failed: " + x)));
                }
            });
            for (int i = 0; i < models.size(); i++) {
                models.get(i).bind(plans.get(i).plan(), batches.get(i));
            }
            long start = System.nanoTime();
            began.set(start);
            Timeline timeline = run();
            return new Round(timeline, start, System.nanoTime());
        }

        @Override
        public void close() {
            executor.close();
        }
    }

    /** One round run under a schedule: its task times, and when it started and ended ({@link System#nanoTime()}). */
    record Round(Timeline timeline, long startNanos, long endNanos) {

        /** First task start and last task end of member {@code i}, as {@link System#nanoTime()} values. */
        long[] span(int i) {
            long first = Long.MAX_VALUE;
            long last = 0;
            for (int k = 0; k < timeline.tasks().size(); k++) {
                if (timeline.tasks().get(k).tenant() == i) {
                    first = Math.min(first, timeline.start()[0][k]);
                    last = Math.max(last, timeline.end()[0][k]);
                }
            }
            return new long[] {startNanos + (first == Long.MAX_VALUE ? 0 : first), startNanos + last};
        }
    }

    /** Rounds a key comes up in before the server searches it. */
    static final int SIGHTINGS = 20;
    /** Keys the server searches at most: each search costs the serving cores about its budget. */
    static final int MAX_KEYS = 4;

    private final CpuDevice device;
    private final double budgetSeconds;
    private final int sightings;
    private final int maxKeys;
    private final Consumer<String> log;
    private final Map<String, Installed> installed = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final AtomicInteger searched = new AtomicInteger();
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cotenant-round-search");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean searching;
    private volatile boolean closed;

    /**
     * @param budgetSeconds gacer's budget per key (0: never search, every round stays safe)
     * @param sightings     rounds a key must come up in before it is searched
     * @param maxKeys       keys searched at most, over the server's life
     * @param log           hears one line per search (started, chosen or failed)
     */
    RoundSchedules(CpuDevice device, double budgetSeconds, int sightings, int maxKeys, Consumer<String> log) {
        this.device = device;
        this.budgetSeconds = budgetSeconds;
        this.sightings = Math.max(1, sightings);
        this.maxKeys = maxKeys;
        this.log = log;
    }

    /** The key of a round of these members: order does not matter. */
    static String key(List<Member> members) {
        return String.join(" + ", members.stream().map(Member::key).sorted().toList());
    }

    /**
     * The installed schedule for this round of {@code members}, or null; counts the sighting and
     * starts the key's search in the background when it is due.
     */
    Installed lookup(List<Member> members) {
        String key = key(members);
        Installed i = installed.get(key);
        if (i != null && !sameTenants(i, members)) {
            // searched for a model since unloaded and loaded again under the same name and version
            installed.remove(key, i);
            i.close();
            i = null;
        }
        if (i != null || budgetSeconds <= 0 || closed) {
            return i;
        }
        int n = seen.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (n >= sightings && !searching && searched.get() < maxKeys) {
            searching = true;
            searched.incrementAndGet();
            List<Member> copy = List.copyOf(members);
            log.accept(String.format(Locale.ROOT, "round schedule for [%s]: searching (%d rounds so far, budget %.0f s)", key, n, budgetSeconds));
            background.execute(() -> {
                try {
                    search(key, copy);
                } finally {
                    searching = false;
                }
            });
        }
        return null;
    }

    private static boolean sameTenants(Installed i, List<Member> members) {
        for (Member m : i.members) {
            if (members.stream().noneMatch(x -> x.model() == m.model())) {
                return false;
            }
        }
        return true;
    }

    /** Searches a schedule for {@code members} now, on this thread, and installs it; null when none could be made. */
    Installed search(String key, List<Member> members) {
        long t0 = System.nanoTime();
        List<TenantPlan> plans = new ArrayList<>();
        try {
            for (Member m : members) {
                plans.add(m.model().schedulable(m.types()));
            }
            CoLocation.Options o = new CoLocation.Options(3, budgetSeconds, 200_000, 1, 1, (phase, f) -> { });
            Gacer.Outcome outcome = CoLocation.plan(plans, device, o);
            CpuExecutor ex = new CpuExecutor(device, outcome.schedule(), plans);
            Installed i = new Installed(key, members, plans, ex, outcome);
            if (closed) {
                i.close();
                return null;
            }
            installed.put(key, i);
            log.accept(String.format(Locale.ROOT, "round schedule for [%s]: %s, %.1f ms measured, searched in %.1f s",
                    key, outcome.chosen().summary(), outcome.measuredMs(), (System.nanoTime() - t0) / 1e9));
            return i;
        } catch (RuntimeException e) {
            seen.put(key, new AtomicInteger(Integer.MIN_VALUE / 2));
            log.accept("round schedule for [" + key + "]: not searched (" + e.getMessage() + "); its rounds stay on the safe policy");
            return null;
        }
    }

    /** Drops a key's schedule (a round of it failed): its rounds go back to the safe policy, for good. */
    void drop(Installed i) {
        if (installed.remove(i.key, i)) {
            seen.put(i.key, new AtomicInteger(Integer.MIN_VALUE / 2));
            i.close();
        }
    }

    /**
     * Forgets every schedule and sighting of a round with {@code t}, which is being unloaded: a
     * model loaded again under its name and version may be another model, with other operators.
     */
    void forget(ServedModel t) {
        String prefix = t.name() + ":" + t.version() + "[";
        installed.values().removeIf(i -> {
            boolean mine = i.members.stream().anyMatch(m -> m.model() == t);
            if (mine) {
                i.close();
            }
            return mine;
        });
        seen.keySet().removeIf(k -> k.startsWith(prefix) || k.contains(" + " + prefix));
    }

    /**
     * The tenants that an installed schedule runs beside all of {@code ready}, minus those: the
     * ones a round of {@code ready} would need to run under a schedule. Empty when no installed
     * schedule holds every ready tenant.
     */
    Set<ServedModel> partners(Collection<ServedModel> ready) {
        Set<ServedModel> out = new HashSet<>();
        for (Installed i : installed.values()) {
            List<ServedModel> members = i.members.stream().map(Member::model).toList();
            if (members.size() > ready.size() && members.containsAll(ready)) {
                members.stream().filter(t -> !ready.contains(t)).forEach(out::add);
            }
        }
        return out;
    }

    /** Keys with a schedule installed. */
    int installedKeys() {
        return installed.size();
    }

    @Override
    public void close() {
        closed = true;
        background.shutdownNow();
        installed.values().forEach(Installed::close);
        installed.clear();
    }
}
