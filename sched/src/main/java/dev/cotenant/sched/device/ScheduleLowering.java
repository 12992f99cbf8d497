package dev.cotenant.sched.device;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.kernel.Item;
import dev.cotenant.gpusim.kernel.Kernel;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.GpuStream;
import dev.cotenant.gpusim.sim.KernelTimeline;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.gpusim.sim.Submission;
import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.schedule.Instruction;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.schedule.Task;
import dev.cotenant.sched.workload.TenantShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bridge from the scheduler's IR to the simulator's input: any {@link Schedule} (a baseline,
 * a searched one, one read from a file) runs on a simulated GPU, and its tasks get start and end
 * times as the CPU device reports them.
 *
 * <p>The recipe: one simulator {@link GpuStream} per schedule stream; a task (tenant t, operator o,
 * part i of s) becomes the launches of the kernels that step o of tenant t lowers to, each with
 * its grid divided by s (rounded up; the same work per block, so a part that rounds up costs the
 * extra blocks a real split launch would); {@code record e} and {@code wait e} become the
 * simulator's {@link Item.Record} and {@link Item.Wait}, each event name numbered once. A task
 * starts when its first kernel's first block is dispatched and ends when its last kernel's last
 * block finishes; a task whose step launches nothing (folded or fused away) takes no time, at the
 * point its stream had reached.
 *
 * <p>Each round of each stream starts with the host work the sharing's runtime does per inference
 * ({@code LoweredModel.hostItems}: a CUDA graph's launch, a served request), none for the native
 * runtime. A graph is thus launched per stream and round; with one host thread for all streams
 * those launches add up, which slightly overstates a schedule captured as one multi-stream graph.
 *
 * <p>Priorities: the scheduler's convention is "higher runs first", CUDA's "lower is more urgent",
 * with six levels on current parts (0 down to -5, as {@code cudaDeviceGetStreamPriorityRange}
 * reports). A schedule priority p becomes {@code -clamp(p, 0, 5)}.
 *
 * <p>Why the bridge lives here, in {@code gpusim}, which depends on {@code sched}: the schedule IR
 * and its search are device-independent and small, while the simulator is one device among others;
 * a device depends on the IR it executes, as the CPU executor does, never the other way round. The
 * simulator's own input stays free of scheduler types, so hand-written workloads and the sharing
 * mechanisms keep working without a schedule.
 */
public final class ScheduleLowering {

    /** The most parts one operator is split into on a GPU. */
    static final int MAX_PARTS = 4;
    /** CUDA's stream priority levels below the default: 0 down to -5. */
    public static final int PRIORITY_LEVELS = 6;

    private ScheduleLowering() {}

    /**
     * A schedule simulated once (one round): the device's timeline, and for each task of
     * {@code schedule.tasks()} (same order) its start and end in microseconds.
     */
    public record Simulated(Schedule schedule, KernelTimeline timeline, List<Task> tasks, double[] startUs, double[] endUs) {

        public double makespanUs() {
            return timeline.makespanUs();
        }

        /** When tenant {@code t}'s last task ended: its latency in a round that starts at 0. */
        public double tenantEndUs(int t) {
            double e = 0;
            for (int i = 0; i < tasks.size(); i++) {
                if (tasks.get(i).tenant() == t) {
                    e = Math.max(e, endUs[i]);
                }
            }
            return e;
        }
    }

    /**
     * Runs one round of {@code schedule} on {@code gpu}; {@code tenants} are the schedule's tenants
     * lowered, in its order, and {@code sharing} says how streams are enqueued (a host thread per
     * stream, {@link Sharing#SHARED}, or one for all, {@link Sharing#ONE_HOST_THREAD}). This is the
     * entry point for anything that wants a schedule's times on a simulated GPU.
     */
    public static Simulated simulate(Gpu gpu, Schedule schedule, List<LoweredModel> tenants, Sharing sharing) {
        Lowered l = lower(schedule, tenants, sharing, 1);
        KernelTimeline t = Simulator.run(gpu, l.workload());
        List<Task> tasks = schedule.tasks();
        double[] start = new double[tasks.size()];
        double[] end = new double[tasks.size()];
        for (int i = 0; i < tasks.size(); i++) {
            int s = l.stream()[i];
            int first = l.firstItem()[i];
            int last = l.lastItem()[i];
            if (first == last) {
                double at = first == 0 ? 0 : t.endUs(s, first - 1);
                start[i] = at;
                end[i] = at;
            } else {
                start[i] = t.startUs(s, first);
                end[i] = t.endUs(s, last - 1);
            }
        }
        return new Simulated(schedule, t, tasks, start, end);
    }

    /** The simulator's input for {@code rounds} rounds of {@code schedule}, each stream running its rounds back to back. */
    public static Submission workload(Schedule schedule, List<LoweredModel> tenants, Sharing sharing, int rounds) {
        return lower(schedule, tenants, sharing, rounds).workload();
    }

    /**
     * What a schedule must cover of a lowered tenant: its steps, each splittable into up to
     * {@link #MAX_PARTS} parts, and no more parts than its largest kernel has blocks (a step that
     * launches nothing is never split).
     */
    public static TenantShape shape(LoweredModel m) {
        int[] maxParts = new int[m.kernelsPerStep().size()];
        for (int o = 0; o < maxParts.length; o++) {
            int blocks = m.kernelsPerStep().get(o).stream().mapToInt(Kernel::blocks).max().orElse(1);
            maxParts[o] = Math.max(1, Math.min(MAX_PARTS, blocks));
        }
        return new TenantShape(m.name(), maxParts);
    }

    static int cudaPriority(int schedulePriority) {
        return -Math.max(0, Math.min(PRIORITY_LEVELS - 1, schedulePriority));
    }

    /** The workload, and for each task of the first round its stream and item range [first, last). */
    record Lowered(Submission workload, int[] stream, int[] firstItem, int[] lastItem) {}

    static Lowered lower(Schedule schedule, List<LoweredModel> tenants, Sharing sharing, int rounds) {
        check(schedule, tenants);
        if (rounds < 1) {
            throw new ModelException("rounds must be at least 1, got " + rounds);
        }
        Map<String, Integer> eventIds = new HashMap<>();
        for (dev.cotenant.sched.schedule.Stream s : schedule.streams()) {
            for (Instruction in : s.instructions()) {
                if (in instanceof Instruction.Record r) {
                    eventIds.putIfAbsent(r.event(), eventIds.size());
                }
            }
        }
        int events = eventIds.size();
        int taskCount = schedule.tasks().size();
        int[] streamOf = new int[taskCount];
        int[] first = new int[taskCount];
        int[] last = new int[taskCount];
        List<GpuStream> streams = new ArrayList<>();
        List<Item> roundStart = LoweredModel.hostItems(sharing.runtime(), "round");
        int task = 0;
        for (int si = 0; si < schedule.streams().size(); si++) {
            dev.cotenant.sched.schedule.Stream s = schedule.streams().get(si);
            List<Item> items = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                int offset = r * events;
                // The runtime's host work for each round of each stream: a graph launch, a request.
                items.addAll(roundStart);
                for (Instruction in : s.instructions()) {
                    switch (in) {
                        case Instruction.Run run -> {
                            Task t = run.task();
                            if (r == 0) {
                                streamOf[task] = si;
                                first[task] = items.size();
                            }
                            LoweredModel m = tenants.get(t.tenant());
                            String tag = m.name() + ":" + t.op();
                            for (Kernel k : m.kernelsPerStep().get(t.op())) {
                                items.add(new Item.Launch(t.parts() == 1 ? k : k.slice(t.parts()), tag));
                            }
                            if (r == 0) {
                                last[task++] = items.size();
                            }
                        }
                        case Instruction.Record rec -> items.add(new Item.Record(offset + eventIds.get(rec.event())));
                        case Instruction.Wait w -> {
                            Integer id = eventIds.get(w.event());
                            if (id == null) {
                                throw new ModelException("schedule stream " + si + " waits for event '" + w.event() + "', which no stream records");
                            }
                            items.add(new Item.Wait(offset + id));
                        }
                    }
                }
            }
            streams.add(GpuStream.of("stream " + si, cudaPriority(s.priority()), items));
        }
        return new Lowered(new Submission(streams, sharing), streamOf, first, last);
    }

    private static void check(Schedule schedule, List<LoweredModel> tenants) {
        List<Schedule.Member> members = schedule.tenants();
        if (members.size() != tenants.size()) {
            throw new ModelException("the schedule is for " + members.size() + " tenants, but " + tenants.size() + " were lowered");
        }
        for (int t = 0; t < tenants.size(); t++) {
            int steps = tenants.get(t).kernelsPerStep().size();
            if (members.get(t).ops() != steps) {
                throw new ModelException("schedule tenant " + t + " (" + members.get(t).name() + ") has " + members.get(t).ops()
                        + " operators, but its lowered model " + tenants.get(t).name() + " has " + steps + " steps");
            }
        }
        for (Task t : schedule.tasks()) {
            if (t.tenant() >= tenants.size() || t.op() >= tenants.get(t.tenant()).kernelsPerStep().size()) {
                throw new ModelException("schedule task " + t.describe() + " names no operator of the lowered tenants");
            }
        }
    }

    /** Per tenant, when its last kernel ended, in ms. */
    public static double[] latencyMs(KernelTimeline t, List<LoweredModel> tenants) {
        double[] out = new double[tenants.size()];
        for (KernelTimeline.KernelSpan k : t.kernels()) {
            int i = tenantOf(k.tag(), tenants);
            if (i >= 0) {
                out[i] = Math.max(out[i], k.endUs() / 1e3);
            }
        }
        return out;
    }

    /**
     * The tenant of a launch tag: {@code name:step} as lowering writes it. Tenants with equal names
     * (the same model at the same batch twice) share the first one's index, so its latency is the
     * later of the two.
     */
    public static int tenantOf(String tag, List<LoweredModel> tenants) {
        int colon = tag.lastIndexOf(':');
        String name = colon < 0 ? tag : tag.substring(0, colon);
        for (int i = 0; i < tenants.size(); i++) {
            if (tenants.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
