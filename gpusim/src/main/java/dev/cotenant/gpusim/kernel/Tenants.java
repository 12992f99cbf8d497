package dev.cotenant.gpusim.kernel;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.kernels.Workers;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import dev.cotenant.zoo.Zoo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The tenants of a simulated mix, from {@code zoo-name:batch} entries separated by commas
 * ({@code resnet50:8,bert-base:1}). A stand-in until the scheduler's workload form is merged.
 */
public final class Tenants {

    /**
     * One tenant: a zoo model at a batch size, and a priority (higher runs first, as in the
     * scheduler's workloads; {@code resnet50:8:prio=2}), which the scheduler's policies give its stream.
     */
    public record Tenant(String model, int batch, int priority) {
        public Tenant(String model, int batch) {
            this(model, batch, 0);
        }

        public String label() {
            return model + ":" + batch;
        }
    }

    private Tenants() {}

    public static List<Tenant> parse(String spec) {
        List<Tenant> out = new ArrayList<>();
        for (String entry : spec.split(",")) {
            String e = entry.strip();
            int priority = 0;
            int prio = e.indexOf(":prio=");
            if (prio > 0) {
                try {
                    priority = Integer.parseInt(e.substring(prio + ":prio=".length()));
                } catch (NumberFormatException x) {
                    throw new ModelException("--tenants: prio of '" + e + "' must be a whole number");
                }
                e = e.substring(0, prio);
            }
            int colon = e.lastIndexOf(':');
            if (e.isEmpty() || colon <= 0 || colon == e.length() - 1) {
                throw new ModelException("--tenants: expected entries like resnet50:8 (zoo model:batch), got '" + e + "'");
            }
            String model = e.substring(0, colon);
            int batch;
            try {
                batch = Integer.parseInt(e.substring(colon + 1));
            } catch (NumberFormatException x) {
                throw new ModelException("--tenants: batch of '" + e + "' must be a whole number");
            }
            if (batch < 1) {
                throw new ModelException("--tenants: batch of '" + e + "' must be at least 1");
            }
            if (Zoo.entries().stream().noneMatch(z -> z.name().equals(model))) {
                throw new ModelException("--tenants: unknown zoo model '" + model + "' (known: "
                        + String.join(", ", Zoo.entries().stream().map(Zoo.Entry::name).toList()) + ")");
            }
            out.add(new Tenant(model, batch, priority));
        }
        return out;
    }

    /** Builds, optimises and plans the tenant's model (seeded weights; only shapes and costs matter here). */
    public static Plan plan(Tenant t) {
        Plan[] out = new Plan[1];
        forEachPlan(List.of(t), (i, p) -> out[0] = p);
        return out[0];
    }

    /**
     * Plans every tenant in turn and hands each plan to {@code use} with its index, building each
     * distinct model once with a symbolic batch (building the weights is the slow part). Plans hold
     * packed weights, so they are not kept: lower them in {@code use}.
     */
    public static void forEachPlan(List<Tenant> tenants, BiConsumer<Integer, Plan> use) {
        Map<String, Model> built = new LinkedHashMap<>();
        for (int i = 0; i < tenants.size(); i++) {
            Tenant t = tenants.get(i);
            Model m = built.computeIfAbsent(t.model(), name -> Zoo.build(name, -1, 1));
            Map<String, TensorType> types = new LinkedHashMap<>();
            for (ValueInfo v : m.graph().feeds()) {
                int[] dims = v.type().dims().clone();
                for (int d = 0; d < dims.length; d++) {
                    if (dims[d] < 0) {
                        dims[d] = t.batch();
                    }
                }
                types.put(v.name(), TensorType.of(v.type().dataType(), dims));
            }
            if (tenants.subList(i + 1, tenants.size()).stream().noneMatch(x -> x.model().equals(t.model()))) {
                built.remove(t.model()); // let its weights go once no later tenant needs them
            }
            use.accept(i, Planner.plan(Passes.optimizeOperators(m, types), types, Workers.single()));
        }
    }

    /** Plans and lowers the tenant in the engine style of fusion. */
    public static LoweredModel lower(Tenant t, Precision p, Gpu gpu) {
        return lower(List.of(t), p, gpu).getFirst();
    }

    /** Plans and lowers every tenant in the engine style of fusion. */
    public static List<LoweredModel> lower(List<Tenant> tenants, Precision p, Gpu gpu) {
        List<LoweredModel> out = new ArrayList<>();
        forEachPlan(tenants, (i, plan) -> out.add(Lowering.lower(tenants.get(i).label(), plan, p, gpu, Lowering.Fusion.ENGINE)));
        return out;
    }
}
