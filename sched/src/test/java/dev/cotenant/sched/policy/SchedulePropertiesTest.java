package dev.cotenant.sched.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.policy.SearchSpace;
import dev.cotenant.sched.schedule.*;
import dev.cotenant.sched.workload.TenantShape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's invariants over random workloads and random points of the search space: every
 * compiled schedule runs every task exactly once, keeps each tenant's order and cannot deadlock;
 * and the checker catches a skipped, repeated or misplaced task and a deadlock.
 */
class SchedulePropertiesTest {

    static final int CASES = 300;

    static List<TenantShape> randomShapes(SplittableRandom rnd) {
        int n = 1 + rnd.nextInt(4);
        boolean prioritised = rnd.nextBoolean();
        List<TenantShape> shapes = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            int[] max = new int[1 + rnd.nextInt(25)];
            for (int i = 0; i < max.length; i++) {
                max[i] = 1 + rnd.nextInt(5);
            }
            shapes.add(new TenantShape("m" + t + ":1", max, prioritised ? rnd.nextInt(3) - 1 : 0));
        }
        return shapes;
    }

    static List<Schedule.Member> members(List<TenantShape> shapes) {
        return shapes.stream().map(s -> new Schedule.Member(s.name(), s.ops())).toList();
    }

    @Test
    void compiledSchedulesAreValidAndCoverEveryTaskOnce() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int c = 0; c < CASES; c++) {
            List<TenantShape> shapes = randomShapes(rnd);
            int cores = 1 + rnd.nextInt(4);
            SearchSpace space = new SearchSpace(shapes, cores);
            CompactSchedule cs = space.random(rnd);
            for (int m = 0; m < 5; m++) {
                cs = space.mutate(cs, rnd);
            }
            Schedule s = cs.compile(members(shapes));
            s.validate(shapes, cores);
            if (shapes.stream().anyMatch(sh -> sh.priority() != 0)) {
                // Streams keep the priority the user gave their tenants.
                assertEquals(java.util.Arrays.toString(SearchSpace.streamPriorities(shapes, cs.streamOf(), cs.streams())),
                        java.util.Arrays.toString(cs.priority()));
            }
            assertEquals(s, Schedule.parse(s.text()));
            Set<Task> seen = new HashSet<>();
            int expected = 0;
            for (int t = 0; t < shapes.size(); t++) {
                for (int op = 0; op < shapes.get(t).ops(); op++) {
                    expected += cs.parts()[t][op];
                }
            }
            for (Task k : s.tasks()) {
                assertEquals(true, seen.add(new Task(k.tenant(), k.op(), k.part(), k.parts(), 1)), () -> "repeated " + k);
            }
            assertEquals(expected, seen.size());
        }
    }

    @Test
    void mutatedSchedulesAreRejected() {
        SplittableRandom rnd = new SplittableRandom(12);
        int checked = 0;
        for (int c = 0; c < CASES; c++) {
            List<TenantShape> shapes = randomShapes(rnd);
            SearchSpace space = new SearchSpace(shapes, 2);
            Schedule s = space.random(rnd).compile(members(shapes));
            List<List<Instruction>> streams = new ArrayList<>();
            s.streams().forEach(st -> streams.add(new ArrayList<>(st.instructions())));
            int si = rnd.nextInt(streams.size());
            List<Integer> runs = new ArrayList<>();
            for (int i = 0; i < streams.get(si).size(); i++) {
                if (streams.get(si).get(i) instanceof Instruction.Run) {
                    runs.add(i);
                }
            }
            if (runs.isEmpty()) {
                continue;
            }
            int victim = runs.get(rnd.nextInt(runs.size()));
            Task task = ((Instruction.Run) streams.get(si).get(victim)).task();
            switch (c % 4) {
                case 0 -> streams.get(si).remove(victim);
                case 1 -> streams.get(rnd.nextInt(streams.size())).add(new Instruction.Run(task));
                case 2 -> {
                    // The tenant's first task has nothing to wait for; any later one moved to the front of a stream breaks its order.
                    if (task.op() == 0 && task.part() == 0) {
                        continue;
                    }
                    streams.get(si).remove(victim);
                    streams.get(rnd.nextInt(streams.size())).add(0, new Instruction.Run(task));
                }
                default -> {
                    int other = rnd.nextInt(streams.size());
                    streams.get(si).add(0, new Instruction.Wait("x.a"));
                    streams.get(si).add(new Instruction.Record("x.b"));
                    streams.get(other).add(other == si ? 0 : 0, new Instruction.Wait("x.b"));
                    streams.get(other).add(new Instruction.Record("x.a"));
                }
            }
            List<Stream> mutated = new ArrayList<>();
            for (int i = 0; i < streams.size(); i++) {
                mutated.add(new Stream(s.streams().get(i).priority(), streams.get(i)));
            }
            Schedule bad = new Schedule(s.tenants(), mutated);
            assertThrows(ModelException.class, () -> bad.validate(shapes, 2), () -> "accepted:\n" + bad.text());
            checked++;
        }
        assertEquals(true, checked > CASES / 2, "too few mutations were checked: " + checked);
    }
}
