package dev.cotenant.sched;

import dev.cotenant.ir.ModelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Co-location of a workload on the CPU device, end to end: load and profile the tenants, make each
 * policy's schedule, run them all on the same executor with rounds alternating between policies
 * (after a warm-up round each), and report makespans, throughput, latencies and utilisation beside
 * the lower bound.
 */
public final class CoLocation {

    /** Policy names in report order; {@code all} means these. */
    public static final List<String> POLICIES = List.of("sequential", "multistream", "interleave", "gacer", "onnxruntime");

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

    /** One policy's measured result. */
    public record PolicyResult(String name, Schedule schedule, Timeline timeline, double makespanMs, double throughput,
                               double[] latencyMs, double utilisation) {}

    /** A whole comparison. {@code gacer} is present when the gacer policy ran. */
    public record Report(Workload workload, CpuDevice device, List<TenantPlan> plans, List<Profile> profiles, LowerBound bound,
                         List<PolicyResult> policies, Optional<Gacer.Outcome> gacer, List<String> notes) {

        public PolicyResult policy(String name) {
            return policies.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
        }

        public double speedupVsSequential(PolicyResult p) {
            PolicyResult s = policy("sequential");
            return s == null ? Double.NaN : s.makespanMs() / p.makespanMs();
        }

        /** Against the fastest of sequential, multistream and interleave. */
        public double speedupVsBestBaseline(PolicyResult p) {
            double best = Double.MAX_VALUE;
            for (PolicyResult b : policies) {
                if (List.of("sequential", "multistream", "interleave").contains(b.name())) {
                    best = Math.min(best, b.makespanMs());
                }
            }
            return best == Double.MAX_VALUE ? Double.NaN : best / p.makespanMs();
        }

        /** Lower bound over makespan: 1 would be the physical limit. */
        public double efficiency(PolicyResult p) {
            return bound.ms() / p.makespanMs();
        }

        /** The text of a gacer outcome, cost-model error included. */
        public List<String> gacerLog() {
            return gacer.map(Gacer.Outcome::log).orElse(List.of());
        }
    }

    private CoLocation() {}

    /** Expands {@code all} and checks the names. */
    public static List<String> policies(String spec) {
        List<String> out = new ArrayList<>();
        for (String p : spec.split(",")) {
            String name = p.trim();
            if (name.equals("all")) {
                for (String q : POLICIES) {
                    if (!out.contains(q)) {
                        out.add(q);
                    }
                }
            } else if (POLICIES.contains(name)) {
                if (!out.contains(name)) {
                    out.add(name);
                }
            } else {
                throw new ModelException("unknown policy '" + name + "' (known: " + String.join(", ", POLICIES) + ", all)");
            }
        }
        return out;
    }

    /** Loads, profiles, schedules and measures; {@code replay}, when given, runs as policy "schedule". */
    public static Report compare(Workload workload, CpuDevice device, List<String> policies, Optional<Schedule> replay, Options o) {
        List<TenantPlan> plans = TenantPlan.load(workload, o.seed());
        List<TenantShape> shapes = plans.stream().map(TenantShape::of).toList();
        List<Schedule.Member> members = shapes.stream().map(s -> new Schedule.Member(s.name(), s.ops())).toList();
        List<Profile> profiles = new Profiler(device, o.profileRepeats()).profile(plans, f -> o.listener().accept("profile", f));
        LowerBound bound = LowerBound.of(profiles, device.cores());
        List<String> notes = new ArrayList<>();
        Map<String, Schedule> schedules = new LinkedHashMap<>();
        Optional<Gacer.Outcome> outcome = Optional.empty();
        for (String p : policies) {
            switch (p) {
                case "sequential" -> schedules.put(p, Baselines.sequential(shapes, device.cores()).compile(members));
                case "multistream" -> schedules.put(p, Baselines.multistream(shapes, device.cores()).compile(members));
                case "interleave" -> schedules.put(p, Baselines.interleave(shapes, device.cores()).compile(members));
                case "gacer" -> {
                    Gacer g = new Gacer(shapes, profiles, device.cores());
                    Gacer.Outcome out = g.run(s -> measureOnce(device, s, plans), o.seed(), o.budgetSeconds(), o.maxEvaluations(),
                            f -> o.listener().accept("gacer", f));
                    outcome = Optional.of(out);
                    schedules.put(p, out.schedule());
                }
                case "onnxruntime" -> notes.add("onnxruntime: the peer policy runs in the onnxruntime module (not part of this build)");
                default -> throw new ModelException("unknown policy '" + p + "'");
            }
        }
        replay.ifPresent(s -> {
            s.validate(shapes, device.cores());
            schedules.put("schedule", s);
        });
        List<PolicyResult> results = measure(device, schedules, plans, workload, o);
        return new Report(workload, device, plans, profiles, bound, results, outcome, notes);
    }

    /** One warm-up round and one measured round: the makespan in ms (for sampling and finalists). */
    static double measureOnce(CpuDevice device, Schedule s, List<TenantPlan> plans) {
        try (CpuExecutor ex = new CpuExecutor(device, s, plans)) {
            ex.run(1);
            return ex.run(1).medianMakespanMs();
        }
    }

    private static List<PolicyResult> measure(CpuDevice device, Map<String, Schedule> schedules, List<TenantPlan> plans,
                                              Workload workload, Options o) {
        List<String> names = new ArrayList<>(schedules.keySet());
        List<CpuExecutor> executors = new ArrayList<>();
        try {
            for (String n : names) {
                executors.add(new CpuExecutor(device, schedules.get(n), plans));
            }
            for (CpuExecutor ex : executors) {
                ex.run(1);
            }
            // Rounds alternate between policies, so drifting load on the machine hits them alike.
            List<List<Timeline>> rounds = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                rounds.add(new ArrayList<>());
            }
            for (int r = 0; r < o.rounds(); r++) {
                for (int i = 0; i < names.size(); i++) {
                    rounds.get(i).add(executors.get(i).run(1));
                    o.listener().accept("measure", (r * names.size() + i + 1.0) / (o.rounds() * names.size()));
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
                results.add(new PolicyResult(names.get(i), schedules.get(names.get(i)), tl, ms, inferences / (ms / 1000), lat,
                        tl.medianUtilisation()));
            }
            return results;
        } finally {
            executors.forEach(CpuExecutor::close);
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
        List<TenantPlan> plans = TenantPlan.load(workload, o.seed());
        List<TenantShape> shapes = plans.stream().map(TenantShape::of).toList();
        List<Profile> profiles = new Profiler(device, o.profileRepeats()).profile(plans, f -> o.listener().accept("profile", f));
        return new Gacer(shapes, profiles, device.cores()).run(s -> measureOnce(device, s, plans), o.seed(), o.budgetSeconds(),
                o.maxEvaluations(), f -> o.listener().accept("gacer", f));
    }
}
