package dev.cotenant.sched.policy;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.kernel.Item;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.GpuStream;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.gpusim.sim.Submission;
import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.device.ScheduleLowering;
import dev.cotenant.sched.schedule.Schedule;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy made ready for the simulated GPU: the hardware's mechanisms as they are, the scheduler's
 * policies with the schedule they produced (a baseline, a searched one, a file). It says what the
 * host submits: which streams the tenants' kernels go on, in which context (process), fed by which
 * host threads, on which SMs and with which share of the bandwidth. Each tenant runs
 * {@code rounds} times, one inference after another, each as the host runtime submits it.
 *
 * <p>Processes and host threads: {@code sequential} and {@code multistream} are one process;
 * multistream gives each stream its own host thread unless it is {@code -1host} or the runtime is
 * a framework with one thread per process ({@code eager}). {@code timeslice}, {@code mps} and
 * {@code mig} are a process per tenant (per MIG instance), each with its own host thread and its
 * own work queues. The scheduler's policies are one process; {@code gacer} gives each stream a host
 * thread of its own (under a framework, a stream per process, as MPS clients), {@code gacer-1host}
 * one thread for all.
 *
 * @param schedule the schedule for {@link Policy#scheduled() scheduled} policies, else null
 */
public record SimulatedPolicy(Policy policy, Schedule schedule) {

    public SimulatedPolicy {
        if (policy.scheduled() != (schedule != null)) {
            throw new IllegalArgumentException(policy.name() + (schedule == null ? " needs a schedule" : " takes no schedule"));
        }
    }

    /** A hardware sharing, or a scheduler policy that needs no search (sequential, multistream); given schedules carry their own. */
    public static SimulatedPolicy of(Policy policy) {
        return new SimulatedPolicy(policy, policy instanceof Policy.Given g ? g.schedule() : null);
    }

    public String name() {
        return policy.name();
    }

    /** What the host submits: every tenant's kernels, {@code rounds} times over, by the native runtime. */
    public Submission submission(List<LoweredModel> tenants, int rounds, Gpu gpu) {
        return submission(tenants, rounds, gpu, Sharing.Host.DEFAULT);
    }

    /** What the host submits with {@code host}'s runtime, work queues and interference. */
    public Submission submission(List<LoweredModel> tenants, int rounds, Gpu gpu, Sharing.Host host) {
        return switch (policy) {
            case Policy.Sequential s -> {
                List<Item> items = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    tenants.forEach(t -> items.addAll(t.inference(host.runtime())));
                }
                yield new Submission(List.of(GpuStream.of("all", 0, items)), Sharing.SHARED.withHost(host));
            }
            case Policy.Multistream m -> {
                List<GpuStream> streams = new ArrayList<>();
                for (LoweredModel t : tenants) {
                    streams.add(GpuStream.of(t.name(), 0, repeat(t, rounds, host, gpu)));
                }
                yield new Submission(streams, Sharing.SHARED.withHost(host).withOneHostThread(oneHostThread(m.oneHostThread(), host)));
            }
            case Policy.Timeslice t -> new Submission(processes(tenants, rounds, host, gpu), Sharing.TIME_SLICED.withHost(host));
            case Policy.Mps m -> m.percent().isEmpty()
                    ? new Submission(processes(tenants, rounds, host, gpu), Sharing.SHARED.withHost(host))
                    : mps(m, tenants, rounds, gpu, host);
            case Policy.Mig m -> mig(m, tenants, rounds, gpu, host);
            case Policy.Interleave i -> ScheduleLowering.workload(schedule, tenants, Sharing.SHARED.withHost(host), rounds);
            case Policy.Given g -> ScheduleLowering.workload(schedule, tenants, Sharing.SHARED.withHost(host), rounds);
            case Policy.Gacer g -> ScheduleLowering.workload(schedule, tenants, gacerSharing(g, host), rounds);
        };
    }

    /**
     * How a gacer schedule's streams are fed: a host thread per stream (under a framework, each
     * stream its own process, as MPS clients, since one Python thread would serialise every
     * launch), or one thread for all for {@code gacer-1host}.
     */
    static Sharing gacerSharing(Policy.Gacer g, Sharing.Host host) {
        return Sharing.SHARED.withHost(host).withOneHostThread(g.oneHostThread());
    }

    /** One process's streams share one host thread when asked, or when the runtime has one per process. */
    private static boolean oneHostThread(boolean asked, Sharing.Host host) {
        return asked || host.runtime().oneHostThread();
    }

    /** A process per tenant, each with its stream, its host thread and its work queues. */
    private static List<GpuStream> processes(List<LoweredModel> tenants, int rounds, Sharing.Host host, Gpu gpu) {
        List<GpuStream> streams = new ArrayList<>();
        for (int i = 0; i < tenants.size(); i++) {
            streams.add(new GpuStream(tenants.get(i).name(), 0, i, 0, 0, 0, repeat(tenants.get(i), rounds, host, gpu)));
        }
        return streams;
    }

    /**
     * Tenant i may use {@code percent[i]}% of the SMs. Ranges are laid out one after another around
     * the device, so caps summing to more than 100 overlap.
     */
    private Submission mps(Policy.Mps m, List<LoweredModel> tenants, int rounds, Gpu gpu, Sharing.Host host) {
        List<Integer> percent = m.percent();
        if (percent.size() != tenants.size()) {
            throw new ModelException(name() + ": gives " + percent.size() + " percentages for " + tenants.size() + " tenants");
        }
        List<GpuStream> streams = new ArrayList<>();
        int first = 0;
        for (int i = 0; i < tenants.size(); i++) {
            int count = Math.max(1, (int) Math.round(gpu.sms() * percent.get(i) / 100.0));
            streams.add(new GpuStream(tenants.get(i).name(), 0, i, first % gpu.sms(), count, 0, repeat(tenants.get(i), rounds, host, gpu)));
            first += count;
        }
        return new Submission(streams, Sharing.SHARED.withHost(host));
    }

    /**
     * Instance j gets {@code slices x mig_sms_per_slice} SMs and its memory slices' share of the
     * bandwidth (1g: 1/8, 2g: 2/8, 3g and 4g: 4/8, 7g: all, as on A100 and H100). Tenants go to
     * instances round robin; tenants on one instance share it as streams of one process.
     */
    private Submission mig(Policy.Mig m, List<LoweredModel> tenants, int rounds, Gpu gpu, Sharing.Host host) {
        if (gpu.migSlices() == 0) {
            throw new ModelException(gpu.name() + " has no MIG (its sheet says mig_slices = 0)");
        }
        List<Integer> slices = m.slices();
        int total = slices.stream().mapToInt(Integer::intValue).sum();
        int memory = slices.stream().mapToInt(SimulatedPolicy::migMemoryEighths).sum();
        if (total > gpu.migSlices() || memory > 8) {
            throw new ModelException(name() + ": needs " + total + " compute slices and " + memory + "/8 of memory; "
                    + gpu.name() + " has " + gpu.migSlices() + " and 8/8");
        }
        double[] shares = new double[slices.size()];
        int[] first = new int[slices.size()];
        int at = 0;
        for (int j = 0; j < slices.size(); j++) {
            shares[j] = migMemoryEighths(slices.get(j)) / 8.0;
            first[j] = at;
            at += slices.get(j) * gpu.migSmsPerSlice();
        }
        List<GpuStream> streams = new ArrayList<>();
        for (int i = 0; i < tenants.size(); i++) {
            int j = i % slices.size();
            streams.add(new GpuStream(tenants.get(i).name(), 0, j, first[j], slices.get(j) * gpu.migSmsPerSlice(), j,
                    repeat(tenants.get(i), rounds, host, gpu)));
        }
        return new Submission(streams, new Sharing(false, shares, false).withHost(host));
    }

    /** Eighths of the memory (and of the bandwidth) a MIG profile of {@code g} compute slices owns. */
    static int migMemoryEighths(int g) {
        return switch (g) {
            case 1 -> 1;
            case 2 -> 2;
            case 3, 4 -> 4;
            case 7 -> 8;
            default -> throw new ModelException("mig: no " + g + "g profile (profiles: 1g, 2g, 3g, 4g, 7g)");
        };
    }

    private static List<Item> repeat(LoweredModel t, int rounds, Sharing.Host host, Gpu gpu) {
        List<Item> one = t.inference(host.runtime());
        List<Item> items = new ArrayList<>(one.size() * rounds);
        for (int r = 0; r < rounds; r++) {
            items.addAll(one);
        }
        return items;
    }
}
