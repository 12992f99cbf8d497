package dev.cotenant.server.regulate;

import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.KernelTimeline;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.sched.device.SimulatedGpu;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One round on the simulated GPU: when each batch ends and when the device is free again, in
 * simulated microseconds from the round's start, and the mean fraction of SMs busy meanwhile.
 *
 * @param sharing    the sharing the round ran under
 * @param endUs      for each batch, in the order given, when its last kernel ended
 * @param makespanUs when the last item of any stream ended
 * @param smBusy     time-weighted mean fraction of SMs holding a block over the makespan
 */
record SimulatedRound(String sharing, double[] endUs, double makespanUs, double smBusy) {

    SimulatedRound {
        endUs = endUs.clone();
    }

    /**
     * Simulates {@code batches} sharing {@code device} as {@code sharing} says. Batches are renamed
     * {@code b0, b1, ...} first so each one's kernels are found by tag whatever the workload's
     * stream layout (one stream for all, one per batch, or a searched schedule's).
     */
    static SimulatedRound run(SimulatedGpu device, RoundSharing sharing, List<LoweredModel> batches) {
        KernelTimeline t = Simulator.run(device.gpu(), sharing.workload(named(batches), device));
        double[] end = new double[batches.size()];
        for (KernelTimeline.KernelSpan k : t.kernels()) {
            int colon = k.tag().indexOf(':');
            if (colon > 1 && k.tag().charAt(0) == 'b') {
                int i = Integer.parseInt(k.tag(), 1, colon, 10);
                end[i] = Math.max(end[i], k.endUs());
            }
        }
        return new SimulatedRound(sharing.name(), end, t.makespanUs(), t.meanSmBusy());
    }

    /** The batches renamed {@code b0, b1, ...}: the names their kernels' tags carry in a round. */
    static List<LoweredModel> named(List<LoweredModel> batches) {
        List<LoweredModel> named = new ArrayList<>(batches.size());
        for (int i = 0; i < batches.size(); i++) {
            LoweredModel m = batches.get(i);
            named.add(new LoweredModel("b" + i, m.precision(), m.operators(), m.kernelsPerStep()));
        }
        return named;
    }

    /** Mean of the batches' end times: how long a request waits for its answer, on average over tenants. */
    double meanEndUs() {
        return Arrays.stream(endUs).average().orElse(0);
    }
}
