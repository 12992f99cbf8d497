package dev.cotenant.sched.workload;

import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.SampleInputs;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import dev.cotenant.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A tenant made ready to run: its model as loaded ({@code source}, what peers run), optimised and
 * planned for its batch size, and seeded random inputs bound to the plan. The plan's steps are the tenant's operators in the schedule.
 */
public record TenantPlan(Tenant tenant, Model source, Model model, Plan plan, Map<String, Tensor> inputs) {

    /** Loads every tenant of {@code workload}; model weights and inputs are seeded. */
    public static List<TenantPlan> load(Workload workload, long seed) {
        List<TenantPlan> result = new ArrayList<>();
        for (int i = 0; i < workload.tenants().size(); i++) {
            result.add(load(workload.tenants().get(i), seed + 1000L * i));
        }
        return result;
    }

    public static TenantPlan load(Tenant t, long seed) {
        Model m;
        if (t.isFile()) {
            Path p = Path.of(t.model());
            if (!Files.isRegularFile(p)) {
                throw new ModelException("tenant " + t.label() + ": no such file " + p);
            }
            m = OnnxImport.load(p);
        } else {
            m = Zoo.build(t.model(), t.batch(), seed);
        }
        Map<String, Tensor> inputs = randomInputs(m, t, new SplittableRandom(seed ^ 0x5DEECE66DL));
        Map<String, TensorType> types = new LinkedHashMap<>();
        inputs.forEach((k, v) -> types.put(k, v.type()));
        Model optimized = Passes.optimize(m, types);
        Plan plan = Planner.plan(optimized, types, Workers.single());
        if (plan.interpreted()) {
            throw new ModelException("tenant " + t.label() + ": its shapes depend on input values, so it cannot be planned "
                    + "statically and scheduled operator by operator");
        }
        if (plan.steps().isEmpty()) {
            throw new ModelException("tenant " + t.label() + ": the model has no operators left to run after constant folding");
        }
        plan.bind(inputs);
        return new TenantPlan(t, m, optimized, plan, inputs);
    }

    /**
     * Inputs with a free leading dimension set to the tenant's batch and every other free dimension
     * to its size in the tenant's {@code dims}: one left unset is an error naming the model's free
     * symbols, never a silent 1, and so is a size for a symbol no input has.
     */
    private static Map<String, Tensor> randomInputs(Model m, Tenant t, SplittableRandom rnd) {
        return SampleInputs.of(m.graph().feeds(), new SampleInputs.Sizes(t.dims(), t.batch(), "tenant " + t.label(), ":dim="), rnd);
    }

    /** Number of operators (plan steps). */
    public int ops() {
        return plan.steps().size();
    }
}
