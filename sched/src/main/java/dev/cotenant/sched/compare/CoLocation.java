package dev.cotenant.sched.compare;

import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.CpuExecutor;
import dev.cotenant.sched.device.Profile;
import dev.cotenant.sched.device.Profiler;
import dev.cotenant.sched.device.Timeline;
import dev.cotenant.sched.policy.Baselines;
import dev.cotenant.sched.policy.Gacer;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.workload.Tenant;
import dev.cotenant.sched.workload.TenantPlan;
import dev.cotenant.sched.workload.TenantShape;
import dev.cotenant.sched.workload.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Co-location of a workload on the CPU device, end to end: load and profile the tenants, make each
 * policy's schedule, run them all on the same executor with rounds alternating between policies
 * (each recorded round right after an unrecorded one), and report makespans, throughput, latencies and utilisation beside
 * the lower bound.
 */
public final class CoLocation {

    /** How a comparison runs. {@code listener} hears (phase, fraction done). */
    public record Options(int rounds, double budgetSeconds, int maxEvaluations, long seed, int profileRepeats,
                          BiConsumer<String, Double> listener) {

        public static Options defaults() {
            return new Options(5, 30, 200_000, 1, 2, (p, f) -> { });
        }

        public Options withListener(BiConsumer<String, Double> l) {
            return new Options(rounds, budgetSeconds, maxEvaluations, seed, profileRepeats, l);
        }
    }

    /**
     * One policy's measured result ({@code policy} empty for a peer). The peers ({@code onnxruntime}, {@code onnxruntime-tuned}) have
     * no schedule (null), one task per tenant in their timeline, and no utilisation (NaN): the
     * operating system, not the device model, shares the cores among their threads.
     */
    public record PolicyResult(String name, Optional<Policy> policy, Schedule schedule, Timeline timeline, double makespanMs, double throughput,
                               double[] latencyMs, double utilisation) {}

    /** A whole comparison. {@code gacer} is present when the gacer policy ran. */
    public record Report(Workload workload, CpuDevice device, List<TenantPlan> plans, List<Profile> profiles, LowerBound bound,
                         List<PolicyResult> policies, Optional<Gacer.Outcome> gacer, List<String> notes) {

        public double speedupVsSequential(PolicyResult p) {
            return policies.stream().filter(b -> b.policy().orElse(null) instanceof Policy.Sequential).findFirst()
                    .map(s -> s.makespanMs() / p.makespanMs()).orElse(Double.NaN);
        }

        /** Against the fastest of sequential, multistream and interleave. */
        public double speedupVsBestBaseline(PolicyResult p) {
            return bestBaseline().map(b -> b.makespanMs() / p.makespanMs()).orElse(Double.NaN);
        }

        /** Against the peer's fastest setup, when a peer ran. */
        public double speedupVsBestPeer(PolicyResult p) {
            return bestPeer().map(b -> b.makespanMs() / p.makespanMs()).orElse(Double.NaN);
        }

        /** The fastest of sequential, multistream and interleave. */
        public Optional<PolicyResult> bestBaseline() {
            return policies.stream().filter(b -> b.policy().map(CoLocation::baseline).orElse(false))
                    .min(java.util.Comparator.comparingDouble(PolicyResult::makespanMs));
        }

        /** The peer's fastest setup. */
        public Optional<PolicyResult> bestPeer() {
            return policies.stream().filter(b -> b.policy().isEmpty()).min(java.util.Comparator.comparingDouble(PolicyResult::makespanMs));
        }

        /**
         * Lower bound over makespan, for Cotenant's own policies (1 would be the physical limit);
         * NaN for a peer, whose threads the operating system shares out beyond the device model.
         */
        public double efficiency(PolicyResult p) {
            return p.policy().isEmpty() ? Double.NaN : bound.ms() / p.makespanMs();
        }

        /** The text of a gacer outcome, cost-model error included. */
        public List<String> gacerLog() {
            return gacer.map(Gacer.Outcome::log).orElse(List.of());
        }
    }

    private CoLocation() {}

    /** The baselines every searched schedule is measured against. */
    static boolean baseline(Policy q) {
        return switch (q) {
            case Policy.Sequential x -> true;
            case Policy.Multistream x -> true;
            case Policy.Interleave x -> true;
            case Policy.Gacer x -> false;
            case Policy.Given x -> false;
            case Policy.Timeslice x -> false;
            case Policy.Mps x -> false;
            case Policy.Mig x -> false;
        };
    }

    /**
     * Loads, profiles, schedules and measures {@code policies} (a {@link Policy.Given} schedule runs
     * as policy "schedule"); {@code peer}, when present, runs beside them with its default threads
     * and with the thread count that suits it best.
     */
    public static Report compare(Workload workload, CpuDevice device, List<Policy> policies, Optional<Peer> peer, Options o) {
        List<TenantPlan> plans = TenantPlan.load(workload, o.seed());
        List<TenantShape> shapes = plans.stream().map(TenantShape::of).toList();
        List<Schedule.Member> members = shapes.stream().map(s -> new Schedule.Member(s.name(), s.ops())).toList();
        long p0 = System.nanoTime();
        List<Profile> profiles = new Profiler(device, o.profileRepeats()).profile(plans, f -> o.listener().accept("profile", f));
        LowerBound bound = LowerBound.of(profiles, device.cores());
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "profiled %d operators in %.1f s", profiles.stream().mapToInt(Profile::ops).sum(),
                (System.nanoTime() - p0) / 1e9));
        Map<String, Schedule> schedules = new LinkedHashMap<>();
        Map<String, Policy> byName = new LinkedHashMap<>();
        Optional<Gacer.Outcome> outcome = Optional.empty();
        for (Policy p : policies) {
            byName.put(p.name(), p);
            if (!p.runsOn(device)) {
                throw new ModelException("policy '" + p.name() + "' does not run on " + device.describe());
            }
            Schedule s = switch (p) {
                case Policy.Sequential q -> Baselines.sequential(shapes, device.cores()).compile(members);
                case Policy.Multistream q -> Baselines.multistream(shapes, device.cores()).compile(members);
                case Policy.Interleave q -> Baselines.interleave(shapes, device.cores()).compile(members);
                case Policy.Gacer q -> {
                    Gacer.Outcome out = new Gacer(shapes, profiles, device.cores()).run(bench(device, plans), o.seed(), o.budgetSeconds(),
                            o.maxEvaluations(), f -> o.listener().accept("gacer", f));
                    outcome = Optional.of(out);
                    yield out.schedule();
                }
                case Policy.Given q -> {
                    q.schedule().validate(shapes, device.cores());
                    yield q.schedule();
                }
                case Policy.Timeslice q -> throw new IllegalStateException(q.name());
                case Policy.Mps q -> throw new IllegalStateException(q.name());
                case Policy.Mig q -> throw new IllegalStateException(q.name());
            };
            schedules.put(p.name(), s);
        }
        List<PolicyResult> results = measure(device, schedules, byName, peer, plans, workload, o, notes);
        LowerBound seen = LowerBound.of(profiles, device.cores(),
                results.stream().filter(r -> r.schedule() != null).map(PolicyResult::timeline).toList());
        if (seen.ms() < bound.ms()) {
            notes.add(String.format(Locale.ROOT, "lower bound %.1f ms from the profile, %.1f ms with the fastest operator times the measured "
                    + "rounds saw", bound.ms(), seen.ms()));
        }
        return new Report(workload, device, plans, profiles, seen, results, outcome, notes);
    }

    /**
     * A schedule's makespan in ms, measured cheaply for sampling and finalists: one round, or the
     * fastest of three when rounds are short (short rounds are the ones most disturbed by noise).
     */
    static double measureOnce(CpuDevice device, Schedule s, List<TenantPlan> plans) {
        try (CpuExecutor ex = new CpuExecutor(device, s, plans)) {
            double ms = ex.run(1).medianMakespanMs();
            if (ms < 150) {
                for (int i = 0; i < 2; i++) {
                    ms = Math.min(ms, ex.run(1).medianMakespanMs());
                }
            }
            return ms;
        }
    }

    /** The regulator's measurements on this device: fresh executors for samples, kept runners for its confirmation. */
    static Gacer.Bench bench(CpuDevice device, List<TenantPlan> plans) {
        return new Gacer.Bench() {
            @Override
            public double once(Schedule s) {
                return measureOnce(device, s, plans);
            }

            @Override
            public double[][] alternate(List<Schedule> schedules, int rounds) {
                List<Runner> runners = new ArrayList<>();
                try {
                    for (Schedule s : schedules) {
                        runners.add(executor(device, s, plans));
                    }
                    double[][] ms = new double[schedules.size()][rounds];
                    double[] firstMs = warm(runners);
                    java.util.SplittableRandom order = new java.util.SplittableRandom(schedules.size());
                    for (int r = 0; r < rounds; r++) {
                        for (int i : turns(runners.size(), r, order)) {
                            ms[i][r] = turn(runners.get(i), firstMs[i]).medianMakespanMs();
                        }
                    }
                    return ms;
                } finally {
                    runners.forEach(Runner::close);
                }
            }
        };
    }

    /** Something that runs rounds of the workload: the executor on a schedule, or the peer. */
    private interface Runner extends AutoCloseable {
        Timeline round();

        @Override
        void close();
    }

    private static Runner executor(CpuDevice device, Schedule s, List<TenantPlan> plans) {
        CpuExecutor ex = new CpuExecutor(device, s, plans);
        return new Runner() {
            @Override
            public Timeline round() {
                return ex.run(1);
            }

            @Override
            public void close() {
                ex.close();
            }
        };
    }

    private static Runner peer(Peer peer, CpuDevice device, List<TenantPlan> plans, Peer.Setup setup) {
        Peer.Session p = peer.open(plans, setup);
        return new Runner() {
            @Override
            public Timeline round() {
                return p.round(device.cores());
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }

    private static List<PolicyResult> measure(CpuDevice device, Map<String, Schedule> schedules, Map<String, Policy> byName, Optional<Peer> peer, List<TenantPlan> plans,
                                              Workload workload, Options o, List<String> notes) {
        List<String> names = new ArrayList<>(schedules.keySet());
        List<Runner> runners = new ArrayList<>();
        try {
            for (String n : names) {
                runners.add(executor(device, schedules.get(n), plans));
            }
            if (peer.isPresent()) {
                Peer p = peer.get();
                names.add(p.name());
                runners.add(peer(p, device, plans, Peer.Setup.defaults(plans.size())));
                Peer.Setup best = PeerTuning.best(p, device, plans, notes);
                names.add(p.name() + "-tuned");
                runners.add(peer(p, device, plans, best));
            }
            double[] firstMs = warm(runners);
            // Rounds alternate between policies, so drifting load on the machine hits them alike,
            // in a new order every round (seeded): in one fixed order, two policies with the same
            // schedule measured 6% apart (mix (a), 9 rounds, 2026-12-06), so what runs just before
            // a policy must not be the same every round.
            List<List<Timeline>> rounds = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                rounds.add(new ArrayList<>());
            }
            java.util.SplittableRandom order = new java.util.SplittableRandom(o.seed());
            for (int r = 0; r < o.rounds(); r++) {
                int[] turn = turns(names.size(), r, order);
                for (int step = 0; step < turn.length; step++) {
                    int i = turn[step];
                    rounds.get(i).add(turn(runners.get(i), firstMs[i]));
                    o.listener().accept("measure", (r * names.size() + step + 1.0) / (o.rounds() * names.size()));
                }
            }
            int inferences = workload.tenants().stream().mapToInt(Tenant::batch).sum();
            List<PolicyResult> results = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                Timeline tl = merge(rounds.get(i));
                double ms = tl.medianMakespanMs();
                double[] lat = new double[plans.size()];
                for (int t = 0; t < lat.length; t++) {
                    lat[t] = tl.medianLatencyMs(t);
                }
                boolean isPeer = !schedules.containsKey(names.get(i));
                results.add(new PolicyResult(names.get(i), Optional.ofNullable(byName.get(names.get(i))), isPeer ? null : schedules.get(names.get(i)), tl, ms, inferences / (ms / 1000), lat,
                        isPeer ? Double.NaN : tl.medianUtilisation()));
            }
            return results;
        } finally {
            runners.forEach(Runner::close);
        }
    }

    /** One unrecorded round of each runner; its makespan decides how {@link #turn} warms it. */
    private static double[] warm(List<Runner> runners) {
        double[] ms = new double[runners.size()];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = runners.get(i).round().medianMakespanMs();
        }
        return ms;
    }

    /**
     * One recorded round of {@code r} in its turn: after a pause, and, for short rounds, after an
     * unrecorded one that wakes the runner's threads, so that every policy is measured running
     * round after round, as the search measured it, and none pays for the previous runner's
     * threads. A long round absorbs that wake-up (a few milliseconds) itself, and warming it would
     * double the comparison's time (mix (d): rounds of 1.1 s).
     */
    private static Timeline turn(Runner r, double firstMs) {
        settle();
        if (firstMs < Gacer.Bench.SHORT_ROUND_MS) {
            r.round();
        }
        return r.round();
    }

    /** The order of {@code n} runners in round {@code round}: as listed first, then shuffled. */
    static int[] turns(int n, int round, java.util.SplittableRandom rnd) {
        int[] turn = java.util.stream.IntStream.range(0, n).toArray();
        for (int k = n - 1; k > 0 && round > 0; k--) {
            int j = rnd.nextInt(k + 1);
            int t = turn[k];
            turn[k] = turn[j];
            turn[j] = t;
        }
        return turn;
    }

    /**
     * A pause between rounds of different runners: worker threads (the engine's and ONNX
     * Runtime's) spin for a while after their work before they park, and that spinning must not
     * eat into the next runner's round.
     */
    static void settle() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Timeline merge(List<Timeline> parts) {
        Timeline f = parts.get(0);
        long[][] s = new long[parts.size()][];
        long[][] e = new long[parts.size()][];
        for (int i = 0; i < parts.size(); i++) {
            s[i] = parts.get(i).start()[0];
            e[i] = parts.get(i).end()[0];
        }
        return new Timeline(f.tasks(), f.streamOf(), f.streams(), f.tenants(), f.cores(), s, e);
    }

    /** The gacer schedule for a workload (for {@code cotenant plan}). */
    public static Gacer.Outcome plan(Workload workload, CpuDevice device, Options o) {
        return plan(TenantPlan.load(workload, o.seed()), device, o);
    }

    /**
     * The gacer schedule for tenants already planned, their inputs bound (the server's round
     * keys): profiled, searched and confirmed on {@code device}, within {@code o}'s budget.
     */
    public static Gacer.Outcome plan(List<TenantPlan> plans, CpuDevice device, Options o) {
        List<TenantShape> shapes = plans.stream().map(TenantShape::of).toList();
        List<Profile> profiles = new Profiler(device, o.profileRepeats()).profile(plans, f -> o.listener().accept("profile", f));
        return new Gacer(shapes, profiles, device.cores()).run(bench(device, plans), o.seed(), o.budgetSeconds(),
                o.maxEvaluations(), f -> o.listener().accept("gacer", f));
    }
}
