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
 * The plans of one served model, per instance: a small cache, one per concrete input types and
 * thread count (a plan is made for fixed shapes, so each batch size gets its own), over the
 * instance's own worker pool. A plan is a single-threaded object (its arena holds the batch's
 * intermediates), so an instance runs at most one batch at a time; a model with several instances
 * (Triton's {@code instance_group} count) runs as many batches at once, each on its own plans.
 */
public final class ModelPlans implements AutoCloseable {

    private static final int CACHE = 16;

    /** One instance: its plans and the worker pool they run on. */
    private record Instance(Workers pool, Map<String, Plan> plans) {}

    private final Model model;
    private final Instance[] instances;

    /** Plans of {@code model} for one instance on a pool of {@code cores} threads. */
    public ModelPlans(Model model, int cores) {
        this(model, cores, 1);
    }

    /** Plans of {@code model} for {@code instances} instances, each on its own pool of {@code cores} threads. */
    public ModelPlans(Model model, int cores, int instances) {
        this.model = model;
        this.instances = new Instance[Math.max(1, instances)];
        for (int i = 0; i < this.instances.length; i++) {
            this.instances[i] = new Instance(Workers.create(Math.max(1, cores)), new LinkedHashMap<>(16, 0.75f, true));
        }
    }

    /** Instances: batches that may run at once. */
    int instances() {
        return instances.length;
    }

    /** The plan of instance 0 for these input types at {@code threads} threads, made on first use. */
    public Plan plan(Map<String, TensorType> types, int threads) {
        return plan(types, threads, 0);
    }

    /** The plan of {@code instance} for these input types at {@code threads} threads, made on first use. */
    Plan plan(Map<String, TensorType> types, int threads, int instance) {
        Instance in = instances[instance];
        String key = types.values() + "@" + threads;
        synchronized (in.plans()) {
            Plan p = in.plans().get(key);
            if (p != null) {
                return p;
            }
        }
        Model optimized = Passes.optimize(model, types);
        Workers w = threads <= 1 ? Workers.single() : in.pool();
        Plan p = Planner.plan(optimized, types, w);
        synchronized (in.plans()) {
            in.plans().put(key, p);
            if (in.plans().size() > CACHE) {
                in.plans().remove(in.plans().keySet().iterator().next());
            }
        }
        return p;
    }

    /** The thread count a batch may use at most on this model's pool. */
    int threads() {
        return instances[0].pool().threads();
    }

    /** Runs {@code plan} (one of {@code instance}'s) on {@code feeds}, then lets the pool rest: the next batch on these cores may be another model's. */
    Map<String, Tensor> run(Plan plan, Map<String, Tensor> feeds, int instance) {
        try {
            return plan.run(feeds);
        } finally {
            instances[instance].pool().rest();
        }
    }

    /**
     * Makes the plans of {@code types} at one thread and at the full pool (the regulator uses both)
     * for every instance, and runs each {@code runs} times on zero inputs, so no request pays for
     * planning or runs the kernels cold. Measured on the 2-core machine before the runs: the first
     * request of a fresh server took 0.6-1.2 s per model against 10-70 ms later, and under 70%
     * load everything sent in the first two seconds waited about 4 s.
     */
    public void warm(Map<String, TensorType> types, int runs) {
        Map<String, Tensor> zeros = zeros(types);
        for (int i = 0; i < instances.length; i++) {
            List<Plan> made = new ArrayList<>();
            made.add(plan(types, 1, i));
            if (threads() > 1) {
                made.add(plan(types, threads(), i));
            }
            for (int r = 0; r < runs; r++) {
                for (Plan p : made) {
                    run(p, zeros, i);
                }
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
        for (Instance i : instances) {
            i.pool().close();
        }
    }
}
