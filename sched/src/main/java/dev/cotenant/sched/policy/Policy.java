package dev.cotenant.sched.policy;

import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.Device;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.schedule.Schedule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How co-located tenants share a device (../shared/DESIGN.md, "Policies"). The scheduler's
 * policies produce a {@link Schedule}: {@link Sequential}, {@link Multistream}, {@link Interleave},
 * {@link Gacer}, or one {@link Given} in a file. The hardware's sharing mechanisms ({@link Timeslice},
 * {@link Mps}, {@link Mig}) exist only on a GPU and need no schedule. A name becomes a Policy once,
 * in {@link #parse}; everything after that switches over this type, exhaustively.
 */
public sealed interface Policy {

    /** One stream, tenant after tenant: what cuDNN or TVM runtimes do. */
    record Sequential() implements Policy {}

    /**
     * One stream per tenant, unregulated. On a simulated GPU, {@code oneHostThread} has a single
     * host thread enqueue every stream (launch costs add up); otherwise each stream has its own.
     */
    record Multistream(boolean oneHostThread) implements Policy {}

    /** Breadth-first round robin of the tenants' operators on one stream. */
    record Interleave() implements Policy {}

    /** The searched schedule (sync points, splits, concurrency); {@code oneHostThread} as for {@link Multistream}. */
    record Gacer(boolean oneHostThread) implements Policy {}

    /** A schedule given in its text form ({@code --schedule FILE}), replayed as it is. */
    record Given(Schedule schedule) implements Policy {}

    /** One process per tenant without MPS: the GPU time-slices between them; kernels never overlap. */
    record Timeslice() implements Policy {}

    /**
     * One process per tenant sharing the GPU through MPS: each with its own host thread and work
     * queues, kernels of all processes concurrent. With an active-thread percentage per tenant
     * ({@code mps:60,40}) each is confined to that share of the SMs; with none ({@code mps}) every
     * process may use the whole device.
     */
    record Mps(List<Integer> percent) implements Policy {
        public Mps {
            percent = List.copyOf(percent);
        }
    }

    /** MIG instances by compute slices ({@code mig:3g,2g,2g}); tenants go to instances round robin. */
    record Mig(List<Integer> slices) implements Policy {
        public Mig {
            slices = List.copyOf(slices);
        }
    }

    /** The name as the command line spells it, and as reports show it. */
    default String name() {
        return switch (this) {
            case Sequential s -> "sequential";
            case Multistream m -> m.oneHostThread() ? "multistream-1host" : "multistream";
            case Interleave i -> "interleave";
            case Gacer g -> g.oneHostThread() ? "gacer-1host" : "gacer";
            case Given g -> "schedule";
            case Timeslice t -> "timeslice";
            case Mps m -> m.percent().isEmpty() ? "mps" : "mps:" + String.join(",", m.percent().stream().map(String::valueOf).toList());
            case Mig m -> "mig:" + String.join(",", m.slices().stream().map(s -> s + "g").toList());
        };
    }

    /** Whether the policy can run on {@code device}: the hardware mechanisms and one host thread are a GPU's. */
    default boolean runsOn(Device device) {
        return switch (device) {
            case CpuDevice c -> switch (this) {
                case Sequential s -> true;
                case Multistream m -> !m.oneHostThread();
                case Interleave i -> true;
                case Gacer g -> !g.oneHostThread();
                case Given g -> true;
                case Timeslice t -> false;
                case Mps m -> false;
                case Mig m -> false;
            };
            case SimulatedGpu g -> true;
        };
    }

    /** Whether the policy is the scheduler's (it yields a schedule) rather than the hardware's. */
    default boolean scheduled() {
        return switch (this) {
            case Sequential s -> false;
            case Multistream m -> false;
            case Interleave i -> true;
            case Gacer g -> true;
            case Given g -> true;
            case Timeslice t -> false;
            case Mps m -> false;
            case Mig m -> false;
        };
    }

    /**
     * Every policy {@code all} stands for on {@code device} with {@code tenants} tenants. On the
     * CPU: sequential, multistream, interleave, gacer. On a simulated GPU: sequential, both
     * multistreams, timeslice, MPS with equal shares, equal MIG instances where the GPU has MIG,
     * then interleave and both gacers. (MPS without caps, {@code mps}, is asked by name: the list
     * predates it, and its outputs are pinned by golden files.)
     */
    static List<Policy> all(Device device, int tenants) {
        return switch (device) {
            case CpuDevice c -> List.of(new Sequential(), new Multistream(false), new Interleave(), new Gacer(false));
            case SimulatedGpu g -> {
                List<Policy> out = new ArrayList<>(List.of(new Sequential(), new Multistream(false), new Multistream(true), new Timeslice(),
                        new Mps(Collections.nCopies(tenants, Math.max(1, 100 / tenants)))));
                if (g.gpu().migSlices() > 0) {
                    out.add(new Mig(switch (tenants) {
                        case 1 -> List.of(7);
                        case 2 -> List.of(3, 3);
                        case 3 -> List.of(2, 2, 2);
                        default -> Collections.nCopies(Math.min(tenants, 7), 1);
                    }));
                }
                out.addAll(List.of(new Interleave(), new Gacer(false), new Gacer(true)));
                yield List.copyOf(out);
            }
        };
    }

    /**
     * Parses a comma-separated list of policy names for {@code device}: sequential, multistream,
     * multistream-1host, interleave, gacer, gacer-1host, timeslice, mps, mps:P1,P2,..., mig:3g,2g,...,
     * or all. Repeats are dropped; a policy the device cannot run is an error naming both.
     */
    static List<Policy> parse(String spec, Device device, int tenants) {
        List<Policy> out = new ArrayList<>();
        String[] parts = spec.split(",");
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            List<Policy> next;
            if (p.startsWith("mps:") || p.startsWith("mig:")) {
                // Numbers after mps:/mig: belong to it until the next name.
                List<String> args = new ArrayList<>();
                args.add(p.substring(4));
                while (i + 1 < parts.length && parts[i + 1].strip().matches("\\d+g?")) {
                    args.add(parts[++i].strip());
                }
                next = List.of(p.startsWith("mps:") ? PolicyNames.mps(args) : PolicyNames.mig(args));
            } else if (p.equals("all")) {
                next = all(device, tenants);
            } else {
                next = List.of(PolicyNames.named(p));
            }
            for (Policy q : next) {
                if (!q.runsOn(device)) {
                    throw new ModelException("policy '" + q.name() + "' does not run on " + device.describe()
                            + (device instanceof CpuDevice ? " (timeslice, mps, mig and the -1host forms are a GPU's)" : ""));
                }
                if (out.stream().noneMatch(o -> o.name().equals(q.name()))) {
                    out.add(q);
                }
            }
        }
        return List.copyOf(out);
    }
}
