package dev.cotenant.server.serving;

import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import dev.cotenant.sched.workload.Tenant;
import dev.cotenant.sched.workload.TenantPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The plans of one served model: a small cache, one per concrete input types and thread count (a
 * plan is made for fixed shapes, so each batch size gets its own), over the model's own worker
 * pool. The scheduler runs at most one batch of a model at a time, which is what makes the cached
 * plans safe to reuse: a plan is used by one thread at a time.
 */
public final class ModelPlans implements AutoCloseable {

    private static final int CACHE = 16;

    private final Model model;
    private final Workers pool;
    private final Map<String, Plan> plans = new LinkedHashMap<>(16, 0.75f, true);

    /** Plans of {@code model} on a pool of {@code cores} threads. */
    public ModelPlans(Model model, int cores) {
        this.model = model;
        this.pool = Workers.create(Math.max(1, cores));
    }

    /** The plan for these input types at {@code threads} threads, made on first use. */
    public Plan plan(Map<String, TensorType> types, int threads) {
        String key = types.values() + "@" + threads;
        synchronized (plans) {
            Plan p = plans.get(key);
            if (p != null) {
                return p;
            }
        }
        Model optimized = Passes.optimize(model, types);
        Workers w = threads <= 1 ? Workers.single() : pool;
        Plan p = Planner.plan(optimized, types, w);
        synchronized (plans) {
            plans.put(key, p);
            if (plans.size() > CACHE) {
                plans.remove(plans.keySet().iterator().next());
            }
        }
        return p;
    }

    /** The thread count a batch may use at most on this model's pool. */
    int threads() {
        return pool.threads();
    }

    /** Runs {@code plan} on {@code feeds}, then lets the pool rest: the next batch on these cores may be another model's. */
    Map<String, Tensor> run(Plan plan, Map<String, Tensor> feeds) {
        try {
            return plan.run(feeds);
        } finally {
            pool.rest();
        }
    }

    /**
     * Makes the plans of {@code types} at one thread and at the full pool (the regulator uses both)
     * and runs each {@code runs} times on zero inputs, so no request pays for planning or runs the
     * kernels cold. Measured on the 2-core machine before the runs: the first request of a fresh
     * server took 0.6-1.2 s per model against 10-70 ms later, and under 70% load everything sent in
     * the first two seconds waited about 4 s.
     */
    public void warm(Map<String, TensorType> types, int runs) {
        Map<String, Tensor> zeros = zeros(types);
        List<Plan> made = new ArrayList<>();
        made.add(plan(types, 1));
        if (pool.threads() > 1) {
            made.add(plan(types, pool.threads()));
        }
        for (int r = 0; r < runs; r++) {
            for (Plan p : made) {
                run(p, zeros);
            }
        }
    }

    /**
     * The model for the co-location scheduler: a fresh plan for {@code types} (not one of the
     * serving cache's, so a search can run it while the model serves), its inputs bound to zeros,
     * as the workload tenant {@code name/version:rows}.
     */
    TenantPlan schedulable(String name, String version, Map<String, TensorType> types) {
        Model optimized = Passes.optimize(model, types);
        Plan p = Planner.plan(optimized, types, Workers.single());
        if (p.interpreted()) {
            throw new ModelException("model '" + name + "': its shapes depend on input values, so it cannot be scheduled operator by operator");
        }
        Map<String, Tensor> zeros = zeros(types);
        p.bind(zeros);
        int rows = types.values().iterator().next().dims()[0];
        Tenant t = new Tenant(name + "/" + version, Math.max(1, rows), OptionalDouble.empty(), 0);
        return new TenantPlan(t, model, optimized, p, zeros);
    }

    /** Zero tensors of {@code types}: inputs for runs whose results do not matter. */
    static Map<String, Tensor> zeros(Map<String, TensorType> types) {
        Map<String, Tensor> zeros = new LinkedHashMap<>();
        types.forEach((k, v) -> zeros.put(k, Tensor.allocate(v.dataType(), v.dims())));
        return zeros;
    }

    @Override
    public void close() {
        pool.close();
    }
}
