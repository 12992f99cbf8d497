package dev.cotenant.gpusim;

import dev.cotenant.sched.Baselines;
import dev.cotenant.sched.Schedule;
import dev.cotenant.sched.TenantShape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The policies a simulated comparison runs, from their names: the sharing mechanisms
 * ({@link Mechanism#parse}) and the scheduler's policies, which become {@link Mechanism.Scheduled}:
 * {@code interleave} (the compact form's baseline) and {@code gacer} / {@code gacer-1host} (searched
 * on the simulator; the first with a host thread per stream, as {@code multistream}, the second
 * with one host thread for all streams, as {@code multistream-1host}, so each is compared with the
 * multistream of its own host model). {@code all} is every mechanism, then interleave, gacer and
 * gacer-1host.
 *
 * @param mechanisms in the order asked
 * @param gacer the outcome of each gacer search, for the log and reports
 */
public record Policies(List<Mechanism> mechanisms, List<GpuGacer.Outcome> gacer) {

    static final List<String> SCHEDULED = List.of("interleave", "gacer", "gacer-1host");

    /** Checks the names in {@code spec} without searching or lowering anything (bad names fail fast). */
    public static void check(String spec, int tenants, Gpu gpu) {
        List<String> rest = new ArrayList<>();
        split(spec, new ArrayList<>(), rest);
        rest.remove("all");
        if (!rest.isEmpty()) {
            Mechanism.parse(String.join(",", rest), tenants, gpu);
        }
    }

    private static void split(String spec, List<String> scheduled, List<String> rest) {
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (SCHEDULED.contains(p)) {
                if (!scheduled.contains(p)) {
                    scheduled.add(p);
                }
            } else {
                rest.add(p);
            }
        }
    }

    /**
     * Resolves {@code spec} for {@code tenants} on {@code gpu}; gacer searches run here, with
     * finalists simulated over {@code rounds}. {@code progress} hears (policy, fraction done).
     */
    public static Policies resolve(String spec, List<LoweredModel> tenants, Gpu gpu, int rounds, GpuGacer.Settings settings,
                                   BiConsumer<String, Double> progress) {
        return resolve(spec, tenants, java.util.Collections.nCopies(tenants.size(), 0), gpu, rounds, settings, progress);
    }

    /**
     * As above, with the tenants' priorities (higher runs first): the scheduler's policies give each
     * stream the highest priority of its tenants and the search leaves them be; the sharing
     * mechanisms ignore them.
     */
    public static Policies resolve(String spec, List<LoweredModel> tenants, List<Integer> priorities, Gpu gpu, int rounds,
                                   GpuGacer.Settings settings, BiConsumer<String, Double> progress) {
        List<String> scheduled = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        split(spec, scheduled, rest);
        List<Mechanism> out = new ArrayList<>();
        if (rest.contains("all")) {
            rest.remove("all");
            out.addAll(Mechanism.parse("all", tenants.size(), gpu));
            for (String s : SCHEDULED) {
                if (!scheduled.contains(s)) {
                    scheduled.add(s);
                }
            }
        }
        if (!rest.isEmpty()) {
            out.addAll(Mechanism.parse(String.join(",", rest), tenants.size(), gpu));
        }
        List<GpuGacer.Outcome> outcomes = new ArrayList<>();
        List<TenantShape> shapes = GpuGacer.shapes(tenants, priorities);
        List<Schedule.Member> members = shapes.stream().map(s -> new Schedule.Member(s.name(), s.ops())).toList();
        for (String s : scheduled) {
            switch (s) {
                case "interleave" -> out.add(new Mechanism.Scheduled(s, Baselines.interleave(shapes, 1).compile(members), Sharing.SHARED));
                case "gacer", "gacer-1host" -> {
                    Sharing sharing = s.equals("gacer") ? Sharing.SHARED : Sharing.ONE_HOST_THREAD;
                    GpuGacer.Outcome o = GpuGacer.regulate(s, gpu, tenants, priorities, sharing, rounds, settings,
                            f -> progress.accept(s, f));
                    outcomes.add(o);
                    out.add(new Mechanism.Scheduled(s, o.schedule(), sharing));
                }
                default -> throw new IllegalStateException(s);
            }
        }
        return new Policies(out, outcomes);
    }
}
