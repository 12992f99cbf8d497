package dev.cotenant.sched.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.Item;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.kernel.ZooModels;
import dev.cotenant.gpusim.sim.GpuStream;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.gpusim.sim.Submission;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sharing mechanisms on the simulated GPU, with one tenant: each must cost what running it alone costs. */
class SimulatedPolicyTest {

    static final Gpu A100 = Gpu.load("a100");
    static LoweredModel resnet18;
    static LoweredModel bertTiny;

    @BeforeAll
    static void lower() {
        resnet18 = ZooModels.lower(new ZooModels.Entry("resnet18", 1), Precision.FP16, A100);
        bertTiny = ZooModels.lower(new ZooModels.Entry("bert-tiny", 4), Precision.FP16, A100);
    }

    @Test
    void aSingleTenantUnderAnyMechanismTakesItsSoloTime() {
        for (LoweredModel m : List.of(resnet18, bertTiny)) {
            double solo = Simulator.solo(A100, GpuStream.of(m.name(), 0, m.launches())).makespanUs();
            for (SimulatedPolicy mech : List.of(SimulatedPolicy.of(new Policy.Sequential()), SimulatedPolicy.of(new Policy.Multistream(false)), SimulatedPolicy.of(new Policy.Timeslice()),
                    SimulatedPolicy.of(new Policy.Mps(List.of(100))))) {
                double t = Simulator.run(A100, mech.submission(List.of(m), 1, A100)).makespanUs();
                assertEquals(solo, t, A100.launchUs(), mech.name() + " on " + m.name());
            }
            // Beside an idle stream, and with its own event records and waits in between.
            double beside = Simulator.run(A100, Submission.of(List.of(GpuStream.of("m", 0, m.launches()), GpuStream.of("idle", 0, List.of()))))
                    .makespanUs();
            assertEquals(solo, beside, 1e-9);
            List<Item> withEvents = new ArrayList<>();
            int e = 0;
            for (Item it : m.launches()) {
                withEvents.add(it);
                if (e < 10) {
                    withEvents.add(new Item.Record(e));
                    withEvents.add(new Item.Wait(e++));
                }
            }
            double evented = Simulator.solo(A100, GpuStream.of("m", 0, withEvents)).makespanUs();
            assertEquals(solo, evented, 10 * (A100.eventRecordUs() + A100.streamWaitUs() + A100.kernelGapUs()) + 1e-6);
        }
    }
}
