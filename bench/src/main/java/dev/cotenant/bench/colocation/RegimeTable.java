package dev.cotenant.bench.colocation;

import dev.cotenant.sched.compare.Regimes;
import dev.cotenant.sched.policy.GpuGacer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a regulator pays, as the markdown of bench/RESULTS.md:
 * {@code java ... RegimeTable GPU[,GPU...] RUNTIME[,RUNTIME...] BATCH[,BATCH...] BUDGET_SECONDS MAX_EVALUATIONS}
 * (defaults: h200,a100,l4; native,graph,eager; 1,8,32; 20 s; 150 points). Rows print as they are
 * simulated, the summary by runtime and batch size at the end.
 */
public final class RegimeTable {

    private RegimeTable() {}

    public static void main(String[] args) {
        String[] gpus = (args.length > 0 ? args[0] : "h200,a100,l4").split(",");
        String[] runtimes = (args.length > 1 ? args[1] : "native,graph,eager").split(",");
        List<Integer> batches = Arrays.stream((args.length > 2 ? args[2] : "1,8,32").split(",")).map(Integer::parseInt).toList();
        double budget = args.length > 3 ? Double.parseDouble(args[3]) : 20;
        int evaluations = args.length > 4 ? Integer.parseInt(args[4]) : 150;
        GpuGacer.Settings settings = new GpuGacer.Settings(1, budget, evaluations);
        List<Regimes.Row> all = new ArrayList<>();
        System.out.println(Regimes.header());
        for (String g : gpus) {
            for (String r : runtimes) {
                all.addAll(Regimes.run(g, r, batches, settings, row -> {
                    System.out.println(Regimes.markdown(row));
                    System.out.flush();
                }));
            }
        }
        System.out.println();
        System.out.print(Regimes.summary(all));
    }
}
