package dev.cotenant.sched.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.kernel.Lowering;
import dev.cotenant.gpusim.kernel.ZooModels;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.SimulatedGpu;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MPS as separate processes, and every policy under every host runtime. */
class ProcessesAndRuntimesTest {

    static final Gpu A100 = Gpu.load("a100");

    static double run(Policy p, List<LoweredModel> tenants, Sharing.Host host) {
        return Simulator.run(A100, SimulatedPolicy.of(p).submission(tenants, 2, A100, host)).makespanUs();
    }

    @Test
    void aSingleTenantUnderMpsTakesItsSoloTimeWhateverTheRuntime() {
        for (String r : HostRuntime.BUILT_IN) {
            HostRuntime runtime = HostRuntime.load(r);
            LoweredModel m = ZooModels.lower(List.of(new ZooModels.Entry("resnet18", 1)), Precision.FP16, A100,
                    Lowering.Fusion.of(runtime)).getFirst();
            for (boolean interference : new boolean[] {false, true}) {
                Sharing.Host host = new Sharing.Host(runtime, 8, interference);
                double solo = run(new Policy.Sequential(), List.of(m), host);
                assertEquals(solo, run(new Policy.Mps(List.of()), List.of(m), host), 1e-9, r);
                assertEquals(solo, run(new Policy.Mps(List.of(100)), List.of(m), host), 1e-9, r);
            }
        }
    }

    @Test
    void underAFrameworkProcessesBeatOneProcessWithOneHostThread() {
        HostRuntime eager = HostRuntime.load("eager");
        List<LoweredModel> tenants = ZooModels.lower(List.of(new ZooModels.Entry("resnet18", 1), new ZooModels.Entry("mobilenetv2", 1)),
                Precision.FP16, A100, Lowering.Fusion.EAGER);
        Sharing.Host host = new Sharing.Host(eager, 8, false);
        double oneProcess = run(new Policy.Multistream(false), tenants, host);
        double processes = run(new Policy.Mps(List.of()), tenants, host);
        double sequential = run(new Policy.Sequential(), tenants, host);
        assertTrue(processes < 0.75 * oneProcess, "launch bound: a Python thread each hides the other's dispatch: " + processes
                + " vs " + oneProcess);
        assertTrue(oneProcess <= sequential + 1e-6);
    }

    @Test
    void mpsIsSpelledAsIsAndOnlyRunsOnAGpu() {
        SimulatedGpu gpu = SimulatedGpu.of("a100", Precision.FP16);
        List<Policy> p = Policy.parse("mps,mps:60,40,sequential", gpu, 2);
        assertEquals(List.of("mps", "mps:60,40", "sequential"), p.stream().map(Policy::name).toList());
        ModelException e = assertThrows(ModelException.class, () -> Policy.parse("mps", CpuDevice.host(), 2));
        assertTrue(e.getMessage().contains("policy 'mps' does not run on"), e.getMessage());
        e = assertThrows(ModelException.class, () -> Policy.parse("mpss", gpu, 2));
        assertTrue(e.getMessage().contains("known: sequential, multistream, multistream-1host, interleave, gacer, gacer-1host, "
                + "timeslice, mps, mps:P1,P2,..."), e.getMessage());
    }

    @Test
    void theDefaultHostSideIsTheSimulatorsBehaviourBeforeRuntimes() {
        List<LoweredModel> tenants = ZooModels.lower(List.of(new ZooModels.Entry("bert-tiny", 1), new ZooModels.Entry("resnet18", 1)),
                Precision.FP16, A100);
        for (Policy p : List.of(new Policy.Sequential(), new Policy.Multistream(false), new Policy.Multistream(true), new Policy.Timeslice(),
                new Policy.Mps(List.of(50, 50)))) {
            double before = Simulator.run(A100, SimulatedPolicy.of(p).submission(tenants, 2, A100)).makespanUs();
            assertEquals(before, run(p, tenants, Sharing.Host.DEFAULT), 0, p.name());
        }
    }
}
