package dev.cotenant.gpusim.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Unit;
import dev.cotenant.gpusim.kernel.Item;
import dev.cotenant.gpusim.kernel.Kernel;
import dev.cotenant.ir.ModelException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    static final Gpu A100 = Gpu.load("a100");

    /** A compute-only kernel: 256 threads, no shared memory, one block per SM takes {@code us} alone. */
    static Kernel compute(String name, int blocks, double us, Gpu gpu) {
        double share = 8.0 / Math.max(gpu.warpsToSaturate(), 8);
        double flops = us * gpu.smFlopsPerUs(Unit.FP16_TENSOR) * share;
        // 96 KB of shared memory: one block per SM.
        return new Kernel(name, blocks, 256, 64, 96 * 1024, flops, 0, Unit.FP16_TENSOR, 1.0);
    }

    static Kernel memory(String name, int blocks, double bytesPerBlock) {
        return new Kernel(name, blocks, 128, 32, 0, 0, bytesPerBlock, Unit.FP32, 1.0);
    }

    static double solo(Gpu gpu, Kernel... ks) {
        List<Item> items = new ArrayList<>();
        for (Kernel k : ks) {
            items.add(Item.launch(k));
        }
        return Simulator.solo(gpu, GpuStream.of("s", 0, items)).makespanUs();
    }

    @Test
    void oneWaveTakesTheBlockTimePlusLaunchAndLatency() {
        double t = solo(A100, compute("k", 108, 100, A100));
        assertEquals(A100.launchUs() + 100 + A100.blockLatencyUs(), t, 1e-6);
    }

    @Test
    void oneBlockMoreThanAWaveCostsASecondWave() {
        double one = solo(A100, compute("k", 108, 100, A100));
        double two = solo(A100, compute("k", 109, 100, A100));
        assertEquals(one + 100 + A100.blockLatencyUs(), two, 1e-6);
    }

    @Test
    void occupancyIsTheMinimumOverTheFourLimits() {
        assertEquals(1, compute("k", 1, 1, A100).blocksPerSm(A100)); // shared memory
        assertEquals(16, memory("m", 1, 1).blocksPerSm(A100)); // threads: 2048 / 128
        assertEquals(32, new Kernel("s", 1, 32, 16, 0, 1, 1, Unit.FP32, 1).blocksPerSm(A100)); // block slots
        // 255 registers round to 8192 per warp: 65536 / (8192 * 4 warps) = 2 blocks.
        assertEquals(2, new Kernel("r", 1, 128, 255, 0, 1, 1, Unit.FP32, 1).blocksPerSm(A100));
        ModelException e = assertThrows(ModelException.class, () -> new Kernel("big", 1, 128, 32, 200 * 1024, 1, 1, Unit.FP32, 1).checkFits(A100));
        assertTrue(e.getMessage().contains("200 KB of shared memory"), e.getMessage());
    }

    @Test
    void aBandwidthBoundKernelMovesItsBytesAtTheAchievableBandwidth() {
        double bytes = 1e9;
        int blocks = 108 * 16 * 20;
        double t = solo(A100, memory("copy", blocks, bytes / blocks));
        double ideal = bytes / A100.dramBytesPerUs();
        assertTrue(t > ideal && t < ideal * 1.1, t + " vs " + ideal);
    }

    @Test
    void leftOverDispatchMakesALaterKernelWaitForRoom() {
        // A fills every SM (one block each, shared memory bound); B's blocks also need 96 KB, so B
        // starts only when A's blocks end, though B is on another stream.
        Kernel a = compute("a", 108, 100, A100);
        Kernel b = compute("b", 10, 50, A100);
        KernelTimeline t = Simulator.run(A100, Submission.of(List.of(
                GpuStream.of("a", 0, List.of(Item.launch(a))),
                new GpuStream("b", 0, 0, 0, 0, 0, List.of(new Item.Wait(0), Item.launch(b))),
                GpuStream.of("gate", 0, List.of(new Item.Record(0))))));
        assertEquals(t.endUs(0, 0), t.startUs(1, 1), 1e-6);
        // A small kernel beside a small one shares the device at once.
        Kernel small = compute("s", 50, 100, A100);
        KernelTimeline u = Simulator.run(A100, Submission.of(List.of(
                GpuStream.of("x", 0, List.of(Item.launch(small))), GpuStream.of("y", 0, List.of(Item.launch(small))))));
        assertEquals(u.startUs(0, 0), u.startUs(1, 0), 1e-6);
        assertEquals(u.endUs(0, 0), u.endUs(1, 0), 1e-6);
    }

    @Test
    void aMoreUrgentStreamsBlocksGoFirstWhenRoomFrees() {
        Kernel fill = compute("fill", 108, 100, A100);
        Kernel later = compute("later", 108, 100, A100);
        // Both wait behind fill; the urgent one (priority -1) launched second still runs first.
        KernelTimeline t = Simulator.run(A100, Submission.of(List.of(
                GpuStream.of("fill", 0, List.of(Item.launch(fill))),
                GpuStream.of("calm", 0, List.of(new Item.Wait(0), Item.launch(later))),
                GpuStream.of("urgent", -1, List.of(new Item.Wait(0), new Item.Wait(0), Item.launch(later))),
                GpuStream.of("gate", 0, List.of(new Item.Record(0))))));
        assertTrue(t.startUs(2, 2) < t.startUs(1, 1), t.startUs(2, 2) + " vs " + t.startUs(1, 1));
    }

    @Test
    void aWaitHoldsItsStreamUntilTheEventIsRecorded() {
        Kernel k = compute("k", 10, 100, A100);
        KernelTimeline t = Simulator.run(A100, Submission.of(List.of(
                GpuStream.of("producer", 0, List.of(Item.launch(k), new Item.Record(7))),
                GpuStream.of("consumer", 0, List.of(new Item.Wait(7), Item.launch(k))))));
        assertTrue(t.startUs(1, 1) >= t.endUs(0, 0), t.startUs(1, 1) + " < " + t.endUs(0, 0));
        assertEquals(t.endUs(0, 1), t.endUs(1, 0), 1e-9);
    }

    @Test
    void waitsThatCanNeverBeMetAreReportedAsADeadlock() {
        ModelException e = assertThrows(ModelException.class, () -> Simulator.run(A100, Submission.of(List.of(
                GpuStream.of("a", 0, List.of(new Item.Wait(1), new Item.Record(0))),
                GpuStream.of("b", 0, List.of(new Item.Wait(0), new Item.Record(1)))))));
        assertTrue(e.getMessage().startsWith("deadlock: stream 'a' is stuck at item 0"), e.getMessage());
        e = assertThrows(ModelException.class, () -> Simulator.run(A100, Submission.of(List.of(
                GpuStream.of("a", 0, List.of(new Item.Wait(3)))))));
        assertTrue(e.getMessage().contains("waits on event 3, which no stream records"), e.getMessage());
    }

    @Test
    void timeSlicedContextsNeverOverlap() {
        Kernel k = compute("k", 20, 100, A100);
        List<GpuStream> streams = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            streams.add(new GpuStream("t" + c, 0, c, 0, 0, 0, List.of(Item.launch(k), Item.launch(k))));
        }
        KernelTimeline t = Simulator.run(A100, new Submission(streams, Sharing.TIME_SLICED));
        List<KernelTimeline.KernelSpan> spans = t.kernels();
        for (KernelTimeline.KernelSpan a : spans) {
            for (KernelTimeline.KernelSpan b : spans) {
                if (a.stream() != b.stream()) {
                    assertTrue(a.endUs() <= b.startUs() + 1e-9 || b.endUs() <= a.startUs() + 1e-9, a + " overlaps " + b);
                }
            }
        }
        KernelTimeline shared = Simulator.run(A100, Submission.of(streams));
        assertTrue(shared.makespanUs() < t.makespanUs() / 2, shared.makespanUs() + " vs " + t.makespanUs());
    }

    @Test
    void utilisationIsRecordedOverTime() {
        KernelTimeline t = Simulator.solo(A100, GpuStream.of("s", 0, List.of(Item.launch(compute("k", 54, 100, A100)))));
        assertEquals(0.5 * 101 / t.makespanUs(), t.meanSmBusy(), 1e-6);
    }

    @Test
    void oneHostThreadAddsUpLaunchCostsAcrossStreams() {
        // Kernels far shorter than a launch: the host is the bottleneck.
        Kernel tiny = compute("t", 1, 0.1, A100);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(Item.launch(tiny));
        }
        List<GpuStream> two = List.of(GpuStream.of("a", 0, items), GpuStream.of("b", 0, items));
        double perStream = Simulator.run(A100, new Submission(two, Sharing.SHARED)).makespanUs();
        double oneHost = Simulator.run(A100, new Submission(two, Sharing.ONE_HOST_THREAD)).makespanUs();
        assertEquals(100 * A100.launchUs(), perStream, 5);
        assertEquals(200 * A100.launchUs(), oneHost, 5);
    }

    @Test
    void aSliceRunsAPartOfTheGridWithTheSameBlocks() {
        Kernel k = compute("k", 100, 10, A100);
        Kernel third = k.slice(3);
        assertEquals(34, third.blocks());
        assertEquals(k.flopsPerBlock(), third.flopsPerBlock());
        assertEquals(k.sharedMemoryPerBlock(), third.sharedMemoryPerBlock());
        assertThrows(ModelException.class, () -> k.slice(0));
    }
}
