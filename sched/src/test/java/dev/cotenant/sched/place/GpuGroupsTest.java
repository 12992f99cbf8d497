package dev.cotenant.sched.place;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A group on a simulated GPU: co-running never makes a request faster than alone, and the device's load adds up. */
class GpuGroupsTest {

    @Test
    void aGroupIsPredictedFromTheSimulatedCoRun() {
        GpuGroups g = new GpuGroups(Gpu.load("l4"), Precision.FP16);
        Demand tiny = new Demand("bert-tiny", 200, 20);
        Demand mobile = new Demand("mobilenetv2", 200, 20);
        Prediction alone = g.predict(List.of(mobile));
        Prediction both = g.predict(List.of(tiny, mobile));
        assertTrue(alone.models().getFirst().serviceP99Ms() >= g.soloMs("mobilenetv2") - 1e-9);
        assertTrue(both.models().get(1).serviceP99Ms() >= alone.models().getFirst().serviceP99Ms() - 1e-9, both + " vs " + alone);
        assertTrue(both.utilisation() > alone.utilisation(), both + " vs " + alone);
        assertTrue(both.utilisation() <= alone.utilisation() + 200 * g.soloMs("bert-tiny") / 1e3 + 1e-9, "overlap never adds work");
    }
}
