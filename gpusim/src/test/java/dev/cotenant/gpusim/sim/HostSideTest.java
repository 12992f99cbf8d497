package dev.cotenant.gpusim.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.gpusim.kernel.Item;
import dev.cotenant.gpusim.kernel.Kernel;
import dev.cotenant.ir.ModelException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Host items, shared work queues and interference, each on a workload small enough to reason about. */
class HostSideTest {

    static final Gpu A100 = Gpu.load("a100");

    static Sharing with(HostRuntime r, int queues, boolean interference) {
        return Sharing.SHARED.withHost(new Sharing.Host(r, queues, interference));
    }

    @Test
    void aSynchronisingHostItemWaitsForTheStreamThenSpendsItsTime() {
        Kernel k = SimulatorTest.compute("k", 108, 50, A100);
        List<Item> items = List.of(Item.launch(k), new Item.Host(100, true, false, "request"), Item.launch(k));
        KernelTimeline t = Simulator.run(A100, new Submission(List.of(GpuStream.of("s", 0, items)), Sharing.SHARED));
        assertTrue(t.startUs(0, 2) >= t.endUs(0, 0) + 100, "the second launch waits for the first and the host work");
        List<Item> async = List.of(Item.launch(k), new Item.Host(100, false, false, "work"), Item.launch(k));
        KernelTimeline u = Simulator.run(A100, new Submission(List.of(GpuStream.of("s", 0, async)), Sharing.SHARED));
        assertTrue(u.startUs(0, 2) < u.endUs(0, 0) + 100, "without a sync the host works while the first kernel runs");
        ModelException e = assertThrows(ModelException.class,
                () -> Simulator.run(A100, new Submission(List.of(GpuStream.of("s", 0, items)), Sharing.ONE_HOST_THREAD)));
        assertTrue(e.getMessage().contains("synchronises its stream, which needs a host thread per stream"), e.getMessage());
    }

    /**
     * Nine streams of one process on eight queues: stream 8 shares stream 0's queue. Stream 0 runs
     * a long kernel and then a second; stream 8's one kernel, enqueued after stream 0's second,
     * waits until that second kernel starts, though it depends on nothing: a false dependency.
     */
    @Test
    void aStreamBeyondTheWorkQueuesWaitsBehindAnotherStreamsLaunch() {
        Kernel longOne = SimulatorTest.compute("long", 4, 400, A100);
        Kernel small = SimulatorTest.compute("small", 4, 10, A100);
        List<GpuStream> streams = new ArrayList<>();
        streams.add(GpuStream.of("s0", 0, List.of(Item.launch(longOne), Item.launch(small))));
        for (int s = 1; s < 8; s++) {
            streams.add(GpuStream.of("s" + s, 0, List.of()));
        }
        // Enqueued after stream 0's second launch: its host first spends 10 us elsewhere.
        streams.add(GpuStream.of("s8", 0, List.of(new Item.Host(10, false, false, "late"), Item.launch(small))));
        KernelTimeline shared = Simulator.run(A100, new Submission(streams, with(HostRuntime.NATIVE, 8, false)));
        KernelTimeline own = Simulator.run(A100, new Submission(streams, with(HostRuntime.NATIVE, 9, false)));
        assertTrue(own.startUs(8, 1) < 20, "with a queue of its own it starts at once: " + own.startUs(8, 1));
        assertTrue(shared.startUs(8, 1) >= shared.startUs(0, 1) - 1e-9, "sharing a queue it waits behind stream 0's second launch");
        assertTrue(shared.startUs(8, 1) > 400);
        // Other processes have queues of their own.
        streams.set(8, new GpuStream("s8", 0, 1, 0, 0, 0, streams.get(8).items()));
        assertTrue(Simulator.run(A100, new Submission(streams, with(HostRuntime.NATIVE, 8, false))).startUs(8, 1) < 20);
    }

    @Test
    void interferenceSlowsCoRunningMemoryBoundKernelsAndLeavesASoloKernelAlone() {
        // Small enough grids that both kernels are resident at once, each streaming 4 MB a block.
        Kernel copy = SimulatorTest.memory("copy", 108 * 4, 4 << 20);
        double solo = Simulator.run(A100, new Submission(List.of(GpuStream.of("a", 0, List.of(Item.launch(copy)))),
                with(HostRuntime.NATIVE, 8, true))).makespanUs();
        double soloOff = Simulator.solo(A100, GpuStream.of("a", 0, List.of(Item.launch(copy)))).makespanUs();
        assertEquals(soloOff, solo, 1e-9, "a kernel alone interferes with nobody");
        List<GpuStream> pair = List.of(GpuStream.of("a", 0, List.of(Item.launch(copy))), GpuStream.of("b", 0, List.of(Item.launch(copy))));
        double off = Simulator.run(A100, new Submission(pair, with(HostRuntime.NATIVE, 8, false))).makespanUs();
        double on = Simulator.run(A100, new Submission(pair, with(HostRuntime.NATIVE, 8, true))).makespanUs();
        assertTrue(on > 1.2 * off, "two streaming kernels lose L2 hits and row-buffer locality: " + on + " vs " + off);
        assertTrue(off >= 1.8 * solo, "without interference they split the bandwidth: " + off + " vs " + solo);
    }
}
