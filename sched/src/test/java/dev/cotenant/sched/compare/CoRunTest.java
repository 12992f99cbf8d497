package dev.cotenant.sched.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.Tensor;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.CpuExecutor;
import dev.cotenant.sched.device.Profile;
import dev.cotenant.sched.device.Profiler;
import dev.cotenant.sched.device.Timeline;
import dev.cotenant.sched.policy.Baselines;
import dev.cotenant.sched.policy.SearchSpace;
import dev.cotenant.sched.schedule.CompactSchedule;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.schedule.Task;
import dev.cotenant.sched.workload.TenantPlan;
import dev.cotenant.sched.workload.TenantShape;
import dev.cotenant.sched.workload.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Co-located runs on the CPU device give the solo results, and their timelines obey the schedule. */
class CoRunTest {

    static final Workload WORKLOAD = Workload.parse("resnet18:2,bert-tiny:1");
    static List<TenantPlan> plans;
    static List<TenantShape> shapes;
    static List<Map<String, Tensor>> solo;
    static final CpuDevice DEVICE = new CpuDevice(2);
    static final int WARM = 3;

    @BeforeAll
    static void load() {
        plans = TenantPlan.load(WORKLOAD, 5);
        shapes = plans.stream().map(TenantShape::of).toList();
        // Solo references from separately loaded plans (same seeds, so the same weights and inputs).
        solo = new ArrayList<>();
        for (TenantPlan p : TenantPlan.load(WORKLOAD, 5)) {
            Map<String, Tensor> out = null;
            for (int i = 0; i < WARM; i++) {
                out = p.plan().run(p.inputs());
            }
            solo.add(out);
        }
    }

    static List<Schedule.Member> members() {
        return shapes.stream().map(s -> new Schedule.Member(s.name(), s.ops())).toList();
    }

    @Test
    void somethingCanBeSplit() {
        assertTrue(shapes.get(0).maxParts()[0] >= 2, "resnet18's first convolution splits over its batch of 2");
        assertTrue(Arrays.stream(shapes.get(1).maxParts()).anyMatch(m -> m >= 2), "bert-tiny has a splittable MatMul");
    }

    /**
     * On one thread per task every operator sums in the solo order, so the convolutional tenant's
     * results are bitwise equal. The transformer's are compared within 1e-5: its transcendentals
     * (erf, exp) are vector intrinsics once the JIT compiles them and plain Java before, which may
     * differ in the last bit, so even a solo run changes bits as the process warms up.
     */
    @Test
    void baselinesOnOneThreadGiveSoloResultsBitwise() {
        for (CompactSchedule c : List.of(Baselines.sequential(shapes, 1), Baselines.multistream(shapes, 1), Baselines.interleave(shapes, 1))) {
            checkTimeline(runAndCompare(c.compile(members()), 0, 1e-5));
        }
    }

    @Test
    void baselinesOnAllCoresGiveSoloResults() {
        for (CompactSchedule c : List.of(Baselines.sequential(shapes, 2), Baselines.multistream(shapes, 2), Baselines.interleave(shapes, 2))) {
            checkTimeline(runAndCompare(c.compile(members()), 1e-5, 1e-5));
        }
    }

    @Test
    void randomRegulatedSchedulesGiveSoloResults() {
        SplittableRandom rnd = new SplittableRandom(3);
        SearchSpace space = new SearchSpace(shapes, 2);
        for (int i = 0; i < 4; i++) {
            CompactSchedule c = space.random(rnd);
            Timeline tl = runAndCompare(c.compile(members()), 1e-5, 1e-5);
            checkTimeline(tl);
        }
    }

    @Test
    void eachTenantIsHeardOnceARoundAfterItsLastTaskWithItsOutputsFinal() {
        CompactSchedule c = Baselines.multistream(shapes, 1);
        try (CpuExecutor ex = new CpuExecutor(DEVICE, c.compile(members()), plans)) {
            java.util.concurrent.atomic.AtomicIntegerArray times = new java.util.concurrent.atomic.AtomicIntegerArray(plans.size());
            List<Map<String, Tensor>> seen = new java.util.concurrent.CopyOnWriteArrayList<>(java.util.Collections.nCopies(plans.size(), null));
            ex.onTenantDone(t -> {
                times.incrementAndGet(t);
                seen.set(t, copy(plans.get(t).plan().outputs()));
            });
            ex.run(2);
            for (int t = 0; t < plans.size(); t++) {
                assertEquals(2, times.get(t), "heard once in each of two rounds");
                // what the tenant's plan held when it was heard is its final answer of the round
                compare(solo.get(t), seen.get(t), 1e-5, plans.get(t).tenant().label() + " when heard");
            }
        }
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> outputs) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        outputs.forEach((k, v) -> {
            Tensor c = Tensor.allocate(v.dataType(), v.shape());
            for (int i = 0; i < v.size(); i++) {
                c.setDouble(i, v.getDouble(i));
            }
            out.put(k, c);
        });
        return out;
    }

    @Test
    void profileCoversEveryOperatorAndThreadCount() {
        List<Profile> profiles = new Profiler(DEVICE, 1).profile(plans, f -> assertTrue(f >= 0 && f <= 1));
        for (int t = 0; t < plans.size(); t++) {
            Profile p = profiles.get(t);
            assertEquals(plans.get(t).ops(), p.ops());
            for (int op = 0; op < p.ops(); op++) {
                for (int th = 1; th <= 2; th++) {
                    assertTrue(p.nanos()[op][th][0] > 0, "op " + op + " on " + th + " threads");
                }
                for (int k = 1; k < SearchSpace.SPLITS.length; k++) {
                    if (SearchSpace.SPLITS[k] > shapes.get(t).maxParts()[op]) {
                        assertEquals(-1, p.nanos()[op][1][k], "op " + op + " cannot be split " + SearchSpace.SPLITS[k] + " ways");
                    }
                }
                assertTrue(p.demand(op) > 0);
            }
        }
        LowerBound b = LowerBound.of(profiles, 2);
        assertTrue(b.ms() > 0 && b.ms() >= b.workMs() && b.ms() >= b.criticalPathMs());
    }

    @Test
    void everySplittableStepSplitsExactly() {
        for (TenantPlan p : plans) {
            p.plan().bind(p.inputs());
            for (int s = 0; s < p.ops(); s++) {
                p.plan().runStep(s, dev.cotenant.kernels.Workers.single());
            }
            Map<String, Tensor> whole = p.plan().outputs();
            for (int parts : new int[] {2, 3}) {
                for (int s = 0; s < p.ops(); s++) {
                    int max = p.plan().steps().get(s).op().maxParts();
                    int k = Math.min(parts, max);
                    // Parts in reverse order: each must write only its own share.
                    for (int part = k - 1; part >= 0; part--) {
                        p.plan().runStepPart(s, part, k, dev.cotenant.kernels.Workers.single());
                    }
                }
                compare(whole, p.plan().outputs(), 1e-5, p.tenant().label() + " split " + parts);
            }
        }
    }

    /** Runs {@code s}; resnet18's outputs must match solo within {@code cnnTolerance} (0: bitwise), bert-tiny's within {@code bertTolerance}. */
    private Timeline runAndCompare(Schedule s, double cnnTolerance, double bertTolerance) {
        try (CpuExecutor ex = new CpuExecutor(DEVICE, s, plans)) {
            Timeline tl = ex.run(WARM);
            for (int t = 0; t < plans.size(); t++) {
                compare(solo.get(t), plans.get(t).plan().outputs(), t == 0 ? cnnTolerance : bertTolerance, plans.get(t).tenant().label() + " under\n" + s.text());
            }
            return tl;
        }
    }

    static void compare(Map<String, Tensor> expected, Map<String, Tensor> actual, double tolerance, String what) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            Tensor e = expected.get(name);
            Tensor a = actual.get(name);
            assertArrayEquals(e.shape(), a.shape());
            for (int i = 0; i < e.size(); i++) {
                double x = e.getDouble(i);
                double y = a.getDouble(i);
                if (tolerance == 0) {
                    assertEquals(Double.doubleToLongBits(x), Double.doubleToLongBits(y), name + "[" + i + "] of " + what);
                } else {
                    assertTrue(Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(x)), name + "[" + i + "]: " + x + " vs " + y + " of " + what);
                }
            }
        }
    }

    /** Streams run in order, threads never exceed the cores, and each tenant's tasks run in plan order. */
    static void checkTimeline(Timeline tl) {
        for (int r = 0; r < tl.rounds(); r++) {
            long[] lastEnd = new long[tl.streams()];
            List<long[]> edges = new ArrayList<>();
            for (int i = 0; i < tl.tasks().size(); i++) {
                long s = tl.start()[r][i];
                long e = tl.end()[r][i];
                assertTrue(s >= 0 && e >= s);
                assertTrue(s >= lastEnd[tl.streamOf()[i]], "stream order");
                lastEnd[tl.streamOf()[i]] = e;
                edges.add(new long[] {s, tl.tasks().get(i).threads()});
                edges.add(new long[] {e, -tl.tasks().get(i).threads()});
            }
            // At equal times, ends before starts.
            edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            long busy = 0;
            for (long[] ed : edges) {
                busy += ed[1];
                assertTrue(busy <= tl.cores(), "more threads than cores at once");
            }
            for (int t = 0; t < tl.tenants(); t++) {
                long prevEnd = -1;
                Task prev = null;
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < tl.tasks().size(); i++) {
                    if (tl.tasks().get(i).tenant() == t) {
                        order.add(i);
                    }
                }
                order.sort((a, b) -> tl.tasks().get(a).before(tl.tasks().get(b)) ? -1 : 1);
                for (int i : order) {
                    assertTrue(tl.start()[r][i] >= prevEnd, () -> "tenant order broken after " + tl);
                    prevEnd = tl.end()[r][i];
                    prev = tl.tasks().get(i);
                }
                assertTrue(prev != null);
            }
        }
    }

    @Test
    void policiesTakeTurnsInListedOrderFirstThenInSeededShuffles() {
        SplittableRandom a = new SplittableRandom(3);
        SplittableRandom b = new SplittableRandom(3);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, CoLocation.turns(6, 0, a));
        boolean reordered = false;
        for (int r = 1; r < 9; r++) {
            int[] t = CoLocation.turns(6, r, a);
            assertArrayEquals(t, CoLocation.turns(6, r, b), "same seed, same order in round " + r);
            int[] sorted = t.clone();
            Arrays.sort(sorted);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, sorted, "round " + r + " is a permutation: " + Arrays.toString(t));
            reordered |= !Arrays.equals(t, new int[] {0, 1, 2, 3, 4, 5});
        }
        assertTrue(reordered, "later rounds change the order");
    }
}
