package dev.cotenant.server.regulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.kernel.Lowering;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Planner;
import dev.cotenant.sched.device.Device;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.server.Fixtures;
import dev.cotenant.server.Server;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host runtime of a simulated GPU reaches the server's rounds: an eager framework's host time
 * per operator makes the same batch take longer than a native runtime's, and plain MPS (a process
 * per batch) serves on a simulated GPU and nowhere else.
 */
class HostRuntimeServingTest {

    private static LoweredModel slow(SimulatedGpu device) {
        Map<String, TensorType> types = Map.of("x", new TensorType(dev.cotenant.ir.DataType.FLOAT, Shape.of(1, 128, 512)));
        var plan = Planner.plan(Passes.optimize(Fixtures.slow(3), types), types, Workers.single());
        return Lowering.lower("slow", plan, Precision.FP16, device.gpu(), device.fusion());
    }

    @Test
    void anEagerHostMakesTheSameRoundLongerThanANativeOne() {
        SimulatedGpu nativeHost = (SimulatedGpu) Device.parse("sim:h200", null);
        SimulatedGpu eagerHost = nativeHost.withRuntime(HostRuntime.load("eager"));
        double nativeUs = SimulatedRound.run(nativeHost, RoundSharing.SEQUENTIAL, List.of(slow(nativeHost))).makespanUs();
        double eagerUs = SimulatedRound.run(eagerHost, RoundSharing.SEQUENTIAL, List.of(slow(eagerHost))).makespanUs();
        assertTrue(eagerUs > nativeUs, "eager " + eagerUs + " us against native " + nativeUs + " us");
        double mpsUs = SimulatedRound.run(eagerHost, RoundSharing.MPS, List.of(slow(eagerHost), slow(eagerHost))).makespanUs();
        double oneAfterOther = SimulatedRound.run(eagerHost, RoundSharing.SEQUENTIAL, List.of(slow(eagerHost), slow(eagerHost))).makespanUs();
        assertTrue(mpsUs < oneAfterOther, "two processes overlap what one host thread serialises: " + mpsUs + " vs " + oneAfterOther);
        assertTrue(eagerHost.describe().contains("eager runtime"), eagerHost.describe());
        assertEquals(nativeHost.describe(), "sim:h200 (" + nativeHost.gpu().name() + ", fp16)");
    }

    @Test
    void plainMpsServesOnASimulatedGpuWithAnEagerHost(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), null);
        SimulatedGpu eager = ((SimulatedGpu) Device.parse("sim:h200", null)).withRuntime(HostRuntime.load("eager"));
        try (Server s = Server.start(Fixtures.options(repo).withDevice(eager).withPolicy(new Policy.Mps(List.of())))) {
            Fixtures.Reply r = Fixtures.post(s, "/v2/models/tiny/infer", Fixtures.tinyBody());
            assertEquals(200, r.status(), r.body());
        }
        String cpu = assertThrows(IllegalArgumentException.class, () -> Fixtures.options(repo).withPolicy(new Policy.Mps(List.of())))
                .getMessage();
        assertTrue(cpu.contains("does not serve") && cpu.contains("plain mps"), cpu);
        String capped = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.options(repo).withDevice(eager).withPolicy(new Policy.Mps(List.of(60, 40)))).getMessage();
        assertTrue(capped.contains("does not serve"), capped);
    }
}
