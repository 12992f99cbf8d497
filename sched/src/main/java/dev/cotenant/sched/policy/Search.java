package dev.cotenant.sched.policy;

import dev.cotenant.sched.schedule.CompactSchedule;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.workload.TenantShape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;

/**
 * The gacer search: an evolutionary search over compact schedules (sync pointers, split factors,
 * streams, priorities and threads per stage), scored by the cost model. A population starts from
 * the baselines, a few regulated heuristics and random points; each step mutates a parent picked
 * by tournament and replaces the worst member when the child is predicted faster. It is seeded,
 * and stops after {@code maxEvaluations} or when the time budget is spent, whichever is first;
 * with the same seed and evaluation count it returns the same candidates.
 */
public final class Search {

    static final int POPULATION = 24;

    private final SearchSpace space;
    private final List<Schedule.Member> members;
    private final java.util.function.ToDoubleFunction<Schedule> cost;
    private int evaluations;

    Search(SearchSpace space, List<Schedule.Member> members, java.util.function.ToDoubleFunction<Schedule> cost) {
        this.space = space;
        this.members = members;
        this.cost = cost;
    }

    /** A point of the space and its cost (milliseconds, predicted or simulated). */
    public record Scored(CompactSchedule point, double predictedMs) {}

    /**
     * A search over the compact schedules of {@code shapes} on a device of {@code cores} (1 where a
     * task asks for no threads, as on a GPU) with {@code priorityLevels} stream priorities, scored
     * by {@code cost}: the entry for devices whose own model is the cost (the simulated GPU scores a
     * point by simulating it).
     */
    public static Search over(List<TenantShape> shapes, int cores, int priorityLevels, java.util.function.ToDoubleFunction<Schedule> cost) {
        List<Schedule.Member> members = shapes.stream().map(s -> new Schedule.Member(s.name(), s.ops())).toList();
        return new Search(new SearchSpace(shapes, cores, priorityLevels), members, cost);
    }

    /** Runs the search; returns up to {@code keep} distinct best points, best first. */
    public List<Scored> run(List<CompactSchedule> seeds, long seed, double budgetSeconds, int maxEvaluations, int keep, DoubleConsumer progress) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long deadline = System.nanoTime() + (long) (budgetSeconds * 1e9);
        List<Scored> pop = new ArrayList<>();
        Set<CompactSchedule> seen = new HashSet<>();
        for (CompactSchedule s : seeds) {
            if (seen.add(s)) {
                pop.add(score(s));
            }
        }
        while (pop.size() < POPULATION) {
            CompactSchedule s = space.random(rnd);
            if (seen.add(s)) {
                pop.add(score(s));
            }
        }
        int evaluations = pop.size();
        int attempts = 0;
        int lastReport = -1;
        // Attempts bound the loop when mutations keep landing on points already scored.
        while (evaluations < maxEvaluations && attempts < 20 * maxEvaluations && System.nanoTime() < deadline) {
            attempts++;
            Scored parent = tournament(pop, rnd);
            CompactSchedule child = parent.point();
            int moves = 1 + rnd.nextInt(3);
            for (int m = 0; m < moves; m++) {
                child = space.mutate(child, rnd);
            }
            if (!seen.add(child)) {
                continue;
            }
            evaluations++;
            Scored c = score(child);
            int worst = 0;
            for (int i = 1; i < pop.size(); i++) {
                if (pop.get(i).predictedMs() > pop.get(worst).predictedMs()) {
                    worst = i;
                }
            }
            if (c.predictedMs() < pop.get(worst).predictedMs()) {
                pop.set(worst, c);
            }
            double done = Math.max((double) evaluations / maxEvaluations,
                    1 - (deadline - System.nanoTime()) / (budgetSeconds * 1e9));
            int pct = (int) (100 * Math.min(1, done));
            if (pct != lastReport) {
                lastReport = pct;
                progress.accept(pct / 100.0);
            }
        }
        this.evaluations = evaluations;
        pop.sort(Comparator.comparingDouble(Scored::predictedMs));
        // Finalists differ in predicted time by at least 0.5%: near-copies would waste measurements.
        List<Scored> out = new ArrayList<>();
        for (Scored sc : pop) {
            if (out.size() == keep) {
                break;
            }
            if (out.isEmpty() || sc.predictedMs() > out.get(out.size() - 1).predictedMs() * 1.005) {
                out.add(sc);
            }
        }
        return List.copyOf(out);
    }

    /** Points scored by the last run. */
    public int evaluations() {
        return evaluations;
    }

    private Scored score(CompactSchedule s) {
        return new Scored(s, cost.applyAsDouble(s.compile(members)));
    }

    private static Scored tournament(List<Scored> pop, SplittableRandom rnd) {
        Scored a = pop.get(rnd.nextInt(pop.size()));
        Scored b = pop.get(rnd.nextInt(pop.size()));
        return a.predictedMs() <= b.predictedMs() ? a : b;
    }
}
