package dev.cotenant.sched.policy;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.workload.TenantShape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The policies of a simulated comparison made ready to run: the hardware's mechanisms and the
 * scheduler's policies that need no search as they are, {@code interleave} as the compact form's
 * baseline, and {@code gacer} / {@code gacer-1host} searched on the simulator (the first with a
 * host thread per stream, as {@code multistream}, the second with one host thread for all streams,
 * as {@code multistream-1host}, so each is compared with the multistream of its own host model).
 * The scheduler's policies come after the others, as {@link Policy#all} lists them.
 *
 * @param policies in that order
 * @param gacer the outcome of each gacer search, for the log and reports
 */
public record Policies(List<SimulatedPolicy> policies, List<GpuGacer.Outcome> gacer) {

    /**
     * Resolves {@code asked} for {@code tenants} (with their priorities: higher runs first; the
     * scheduler's policies give each stream the highest priority of its tenants and the search
     * leaves them be; the mechanisms ignore them) on {@code gpu}; gacer searches run here, with
     * finalists simulated over {@code rounds}. {@code progress} hears (policy, fraction done).
     */
    public static Policies resolve(List<Policy> asked, List<LoweredModel> tenants, List<Integer> priorities, Gpu gpu, int rounds,
                                   GpuGacer.Settings settings, BiConsumer<String, Double> progress) {
        return resolve(asked, tenants, priorities, gpu, rounds, Sharing.Host.DEFAULT, settings, progress);
    }

    /** As above, with the host runtime, work queues and interference every policy runs with ({@code host}). */
    public static Policies resolve(List<Policy> asked, List<LoweredModel> tenants, List<Integer> priorities, Gpu gpu, int rounds,
                                   Sharing.Host host, GpuGacer.Settings settings, BiConsumer<String, Double> progress) {
        List<SimulatedPolicy> out = new ArrayList<>();
        for (Policy p : asked) {
            if (!p.scheduled() || p instanceof Policy.Given) {
                out.add(SimulatedPolicy.of(p));
            }
        }
        List<GpuGacer.Outcome> outcomes = new ArrayList<>();
        List<TenantShape> shapes = GpuGacer.shapes(tenants, priorities);
        List<Schedule.Member> members = shapes.stream().map(s -> new Schedule.Member(s.name(), s.ops())).toList();
        for (Policy p : asked) {
            switch (p) {
                case Policy.Interleave i -> out.add(new SimulatedPolicy(p, Baselines.interleave(shapes, 1).compile(members)));
                case Policy.Gacer g -> {
                    Sharing sharing = SimulatedPolicy.gacerSharing(g, host);
                    GpuGacer.Outcome o = GpuGacer.regulate(p.name(), gpu, tenants, priorities, sharing, rounds, settings,
                            f -> progress.accept(p.name(), f));
                    outcomes.add(o);
                    out.add(new SimulatedPolicy(p, o.schedule()));
                }
                case Policy.Sequential s -> { }
                case Policy.Multistream m -> { }
                case Policy.Given g -> { }
                case Policy.Timeslice t -> { }
                case Policy.Mps m -> { }
                case Policy.Mig m -> { }
            }
        }
        return new Policies(List.copyOf(out), List.copyOf(outcomes));
    }
}
