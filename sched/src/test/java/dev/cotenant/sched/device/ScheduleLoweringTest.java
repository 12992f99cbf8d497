package dev.cotenant.sched.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.hardware.Unit;
import dev.cotenant.gpusim.kernel.Item;
import dev.cotenant.gpusim.kernel.Kernel;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.GpuStream;
import dev.cotenant.gpusim.sim.KernelTimeline;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.gpusim.sim.Submission;
import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.policy.Baselines;
import dev.cotenant.sched.policy.GpuGacer;
import dev.cotenant.sched.schedule.CompactSchedule;
import dev.cotenant.sched.schedule.Instruction;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.schedule.Task;
import dev.cotenant.sched.workload.TenantShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schedules lowered onto the simulator, on small hand-made tenants (no model building: fast). */
class ScheduleLoweringTest {

    /** A compute-bound kernel of {@code blocks} blocks taking about {@code us} on one SM (as the simulator's own tests make them). */
    static Kernel compute(String name, int blocks, double us, Gpu gpu) {
        double share = 8.0 / Math.max(gpu.warpsToSaturate(), 8);
        double flops = us * gpu.smFlopsPerUs(Unit.FP16_TENSOR) * share;
        return new Kernel(name, blocks, 256, 64, 96 * 1024, flops, 0, Unit.FP16_TENSOR, 1.0);
    }


    static final Gpu A100 = Gpu.load("a100");

    /** A tenant of {@code steps} steps; step o launches one compute kernel of {@code blocks[o]} blocks (0: nothing). */
    static LoweredModel tenant(String name, double us, int... blocks) {
        List<String> ops = new ArrayList<>();
        List<List<Kernel>> kernels = new ArrayList<>();
        for (int o = 0; o < blocks.length; o++) {
            ops.add("Op " + name + "/" + o);
            kernels.add(blocks[o] == 0 ? List.of() : List.of(compute(name + "/" + o, blocks[o], us, A100)));
        }
        return new LoweredModel(name, Precision.FP16, ops, kernels);
    }

    static final List<LoweredModel> MIX = List.of(
            tenant("big", 40, 432, 216, 0, 432),
            tenant("small", 10, 20, 20, 20, 20, 20),
            tenant("mid", 20, 108, 54, 108));

    static List<TenantShape> shapes(List<LoweredModel> mix) {
        return mix.stream().map(ScheduleLowering::shape).toList();
    }

    static List<Schedule.Member> members(List<LoweredModel> mix) {
        return mix.stream().map(m -> new Schedule.Member(m.name(), m.kernelsPerStep().size())).toList();
    }

    /** Three stages, each tenant on its own stream, big's first and last operators split in 4 and 2. */
    static Schedule staged() {
        int[][] cuts = {{1, 3}, {2, 4}, {1, 2}};
        int[][] parts = {{4, 1, 1, 2}, {1, 1, 1, 1, 1}, {1, 2, 1}};
        int[][] threads = {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
        return new CompactSchedule(new int[] {0, 1, 2}, new int[] {1, 0, 3}, cuts, parts, threads).compile(members(MIX));
    }

    @Test
    void tasksRunInStreamOrderAndStagesWaitForEachOther() {
        Schedule s = staged();
        ScheduleLowering.Simulated r = ScheduleLowering.simulate(A100, s, MIX, Sharing.SHARED);
        List<Task> tasks = r.tasks();
        assertEquals(s.tasks(), tasks);
        // Within a stream, a task starts after the one before it ends.
        int i = 0;
        for (dev.cotenant.sched.schedule.Stream st : s.streams()) {
            double prevEnd = 0;
            for (Instruction in : st.instructions()) {
                if (in instanceof Instruction.Run) {
                    assertTrue(r.startUs()[i] >= prevEnd - 1e-9, "task " + tasks.get(i).describe() + " overlaps its predecessor");
                    assertTrue(r.endUs()[i] >= r.startUs()[i]);
                    prevEnd = r.endUs()[i];
                    i++;
                }
            }
        }
        // Stage barrier: every task of stage j+1 starts after every kernel-launching task of stage j ended.
        int[][] cuts = {{1, 3}, {2, 4}, {1, 2}};
        for (int a = 0; a < tasks.size(); a++) {
            for (int b = 0; b < tasks.size(); b++) {
                int sa = stage(cuts[tasks.get(a).tenant()], tasks.get(a).op());
                int sb = stage(cuts[tasks.get(b).tenant()], tasks.get(b).op());
                if (sb > sa && r.endUs()[a] > r.startUs()[a]) {
                    assertTrue(r.startUs()[b] >= r.endUs()[a] - 1e-9, tasks.get(b).describe() + " (stage " + sb + ") started at "
                            + r.startUs()[b] + " before " + tasks.get(a).describe() + " (stage " + sa + ") ended at " + r.endUs()[a]);
                }
            }
        }
        // The stages overlap tenants: the staged schedule beats running them one after another.
        double sequential = ScheduleLowering.simulate(A100, Baselines.sequential(shapes(MIX), 1).compile(members(MIX)), MIX,
                Sharing.SHARED).makespanUs();
        assertTrue(r.makespanUs() < sequential, r.makespanUs() + " vs sequential " + sequential);
    }

    static int stage(int[] cuts, int op) {
        int j = 0;
        while (j < cuts.length && op >= cuts[j]) {
            j++;
        }
        return j;
    }

    @Test
    void splitKernelsHaveTheirGridDividedRoundedUpAndPrioritiesFlip() {
        Submission w = ScheduleLowering.workload(staged(), MIX, Sharing.SHARED, 1);
        List<Integer> bigBlocks = new ArrayList<>();
        for (Item it : w.streams().get(0).items()) {
            if (it instanceof Item.Launch l) {
                bigBlocks.add(l.kernel().blocks());
            }
        }
        // big: op0 in 4 parts of 432/4, op1 whole (216), op2 launches nothing, op3 in 2 parts of 432/2.
        assertEquals(List.of(108, 108, 108, 108, 216, 216, 216), bigBlocks);
        List<Integer> midBlocks = new ArrayList<>();
        for (Item it : w.streams().get(2).items()) {
            if (it instanceof Item.Launch l) {
                midBlocks.add(l.kernel().blocks());
            }
        }
        assertEquals(List.of(108, 27, 27, 108), midBlocks); // 54 / 2 = 27
        assertEquals(27, tenant("x", 1, 53).kernelsPerStep().get(0).getFirst().slice(2).blocks());
        // Scheduler priority 1, 0, 3 (higher first) become CUDA's -1, 0, -3 (lower first).
        assertEquals(List.of(-1, 0, -3), w.streams().stream().map(GpuStream::priority).toList());
        // Two rounds: items doubled, events numbered apart.
        Submission two = ScheduleLowering.workload(staged(), MIX, Sharing.SHARED, 2);
        assertEquals(2 * w.streams().get(1).items().size(), two.streams().get(1).items().size());
        assertTrue(Simulator.run(A100, two).makespanUs() > Simulator.run(A100, w).makespanUs());
    }

    @Test
    void aSingleTenantTakesItsSoloTimeUnderEveryPolicy() {
        List<LoweredModel> one = List.of(MIX.get(0));
        double solo = Simulator.solo(A100, GpuStream.of("big", 0, one.getFirst().launches())).makespanUs();
        List<TenantShape> sh = shapes(one);
        for (CompactSchedule c : List.of(Baselines.sequential(sh, 1), Baselines.multistream(sh, 1), Baselines.interleave(sh, 1))) {
            for (Sharing sharing : List.of(Sharing.SHARED, Sharing.ONE_HOST_THREAD)) {
                double t = ScheduleLowering.simulate(A100, c.compile(members(one)), one, sharing).makespanUs();
                assertEquals(solo, t, 1e-6, c.toString());
            }
        }
        GpuGacer.Outcome g = GpuGacer.regulate("gacer", A100, one, Sharing.SHARED, 1, new GpuGacer.Settings(3, 5, 150), f -> { });
        // A chain gains nothing from co-location; splits and stages may only add launches.
        assertEquals(solo, g.makespanUs(), 4 * A100.launchUs());
    }

    @Test
    void gacerIsNeverSlowerThanTheBaselinesItEvaluated() {
        for (Sharing sharing : List.of(Sharing.SHARED, Sharing.ONE_HOST_THREAD)) {
            for (int rounds : new int[] {1, 2}) {
                GpuGacer.Outcome g = GpuGacer.regulate("gacer", A100, MIX, sharing, rounds, new GpuGacer.Settings(7, 5, 300), f -> { });
                assertEquals(Arrays.asList("sequential", "multistream", "interleave"), List.copyOf(g.baselineUs().keySet()));
                for (var e : g.baselineUs().entrySet()) {
                    assertTrue(g.makespanUs() <= e.getValue(), "gacer " + g.makespanUs() + " slower than " + e.getKey() + " " + e.getValue());
                }
                // The figure it reports is what its schedule simulates to.
                assertEquals(g.makespanUs(), Simulator.run(A100, ScheduleLowering.workload(g.schedule(), MIX, sharing, rounds)).makespanUs(), 1e-9);
                assertTrue(g.evaluations() > 0 && g.evaluations() <= 300, "evaluations " + g.evaluations());
            }
        }
    }

    @Test
    void withPrioritiesGacerWeighsThePrioritisedTenantsLatency() {
        List<Integer> prio = List.of(0, 2, 0);
        int[] weight = {0, 2, 0};
        GpuGacer.Outcome g = GpuGacer.regulate("gacer", A100, MIX, prio, Sharing.SHARED, 1, new GpuGacer.Settings(5, 5, 300), f -> { });
        double chosen = GpuGacer.objectiveUs(Simulator.run(A100, ScheduleLowering.workload(g.schedule(), MIX, Sharing.SHARED, 1)), MIX, weight);
        List<TenantShape> sh = GpuGacer.shapes(MIX, prio);
        for (CompactSchedule c : List.of(Baselines.sequential(sh, 1), Baselines.multistream(sh, 1), Baselines.interleave(sh, 1))) {
            double b = GpuGacer.objectiveUs(Simulator.run(A100, ScheduleLowering.workload(c.compile(members(MIX)), MIX, Sharing.SHARED, 1)),
                    MIX, weight);
            assertTrue(chosen <= b, "gacer's score " + chosen + " above a baseline's " + b);
        }
        // The score is the makespan plus twice small's latency, and small's stream keeps its priority.
        KernelTimeline t = Simulator.run(A100, ScheduleLowering.workload(g.schedule(), MIX, Sharing.SHARED, 1));
        assertEquals(t.makespanUs() + 2 * 1e3 * ScheduleLowering.latencyMs(t, MIX)[1], chosen, 1e-6);
        int smallStream = g.chosen().streamOf()[1];
        assertEquals(2, g.chosen().priority()[smallStream]);
    }

    @Test
    void theSearchIsSeededAndRepeatable() {
        GpuGacer.Settings s = new GpuGacer.Settings(11, 30, 200);
        GpuGacer.Outcome a = GpuGacer.regulate("gacer", A100, MIX, Sharing.SHARED, 1, s, f -> { });
        GpuGacer.Outcome b = GpuGacer.regulate("gacer", A100, MIX, Sharing.SHARED, 1, s, f -> { });
        assertEquals(a.schedule().text(), b.schedule().text());
    }

    @Test
    void aScheduleForOtherTenantsIsRefusedByName() {
        Schedule s = staged();
        ModelException e = assertThrows(ModelException.class, () -> ScheduleLowering.simulate(A100, s, MIX.subList(0, 2), Sharing.SHARED));
        assertTrue(e.getMessage().contains("3 tenants, but 2"), e.getMessage());
        List<LoweredModel> shorter = List.of(MIX.get(0), MIX.get(1), tenant("mid", 20, 108, 54));
        e = assertThrows(ModelException.class, () -> ScheduleLowering.simulate(A100, s, shorter, Sharing.SHARED));
        assertTrue(e.getMessage().contains("has 3 operators, but its lowered model mid has 2 steps"), e.getMessage());
    }
}
