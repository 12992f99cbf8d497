package dev.cotenant.sched.policy;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.kernel.Kernel;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.GpuStream;
import dev.cotenant.gpusim.sim.KernelTimeline;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.sched.device.ScheduleLowering;
import dev.cotenant.sched.schedule.CompactSchedule;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.workload.TenantShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * The gacer policy on a simulated GPU: the same search over the compact form as on the CPU (sync
 * pointers, split factors, streams, priorities), with the simulator itself as the cost model.
 *
 * <p>Why no learned correction here: on the CPU the search needs a cheap predictor because a real
 * measurement costs a whole round of the models; the simulator is deterministic and simulates one
 * round of an 8-tenant mix in milliseconds, so every point the search scores is "measured"
 * exactly, and there is no error to correct. Threads play no part (a GPU task asks for none), so
 * the space is searched with one core.
 *
 * <p>Seeds, besides the three baselines: one stream per tenant with priorities by solo time,
 * longest most urgent (the longest tenant is the critical path, and left-over dispatch otherwise
 * lets short tenants' kernels delay it) or shortest most urgent (short tenants finish early, the
 * latency choice); and the first with multi-wave kernels split in two or four (of every tenant, or of
 * all but the longest), so that other tenants' blocks reach the SMs between the parts.
 *
 * <p>The search scores one round; the best few points and the baselines are then simulated for the
 * rounds asked and the fastest is chosen, so the choice is never slower than a baseline it
 * evaluated (a tie goes to the baseline, the simpler schedule).
 */
public final class GpuGacer {

    /** Best searched points simulated for the full rounds before the choice. */
    static final int FINALISTS = 5;

    /** How the search runs: seeded, and bounded by wall time and by points scored. */
    public record Settings(long seed, double budgetSeconds, int maxEvaluations) {
        public static Settings defaults() {
            return new Settings(1, 60, 4000);
        }
    }

    /**
     * What the search chose. {@code searched} says whether a searched point beat every baseline;
     * {@code choice} names it for logs and tables ("searched" or the baseline that won);
     * {@code baselineUs} holds the baselines' makespans over the same rounds and host model.
     */
    public record Outcome(String name, CompactSchedule chosen, Schedule schedule, double makespanUs, boolean searched, String choice,
                          Map<String, Double> baselineUs, int evaluations, double seconds, List<String> log) {}

    private GpuGacer() {}

    /**
     * Searches a schedule for {@code tenants} on {@code gpu}, every stream enqueued as
     * {@code sharing} says; {@code rounds} is how many rounds the finalists are simulated for.
     */
    public static Outcome regulate(String name, Gpu gpu, List<LoweredModel> tenants, Sharing sharing, int rounds, Settings settings,
                                   DoubleConsumer progress) {
        return regulate(name, gpu, tenants, java.util.Collections.nCopies(tenants.size(), 0), sharing, rounds, settings, progress);
    }

    /**
     * As above, with the tenants' priorities (higher runs first; all 0 when none are given): a
     * stream has the highest priority of its tenants, and the search leaves priorities be.
     */
    public static Outcome regulate(String name, Gpu gpu, List<LoweredModel> tenants, List<Integer> priorities, Sharing sharing, int rounds,
                                   Settings settings, DoubleConsumer progress) {
        long t0 = System.nanoTime();
        List<TenantShape> shapes = shapes(tenants, priorities);
        List<Schedule.Member> members = shapes.stream().map(s -> new Schedule.Member(s.name(), s.ops())).toList();
        int[] weight = priorities.stream().mapToInt(p -> Math.max(0, p)).toArray();
        boolean latency = Arrays.stream(weight).anyMatch(w -> w > 0);
        Search search = Search.over(shapes, 1, ScheduleLowering.PRIORITY_LEVELS,
                s -> objectiveUs(Simulator.run(gpu, ScheduleLowering.workload(s, tenants, sharing, 1)), tenants, weight) / 1e3);
        Map<String, CompactSchedule> baselines = new LinkedHashMap<>();
        baselines.put("sequential", Baselines.sequential(shapes, 1));
        baselines.put("multistream", Baselines.multistream(shapes, 1));
        baselines.put("interleave", Baselines.interleave(shapes, 1));
        List<CompactSchedule> seeds = new ArrayList<>(baselines.values());
        seeds.addAll(seeds(gpu, tenants, shapes));
        List<Search.Scored> best = search.run(seeds, settings.seed(), settings.budgetSeconds(), settings.maxEvaluations(), FINALISTS,
                progress);
        List<String> log = new ArrayList<>();
        log.add(String.format(Locale.ROOT, "search: %d schedules simulated (one round each) in %.1f s%s", search.evaluations(),
                (System.nanoTime() - t0) / 1e9, latency ? "; objective: makespan + each tenant's priority x its latency" : ""));
        Map<String, Double> baselineUs = new LinkedHashMap<>();
        CompactSchedule chosen = null;
        double chosenUs = Double.MAX_VALUE;
        double chosenCost = Double.MAX_VALUE;
        String choice = "";
        boolean searched = false;
        for (var e : baselines.entrySet()) {
            KernelTimeline t = Simulator.run(gpu, ScheduleLowering.workload(e.getValue().compile(members), tenants, sharing, rounds));
            double cost = objectiveUs(t, tenants, weight);
            baselineUs.put(e.getKey(), t.makespanUs());
            if (cost < chosenCost) {
                chosenCost = cost;
                chosenUs = t.makespanUs();
                chosen = e.getValue();
                choice = e.getKey();
            }
        }
        for (int i = 0; i < best.size(); i++) {
            CompactSchedule c = best.get(i).point();
            KernelTimeline t = Simulator.run(gpu, ScheduleLowering.workload(c.compile(members), tenants, sharing, rounds));
            double cost = objectiveUs(t, tenants, weight);
            log.add(String.format(Locale.ROOT, "finalist %d: %.4f ms a round in the search, %.4f ms over %d round%s", i + 1,
                    best.get(i).predictedMs(), cost / 1e3, rounds, rounds == 1 ? "" : "s"));
            if (cost < chosenCost) {
                chosenCost = cost;
                chosenUs = t.makespanUs();
                chosen = c;
                choice = "searched";
                searched = true;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        log.add(String.format(Locale.ROOT, "chosen: %s, %.4f ms (sequential %.4f, multistream %.4f, interleave %.4f); %s; took %.1f s",
                choice, chosenUs / 1e3, baselineUs.get("sequential") / 1e3, baselineUs.get("multistream") / 1e3,
                baselineUs.get("interleave") / 1e3, describe(chosen), seconds));
        return new Outcome(name, chosen, chosen.compile(members), chosenUs, searched, choice, baselineUs, search.evaluations(),
                seconds, log);
    }

    /** The shapes a schedule covers, with the tenants' priorities. */
    public static List<TenantShape> shapes(List<LoweredModel> tenants, List<Integer> priorities) {
        if (priorities.size() != tenants.size()) {
            throw new IllegalArgumentException(priorities.size() + " priorities for " + tenants.size() + " tenants");
        }
        List<TenantShape> out = new ArrayList<>();
        for (int t = 0; t < tenants.size(); t++) {
            out.add(new TenantShape(tenants.get(t).name(), ScheduleLowering.shape(tenants.get(t)).maxParts(), priorities.get(t)));
        }
        return out;
    }

    /**
     * What the search minimises: the makespan, plus each tenant's priority (when positive) times
     * its latency (when its last kernel ended), so that a tenant the user ranks above others
     * finishes early even where the makespan then grows a little. Without priorities, the makespan.
     */
    public static double objectiveUs(KernelTimeline t, List<LoweredModel> tenants, int[] weight) {
        double cost = t.makespanUs();
        if (Arrays.stream(weight).anyMatch(w -> w > 0)) {
            double[] latency = ScheduleLowering.latencyMs(t, tenants);
            for (int i = 0; i < weight.length; i++) {
                cost += weight[i] * latency[i] * 1e3;
            }
        }
        return cost;
    }

    /** Regulated starting points (see the class comment). */
    static List<CompactSchedule> seeds(Gpu gpu, List<LoweredModel> tenants, List<TenantShape> shapes) {
        int n = tenants.size();
        double[] solo = new double[n];
        for (int t = 0; t < n; t++) {
            solo[t] = Simulator.solo(gpu, GpuStream.of(tenants.get(t).name(), 0, tenants.get(t).launches())).makespanUs();
        }
        Integer[] byLength = new Integer[n];
        for (int t = 0; t < n; t++) {
            byLength[t] = t;
        }
        Arrays.sort(byLength, (a, b) -> Double.compare(solo[b], solo[a]));
        int[] streamOf = new int[n];
        int[] longestFirst = new int[n];
        int[] shortestFirst = new int[n];
        for (int rank = 0; rank < n; rank++) {
            int t = byLength[rank];
            streamOf[t] = t;
            // Rank 0 (longest) gets the highest level; levels beyond CUDA's six are shared.
            longestFirst[t] = Math.max(0, ScheduleLowering.PRIORITY_LEVELS - 1 - rank);
            shortestFirst[t] = Math.max(0, ScheduleLowering.PRIORITY_LEVELS - 1 - (n - 1 - rank));
        }
        if (shapes.stream().anyMatch(s -> s.priority() != 0)) {
            // The user's priorities hold: every seed keeps them.
            for (int t = 0; t < n; t++) {
                longestFirst[t] = shapes.get(t).priority();
                shortestFirst[t] = shapes.get(t).priority();
            }
        }
        int[][] noCuts = new int[n][0];
        int[][] threads = new int[n][1];
        for (int[] row : threads) {
            row[0] = 1;
        }
        int[][] whole = new int[n][];
        int[][] waves = new int[n][];
        for (int t = 0; t < n; t++) {
            whole[t] = new int[shapes.get(t).ops()];
            Arrays.fill(whole[t], 1);
            waves[t] = new int[shapes.get(t).ops()];
            for (int o = 0; o < waves[t].length; o++) {
                for (Kernel k : tenants.get(t).kernelsPerStep().get(o)) {
                    waves[t][o] = Math.max(waves[t][o], k.blocks() / Math.max(1, k.blocksPerSm(gpu) * gpu.sms()));
                }
            }
        }
        List<CompactSchedule> out = new ArrayList<>();
        out.add(new CompactSchedule(streamOf, longestFirst, noCuts, whole, threads));
        out.add(new CompactSchedule(streamOf.clone(), shortestFirst, deep(noCuts), deep(whole), deep(threads)));
        // Spatial granularity: multi-wave kernels split, of every tenant or of all but the longest
        // (whose kernels then find the SMs free sooner).
        for (int f : new int[] {2, 4}) {
            for (boolean spareLongest : new boolean[] {false, true}) {
                int[][] parts = new int[n][];
                for (int t = 0; t < n; t++) {
                    parts[t] = new int[shapes.get(t).ops()];
                    for (int o = 0; o < parts[t].length; o++) {
                        boolean split = waves[t][o] >= 1 && !(spareLongest && t == byLength[0]);
                        parts[t][o] = split ? Math.min(f, shapes.get(t).maxParts()[o]) : 1;
                    }
                }
                out.add(new CompactSchedule(streamOf.clone(), longestFirst.clone(), deep(noCuts), parts, deep(threads)));
            }
        }
        return out;
    }

    private static int[][] deep(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    /** Streams, priorities, stages and splits of a point, in a line. */
    public static String describe(CompactSchedule c) {
        int split = 0;
        for (int[] row : c.parts()) {
            for (int p : row) {
                split += p > 1 ? 1 : 0;
            }
        }
        return String.format(Locale.ROOT, "%d stream%s, priorities %s, %d stage%s, %d operator%s split", c.streams(),
                c.streams() == 1 ? "" : "s", Arrays.toString(c.priority()), c.stages(), c.stages() == 1 ? "" : "s", split,
                split == 1 ? "" : "s");
    }
}
