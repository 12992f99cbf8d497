package dev.cotenant.sched.policy;

import dev.cotenant.sched.device.Profile;
import dev.cotenant.sched.schedule.CompactSchedule;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.workload.TenantShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;
import java.util.function.ToDoubleFunction;

/**
 * The gacer policy: granularity-aware concurrency regulation (after GACER, and the unified
 * scheduling representation with automated search that preceded it), on the CPU device.
 *
 * <p>Why regulation pays on a CPU: an operator rarely scales perfectly over all cores (small,
 * depthwise and memory-bound operators least), so running two tenants' operators side by side on
 * fewer threads each does more work per core-second than running each alone on all cores; but
 * unregulated co-running leaves the longest tenant alone at the end on too few threads, and lets
 * memory-bound operators collide. The regulator decides, per stage between sync pointers, which
 * tenants run beside which and on how many threads, and where an operator is split so that a stage
 * boundary can fall inside it.
 *
 * <p>Steps, within a time budget: (1) measure a sample of schedules (baselines, heuristics, random
 * points) for real and fit the cost model's learned correction on them, holding some out to
 * report its error; (2) search with the corrected model; (3) measure the best few candidates and the
 * best sampled schedule for real and keep the fastest.
 */
public final class Gacer {

    /** What the search did, for reports. */
    public record Outcome(CompactSchedule chosen, Schedule schedule, double predictedMs, double measuredMs,
                          double heldOutMape, double analyticalMape, int samples, int heldOut, int evaluations, double seconds,
                          List<String> log) {}

    static final int FINALISTS = 3;
    /** Best measured schedules re-measured beside the baselines before one is chosen. */
    static final int CONTENDERS = 3;
    static final int MIN_CONFIRM_ROUNDS = 3;
    static final int MAX_CONFIRM_ROUNDS = 7;

    private final List<TenantShape> shapes;
    private final List<Profile> profiles;
    private final int cores;
    private final List<Schedule.Member> members;

    public Gacer(List<TenantShape> shapes, List<Profile> profiles, int cores) {
        this.shapes = shapes;
        this.profiles = profiles;
        this.cores = cores;
        this.members = shapes.stream().map(s -> new Schedule.Member(s.name(), s.ops())).toList();
    }

    /** Names of {@link #seeds()}, in order, for the log. */
    static final List<String> SEED_NAMES = List.of("sequential", "multistream", "interleave", "partition", "waterfill", "packed");

    /** Starting points: the baselines, a static partition of the cores, water-filling stages, tenants packed onto the cores. */
    List<CompactSchedule> seeds() {
        List<CompactSchedule> s = new ArrayList<>();
        s.add(Baselines.sequential(shapes, cores));
        s.add(Baselines.multistream(shapes, cores));
        s.add(Baselines.interleave(shapes, cores));
        s.add(partition());
        s.add(waterfill());
        if (Math.min(cores, shapes.size()) > 1) {
            s.add(packed());
        }
        return s;
    }

    /**
     * Tenants packed onto one stream per core (longest first, each onto the least loaded stream),
     * the streams side by side on a core each until the lightest is done, then what is left on all
     * cores. On two cores this is the schedule that uses what parallel loops waste: an operator at
     * one thread does more work per core-second than at two, and only the tail, where one tenant is
     * left, needs the parallel loops.
     */
    CompactSchedule packed() {
        int n = shapes.size();
        int bins = Math.min(cores, n);
        int th = Math.max(1, cores / bins);
        double[] solo = new double[n];
        for (int t = 0; t < n; t++) {
            for (int op = 0; op < shapes.get(t).ops(); op++) {
                solo[t] += profiles.get(t).nanos(op, th, 1);
            }
        }
        Integer[] order = new Integer[n];
        for (int t = 0; t < n; t++) {
            order[t] = t;
        }
        Arrays.sort(order, (a, b) -> Double.compare(solo[b], solo[a]));
        int[] streamOf = new int[n];
        double[] load = new double[bins];
        for (int t : order) {
            int b = 0;
            for (int i = 1; i < bins; i++) {
                if (load[i] < load[b]) {
                    b = i;
                }
            }
            streamOf[t] = b;
            load[b] += solo[t];
        }
        double end = Arrays.stream(load).min().orElse(0);
        // Within a stream tenants take turns in index order; stage 0 of each stream ends at `end`.
        double[] used = new double[bins];
        int[][] cuts = new int[n][1];
        int[][] threads = new int[n][];
        for (int t = 0; t < n; t++) {
            int b = streamOf[t];
            int op = 0;
            while (op < shapes.get(t).ops() && used[b] + profiles.get(t).nanos(op, th, 1) <= end * (1 + 1e-9)) {
                used[b] += profiles.get(t).nanos(op, th, 1);
                op++;
            }
            if (op < shapes.get(t).ops()) {
                used[b] = Double.MAX_VALUE;
            }
            cuts[t][0] = op;
            threads[t] = new int[] {th, cores};
        }
        return new CompactSchedule(streamOf, SearchSpace.streamPriorities(shapes, streamOf, bins), cuts, Baselines.whole(shapes), threads);
    }

    /** One stream per tenant, each asking for an equal share of the cores. */
    CompactSchedule partition() {
        int n = shapes.size();
        int[] streamOf = new int[n];
        for (int t = 0; t < n; t++) {
            streamOf[t] = t;
        }
        return new CompactSchedule(streamOf, SearchSpace.streamPriorities(shapes, streamOf, n), new int[n][0], Baselines.whole(shapes),
                Baselines.threads(n, 1, Math.max(1, cores / n)));
    }

    /**
     * Stages that end when a tenant finishes: all tenants share the cores equally; when the first
     * (by profile) is done, the others are cut at the same time and the rest share the cores anew.
     */
    CompactSchedule waterfill() {
        int n = shapes.size();
        int[] pos = new int[n];
        List<int[]> cutRows = new ArrayList<>();
        List<int[]> threadRows = new ArrayList<>();
        boolean[] active = new boolean[n];
        Arrays.fill(active, true);
        int left = n;
        while (left > 0) {
            int th = Math.max(1, cores / left);
            double slow = Math.max(1.0, (double) left * th / cores);
            double min = Double.MAX_VALUE;
            int first = -1;
            for (int t = 0; t < n; t++) {
                if (active[t]) {
                    double r = 0;
                    for (int op = pos[t]; op < shapes.get(t).ops(); op++) {
                        r += profiles.get(t).nanos(op, th, 1) * slow;
                    }
                    if (r < min) {
                        min = r;
                        first = t;
                    }
                }
            }
            int[] cut = new int[n];
            int[] thr = new int[n];
            for (int t = 0; t < n; t++) {
                thr[t] = active[t] ? th : cores;
                if (!active[t]) {
                    cut[t] = pos[t];
                    continue;
                }
                if (t == first) {
                    cut[t] = shapes.get(t).ops();
                    continue;
                }
                double acc = 0;
                int op = pos[t];
                while (op < shapes.get(t).ops() && acc + profiles.get(t).nanos(op, th, 1) * slow / 2 <= min) {
                    acc += profiles.get(t).nanos(op, th, 1) * slow;
                    op++;
                }
                cut[t] = op;
            }
            for (int t = 0; t < n; t++) {
                pos[t] = cut[t];
            }
            active[first] = false;
            left--;
            for (int t = 0; t < n; t++) {
                if (active[t] && pos[t] >= shapes.get(t).ops()) {
                    active[t] = false;
                    left--;
                }
            }
            cutRows.add(cut);
            threadRows.add(thr);
        }
        int stages = cutRows.size();
        int[][] cuts = new int[n][stages - 1];
        int[][] threads = new int[n][stages];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < stages; j++) {
                if (j < stages - 1) {
                    cuts[t][j] = cutRows.get(j)[t];
                }
                threads[t][j] = threadRows.get(j)[t];
            }
        }
        int[] streamOf = new int[n];
        for (int t = 0; t < n; t++) {
            streamOf[t] = t;
        }
        return new CompactSchedule(streamOf, SearchSpace.streamPriorities(shapes, streamOf, n), cuts, Baselines.whole(shapes), threads);
    }

    /** How the regulator measures schedules for real on the device. */
    public interface Bench {

        /**
         * Below this round length, each recorded round follows an unrecorded one that wakes the
         * runner's threads; a longer round absorbs that wake-up itself and is warmed once.
         */
        double SHORT_ROUND_MS = 250;

        /** One schedule's makespan in ms, measured cheaply (samples, finalists). */
        double once(Schedule s);

        /**
         * Makespans in ms of every schedule in {@code rounds} rounds, taken in alternation, each
         * schedule on a runner kept for the whole comparison and warmed before each of its rounds,
         * as the policies themselves are compared: {@code [schedule][round]}.
         */
        double[][] alternate(List<Schedule> schedules, int rounds);
    }

    /** One run of the regulator: how it measures, its clock and budget, and its log. */
    private record Regulation(Bench bench, DoubleConsumer progress, long t0, double budgetSeconds, List<String> log) {

        /** Seconds since the run started. */
        double spent() {
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /**
     * What sampling measured: the samples the correction is fitted on, the schedules measured,
     * each one's first measurement (in the order measured) and the fastest of them.
     */
    private record Sampling(List<Correction.Sample> samples, Set<CompactSchedule> measured,
                            Map<CompactSchedule, Double> firstMs, CompactSchedule best, double bestMs) {}

    /**
     * The schedule chosen so far, measured and predicted, and a finalist that goes to the
     * confirmation without having been measured ({@code null} if none).
     */
    private record Pick(CompactSchedule schedule, double ms, double predictedMs, CompactSchedule promoted) {}

    /**
     * Runs the whole regulator: fit, search, measure finalists, confirm. {@code bench} runs
     * schedules for real; {@code progress} hears the fraction done.
     */
    public Outcome run(Bench bench, long seed, double budgetSeconds, int maxEvaluations, DoubleConsumer progress) {
        Regulation r = new Regulation(bench, progress, System.nanoTime(), budgetSeconds, new ArrayList<>());
        CostModel model = new CostModel(profiles, cores);
        SearchSpace space = new SearchSpace(shapes, cores);
        SplittableRandom rnd = new SplittableRandom(seed);
        // 1. Measured samples for the learned correction.
        Sampling sampled = sample(r, model, space, rnd);
        Correction.Evaluation eval = Correction.evaluate(sampled.samples());
        r.log().add(String.format(Locale.ROOT, "cost model: %d measured schedules; held-out error %.1f%% on %d, each predicted by a fit on the other %d (analytical alone %.1f%%)",
                sampled.samples().size(), eval.heldOutMape(), eval.heldOut(), eval.fittedOn(), eval.analyticalMape()));
        Correction corr = eval.fitted();
        ToDoubleFunction<Schedule> predictMs = s -> corr.predictMs(model.predict(s).features());
        // 2. Search with the corrected model, for a quarter of the budget.
        double searchBudget = Math.max(0.2, budgetSeconds * 0.25);
        List<CompactSchedule> seeds = new ArrayList<>(seeds());
        seeds.add(sampled.best());
        Search search = new Search(space, members, predictMs);
        List<Search.Scored> best = search.run(seeds, seed, searchBudget, maxEvaluations, FINALISTS,
                f -> progress.accept(0.5 + 0.25 * f));
        // 3. Finalists measured for real, while the budget lasts.
        Pick finalist = finalists(r, best, sampled, predictMs.applyAsDouble(sampled.best().compile(members)));
        // 4. Confirmation.
        Pick chosen = confirm(r, finalist, sampled.firstMs(), predictMs);
        double seconds = r.spent();
        r.log().add(String.format(Locale.ROOT, "search: %d schedules scored by the model", search.evaluations()));
        r.log().add(String.format(Locale.ROOT, "chosen: predicted %.1f ms, measured %.1f ms; regulation took %.1f s",
                chosen.predictedMs(), chosen.ms(), seconds));
        return new Outcome(chosen.schedule(), chosen.schedule().compile(members), chosen.predictedMs(), chosen.ms(),
                eval.heldOutMape(), eval.analyticalMape(), sampled.samples().size(), eval.heldOut(), search.evaluations(), seconds,
                r.log());
    }

    /**
     * Step 1: measures seeds, their neighbours and random points for the learned correction,
     * until about half the budget is spent.
     */
    private Sampling sample(Regulation r, CostModel model, SearchSpace space, SplittableRandom rnd) {
        List<CompactSchedule> sampled = new ArrayList<>(seeds());
        int seedCount = sampled.size();
        List<Correction.Sample> samples = new ArrayList<>();
        double sampleBudget = r.budgetSeconds() * 0.5;
        // The fit needs a few samples; past the budget, four are enough (rounds of heavy mixes take seconds).
        int minSamples = 4;
        int maxSamples = 40;
        CompactSchedule bestSampled = null;
        double bestSampledMs = Double.MAX_VALUE;
        Set<CompactSchedule> measured = new HashSet<>();
        Map<CompactSchedule, Double> firstMs = new LinkedHashMap<>();
        for (int i = 0; i < maxSamples; i++) {
            CompactSchedule c;
            if (i < sampled.size()) {
                c = sampled.get(i);
            } else if (i % 2 == 0) {
                c = space.random(rnd);
            } else {
                c = space.mutate(space.mutate(sampled.get(rnd.nextInt(sampled.size())), rnd), rnd);
            }
            if (!measured.add(c)) {
                continue;
            }
            Schedule s = c.compile(members);
            double ms = r.bench().once(s);
            if (i < seedCount) {
                r.log().add(String.format(Locale.ROOT, "seed %s: measured %.1f ms", SEED_NAMES.get(i), ms));
            }
            firstMs.put(c, ms);
            samples.add(new Correction.Sample(model.predict(s).features(), ms));
            if (ms < bestSampledMs) {
                bestSampledMs = ms;
                bestSampled = c;
            }
            double spent = r.spent();
            // The confirmation's rounds come out of the same budget: sampling stops early enough to
            // leave them (with the search's quarter), so a mix whose rounds take a second does not
            // overrun the budget by half (mix (d): 67 s for a 40 s budget before).
            double stopAt = Math.min(sampleBudget, r.budgetSeconds() * 0.75 - confirmSeconds(firstMs.values(), MIN_CONFIRM_ROUNDS));
            r.progress().accept(0.5 * Math.min(1, spent / Math.max(1e-3, stopAt)));
            if (spent > stopAt && samples.size() >= minSamples) {
                break;
            }
        }
        return new Sampling(samples, measured, firstMs, bestSampled, bestSampledMs);
    }

    /**
     * Step 3: measures the search's finalists for real while the budget lasts; the best sampled
     * schedule (predicted {@code sampledPredictedMs}) competes too.
     */
    private Pick finalists(Regulation r, List<Search.Scored> best, Sampling sampled, double sampledPredictedMs) {
        CompactSchedule chosen = sampled.best();
        double chosenMs = sampled.bestMs();
        double predicted = sampledPredictedMs;
        // The search's best goes to the confirmation even when the budget leaves no time to measure
        // it here first: on mixes whose rounds take half a second or more, the confirmation's own
        // rounds take what is left, and the search would otherwise never compete.
        CompactSchedule promoted = null;
        for (int i = 0; i < best.size(); i++) {
            Search.Scored sc = best.get(i);
            if (r.spent() + confirmSeconds(sampled.firstMs().values(), MIN_CONFIRM_ROUNDS) > r.budgetSeconds()) {
                promoted = sampled.measured().contains(sc.point()) ? null : sc.point();
                r.log().add(String.format(Locale.ROOT, "finalists: budget spent after %d (the rest is the confirmation's)%s", i,
                        promoted == null ? "" : String.format(Locale.ROOT, "; finalist %d (predicted %.1f ms) goes to the confirmation unmeasured",
                                i + 1, sc.predictedMs())));
                break;
            }
            double ms = sampled.measured().contains(sc.point()) ? Double.NaN : r.bench().once(sc.point().compile(members));
            r.log().add(String.format(Locale.ROOT, "finalist %d: predicted %.1f ms, measured %.1f ms", i + 1, sc.predictedMs(), ms));
            if (!Double.isNaN(ms)) {
                sampled.firstMs().putIfAbsent(sc.point(), ms);
            }
            if (ms < chosenMs) {
                chosenMs = ms;
                chosen = sc.point();
                predicted = sc.predictedMs();
            }
            r.progress().accept(0.75 + 0.25 * (i + 1) / best.size());
        }
        return new Pick(chosen, chosenMs, predicted, promoted);
    }

    /**
     * Step 4: confirmation. The smallest of many single measurements is biased low (the lucky round
     * wins), and measurements taken at different times differ by the machine's drift (the first
     * seed measured also pays for the compiler), so the best few measured schedules and the three
     * baselines are measured again, in alternation, on runners kept for the comparison (a fresh
     * executor's first round measured up to 10% away from the same schedule's later rounds), as
     * many rounds as the budget leaves (3 to 7), and the lowest median of these rounds alone
     * decides. A schedule chosen this way loses to a baseline only by the noise left in that median.
     */
    private Pick confirm(Regulation r, Pick finalist, Map<CompactSchedule, Double> firstMs, ToDoubleFunction<Schedule> predictMs) {
        List<CompactSchedule> contenders = contenders(firstMs, finalist);
        double roundMs = 0;
        double warmMs = 0;
        for (CompactSchedule c : contenders) {
            double ms = firstMs.getOrDefault(c, finalist.ms());
            // A short round is warmed before each recorded one (CoLocation.turn), a long one once.
            roundMs += ms < Bench.SHORT_ROUND_MS ? 2 * ms : ms;
            warmMs += ms;
        }
        double left = r.budgetSeconds() - r.spent() - warmMs / 1000;
        int confirmRounds = (int) Math.max(1, Math.min(MAX_CONFIRM_ROUNDS, Math.floor(left * 1000 / Math.max(1, roundMs))));
        if (confirmRounds < MIN_CONFIRM_ROUNDS) {
            r.log().add(String.format(Locale.ROOT, "confirmation: the budget leaves %d round(s) of %.1f s; about %.0f s of budget would give %d",
                    confirmRounds, roundMs / 1000, r.budgetSeconds() + (MIN_CONFIRM_ROUNDS - confirmRounds) * roundMs / 1000, MIN_CONFIRM_ROUNDS));
        }
        double[][] confirmMs = r.bench().alternate(contenders.stream().map(c -> c.compile(members)).toList(), confirmRounds);
        List<List<Double>> rounds = new ArrayList<>();
        for (double[] round : confirmMs) {
            rounds.add(Arrays.stream(round).boxed().toList());
        }
        List<CompactSchedule> baselines = List.of(Baselines.sequential(shapes, cores), Baselines.multistream(shapes, cores),
                Baselines.interleave(shapes, cores));
        boolean[] isBaseline = new boolean[contenders.size()];
        for (int i = 0; i < contenders.size(); i++) {
            isBaseline[i] = baselines.contains(contenders.get(i));
            r.log().add(String.format(Locale.ROOT, "contender %d: median %.1f ms of %s; %s", i + 1, median(rounds.get(i)),
                    rounds.get(i).stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).toList(), contenders.get(i).summary()));
        }
        int fastest = Confirmation.fastest(confirmMs);
        int kept = Confirmation.keep(confirmMs, isBaseline);
        if (kept != fastest) {
            r.log().add(String.format(Locale.ROOT, "confirmation: contender %d's lower median is within the noise (faster than contender %d "
                    + "in fewer than %d of %d paired rounds); the baseline stays", fastest + 1, kept + 1, Confirmation.clearWins(confirmRounds), confirmRounds));
        }
        CompactSchedule chosen = contenders.get(kept);
        double bestMedian = median(rounds.get(kept));
        double predicted = predictMs.applyAsDouble(chosen.compile(members));
        r.log().add(String.format(Locale.ROOT, "confirmation: %d contenders (best measured and the baselines) measured %d more times each; lowest median %.1f ms",
                contenders.size(), confirmRounds, bestMedian));
        return new Pick(chosen, bestMedian, predicted, null);
    }

    /**
     * Who the confirmation measures, each once: the best few measured schedules, the three
     * baselines, the finalist chosen so far and a finalist promoted unmeasured.
     */
    private List<CompactSchedule> contenders(Map<CompactSchedule, Double> firstMs, Pick finalist) {
        List<CompactSchedule> contenders = new ArrayList<>(firstMs.keySet().stream()
                .sorted(Comparator.comparingDouble(firstMs::get)).limit(CONTENDERS).toList());
        for (CompactSchedule b : List.of(Baselines.sequential(shapes, cores), Baselines.multistream(shapes, cores),
                Baselines.interleave(shapes, cores))) {
            if (!contenders.contains(b)) {
                contenders.add(b);
            }
        }
        if (!contenders.contains(finalist.schedule())) {
            contenders.add(finalist.schedule());
        }
        if (finalist.promoted() != null && !contenders.contains(finalist.promoted())) {
            contenders.add(finalist.promoted());
        }
        return contenders;
    }

    /**
     * Seconds the confirmation takes for {@code rounds} rounds, estimated from the schedules
     * measured so far: the contenders, the baselines and a finalist, each at about the mean measured round,
     * a short round warmed before each (CoLocation.turn), and one warm-up round each.
     */
    static double confirmSeconds(java.util.Collection<Double> measuredMs, int rounds) {
        double mean = measuredMs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        int perRound = mean < Bench.SHORT_ROUND_MS ? 2 : 1;
        return (CONTENDERS + 4) * (rounds * perRound + 1) * mean / 1000;
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }
}
