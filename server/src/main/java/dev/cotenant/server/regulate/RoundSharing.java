package dev.cotenant.server.regulate;

import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.gpusim.sim.Submission;
import dev.cotenant.sched.device.ScheduleLowering;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.policy.SimulatedPolicy;
import dev.cotenant.sched.schedule.Schedule;
import java.util.List;

/**
 * How the batches of one round share the simulated GPU: the simulator's workload that runs each
 * of them once. This is where a schedule searched for a mix plugs in: anything that can turn a
 * round's lowered batches into a {@link Submission} is a sharing, whether one of the simulator's
 * mechanisms or a co-location schedule lowered by the scheduler's bridge to the simulator. The
 * one rule: every launch keeps the tag {@link LoweredModel#launches()} gave it, because the round
 * reads each batch's end from its tags.
 */
interface RoundSharing {

    /** The name reported on the dashboard and in logs. */
    String name();

    /** The workload running each of {@code batches} once on {@code device}, fed by its host runtime. */
    Submission workload(List<LoweredModel> batches, SimulatedGpu device);

    /** One of the simulator's sharing mechanisms (sequential, multistream, MPS, ...). */
    record Of(SimulatedPolicy mechanism) implements RoundSharing {
        @Override
        public String name() {
            return mechanism.name();
        }

        @Override
        public Submission workload(List<LoweredModel> batches, SimulatedGpu device) {
            return mechanism.submission(batches, 1, device.gpu(), device.host());
        }
    }

    /**
     * A co-location schedule searched for the round's batches (gacer with the simulator as its
     * cost model), lowered by the scheduler's bridge, every stream with its own host thread. The
     * schedule's tenants are the batches in round order.
     */
    record Scheduled(String name, Schedule schedule) implements RoundSharing {
        @Override
        public Submission workload(List<LoweredModel> batches, SimulatedGpu device) {
            return ScheduleLowering.workload(schedule, batches, Sharing.SHARED.withHost(device.host()), 1);
        }
    }

    /** One stream, batch after batch: never slower than its parts, the safe choice before a search. */
    RoundSharing SEQUENTIAL = new Of(SimulatedPolicy.of(new Policy.Sequential()));

    /** A stream per batch in one process, overlapped as the hardware can: the unregulated baseline. */
    RoundSharing MULTISTREAM = new Of(SimulatedPolicy.of(new Policy.Multistream(false)));

    /** A process per batch sharing the GPU through MPS, each with its own host thread and work queues. */
    RoundSharing MPS = new Of(SimulatedPolicy.of(new Policy.Mps(List.of())));
}
