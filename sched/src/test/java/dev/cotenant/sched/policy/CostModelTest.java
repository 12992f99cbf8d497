package dev.cotenant.sched.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.sched.compare.LowerBound;
import dev.cotenant.sched.device.Profile;
import dev.cotenant.sched.schedule.CompactSchedule;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.workload.TenantShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The analytical model, the lower bound and the search, on synthetic profiles. */
class CostModelTest {

    /** Operators that take {@code ms[op]} on one thread and scale by {@code scale} on two. */
    static Profile profile(String name, double[] ms, double scale, double bytesPerFlop) {
        long[][][] nanos = new long[ms.length][3][SearchSpace.SPLITS.length];
        for (int op = 0; op < ms.length; op++) {
            for (long[] row : nanos[op]) {
                Arrays.fill(row, -1);
            }
            nanos[op][1][0] = (long) (ms[op] * 1e6);
            nanos[op][2][0] = (long) (ms[op] * 1e6 / scale);
            nanos[op][1][1] = (long) (ms[op] * 1e6 * 1.05);
            nanos[op][2][1] = (long) (ms[op] * 1e6 / scale * 1.05);
        }
        double[] bpf = new double[ms.length];
        Arrays.fill(bpf, bytesPerFlop);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ms.length; i++) {
            names.add("Op");
        }
        return new Profile(name, names, nanos, bpf, new long[ms.length], nanos);
    }

    static final List<Profile> PROFILES = List.of(
            profile("a:1", new double[] {4, 4, 4, 4, 4, 4}, 1.9, 0.05),
            profile("b:1", new double[] {1, 1, 1, 1, 1, 1, 1, 1}, 1.2, 1.0));
    static final List<TenantShape> SHAPES = List.of(new TenantShape("a:1", new int[] {2, 2, 2, 2, 2, 2}),
            new TenantShape("b:1", new int[] {1, 1, 1, 1, 1, 1, 1, 1}));
    static final List<Schedule.Member> MEMBERS = SchedulePropertiesTest.members(SHAPES);

    @Test
    void sequentialPredictionIsTheSumOfSoloTimes() {
        CostModel m = new CostModel(PROFILES, 2);
        CostModel.Prediction p = m.predict(Baselines.sequential(SHAPES, 2).compile(MEMBERS));
        double expected = 0;
        for (Profile pr : PROFILES) {
            for (int op = 0; op < pr.ops(); op++) {
                expected += pr.nanos(op, 2, 1) + CostModel.TASK_OVERHEAD_NANOS;
            }
        }
        assertEquals(expected, p.makespanNanos(), 1);
        assertEquals(0, p.contentionNanos(), 1e-6);
    }

    @Test
    void waterFillingIsPredictedFasterThanSequentialAndPartition() {
        CostModel m = new CostModel(PROFILES, 2);
        Gacer g = new Gacer(SHAPES, PROFILES, 2);
        double seq = m.predict(Baselines.sequential(SHAPES, 2).compile(MEMBERS)).makespanNanos();
        double part = m.predict(g.partition().compile(MEMBERS)).makespanNanos();
        double fill = m.predict(g.waterfill().compile(MEMBERS)).makespanNanos();
        // A scales well and B does not: a static partition leaves A on one core for too long, while
        // water-filling runs B beside A on one core each, then gives A both cores.
        assertTrue(part > seq, part + " vs " + seq);
        assertTrue(fill < seq, "water-filling beats running one after another: " + fill + " vs " + seq);
        g.waterfill().compile(MEMBERS).validate(SHAPES, 2);
    }

    @Test
    void packingPutsTheLongTenantBesideTheOthersThenGivesItEveryCore() {
        List<Profile> profiles = List.of(
                profile("long:1", new double[] {4, 4, 4, 4, 4, 4}, 1.9, 0.05),
                profile("mid:1", new double[] {1, 1, 1, 1, 1, 1, 1, 1}, 1.2, 1.0),
                profile("short:1", new double[] {2, 2, 2}, 1.5, 0.5));
        List<TenantShape> shapes = List.of(new TenantShape("long:1", new int[] {2, 2, 2, 2, 2, 2}),
                new TenantShape("mid:1", new int[] {1, 1, 1, 1, 1, 1, 1, 1}), new TenantShape("short:1", new int[] {1, 1, 1}));
        CompactSchedule c = new Gacer(shapes, profiles, 2).packed();
        // One stream per core: the long tenant (24 ms at one thread) alone, the others (8 + 6 ms) together.
        assertEquals(2, c.streams());
        assertEquals(c.streamOf()[1], c.streamOf()[2]);
        assertTrue(c.streamOf()[0] != c.streamOf()[1]);
        // Stage 0 ends when the lighter stream is done (14 ms): the long tenant is cut after 3 of its 4 ms
        // operators (12 ms), the others run whole; stage 1 gives what is left both cores.
        assertEquals(3, c.cuts()[0][0]);
        assertEquals(8, c.cuts()[1][0]);
        assertEquals(3, c.cuts()[2][0]);
        for (int[] th : c.threads()) {
            assertEquals(List.of(1, 2), Arrays.stream(th).boxed().toList());
        }
        c.compile(SchedulePropertiesTest.members(shapes)).validate(shapes, 2);
    }

    @Test
    void lowerBoundIsWorkOverCoresOrTheLongestPath() {
        LowerBound b = LowerBound.of(PROFILES, 2);
        // Work: a at 2 threads costs 4/1.9*2 = 4.21 core-ms per op > 4 on one thread, so 4; b: 1 on one thread.
        assertEquals((6 * 4 + 8 * 1) / 2.0, b.workMs(), 1e-6);
        assertEquals(6 * 4 / 1.9, b.criticalPathMs(), 1e-3);
        assertEquals(Math.max(b.workMs(), b.criticalPathMs()), b.ms());
        for (CompactSchedule c : List.of(Baselines.sequential(SHAPES, 2), Baselines.multistream(SHAPES, 2), new Gacer(SHAPES, PROFILES, 2).waterfill())) {
            assertTrue(new CostModel(PROFILES, 2).predict(c.compile(MEMBERS)).makespanNanos() / 1e6 >= b.ms() - 1e-6);
        }
    }

    @Test
    void searchIsDeterministicForASeed() {
        CostModel m = new CostModel(PROFILES, 2);
        Gacer g = new Gacer(SHAPES, PROFILES, 2);
        List<List<Search.Scored>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Search s = new Search(new SearchSpace(SHAPES, 2), MEMBERS, sc -> m.predict(sc).makespanNanos() / 1e6);
            runs.add(s.run(g.seeds(), 42, 600, 3000, 3, f -> { }));
        }
        assertEquals(runs.get(0), runs.get(1));
        Search other = new Search(new SearchSpace(SHAPES, 2), MEMBERS, sc -> m.predict(sc).makespanNanos() / 1e6);
        double seq = m.predict(Baselines.sequential(SHAPES, 2).compile(MEMBERS)).makespanNanos() / 1e6;
        assertTrue(other.run(g.seeds(), 7, 600, 3000, 1, f -> { }).get(0).predictedMs() <= m.predict(g.waterfill().compile(MEMBERS)).makespanNanos() / 1e6);
        assertTrue(runs.get(0).get(0).predictedMs() < seq);
    }

    @Test
    void correctionLearnsAScaleAndReportsHeldOutError() {
        SplittableRandom rnd = new SplittableRandom(1);
        List<Correction.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            double[] f = {10 + rnd.nextDouble() * 90, rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble() * 5, rnd.nextDouble() * 5};
            samples.add(new Correction.Sample(f, 1.3 * f[0] + 2 * f[3] + 1));
        }
        Correction.Evaluation e = Correction.evaluate(samples);
        assertEquals(29, e.fittedOn());
        assertEquals(30, e.heldOut());
        assertTrue(e.heldOutMape() < 1, "a linear truth is learned: " + e.heldOutMape());
        assertTrue(e.analyticalMape() > 20, "the uncorrected prediction is off by 30%: " + e.analyticalMape());
    }

    @Test
    void theWholeRegulationStaysWithinItsBudgetWhenRoundsAreLong() {
        // Rounds of 200 ms on a 4 s budget: half the budget for sampling, the finalists and three
        // confirmation rounds (three contenders here, each short round warmed) would take about 7 s;
        // the regulator must cut its sampling and its rounds to fit.
        long roundNanos = 200_000_000L;
        Gacer.Bench slow = new Gacer.Bench() {
            @Override
            public double once(Schedule s) {
                sleep(roundNanos);
                return 200 + s.tasks().size() % 7;
            }

            @Override
            public double[][] alternate(List<Schedule> schedules, int rounds) {
                sleep(roundNanos * schedules.size() * (2L * rounds + 1));
                double[][] ms = new double[schedules.size()][rounds];
                for (int i = 0; i < ms.length; i++) {
                    Arrays.fill(ms[i], 200 + i);
                }
                return ms;
            }
        };
        Gacer.Outcome out = new Gacer(SHAPES, PROFILES, 2).run(slow, 1, 4, 3000, f -> { });
        assertTrue(out.seconds() < 4 * 1.15, "regulation took " + out.seconds() + " s on a 4 s budget: " + out.log());
        assertTrue(out.samples() >= 4, "the cost model still gets its samples: " + out.samples());
        assertTrue(out.log().stream().anyMatch(l -> l.contains("goes to the confirmation unmeasured"))
                        || out.log().stream().anyMatch(l -> l.startsWith("finalist 1:")),
                "the search's best competes, measured or in the confirmation: " + out.log());
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
