package dev.cotenant.gpusim.kernel;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.kernels.Workers;
import dev.cotenant.ir.Graph;
import dev.cotenant.passes.ConstantFolding;
import dev.cotenant.passes.DeadCodeElimination;
import dev.cotenant.passes.Pass;
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
 * Zoo models planned and lowered for the simulator: each distinct model is built once with a
 * symbolic batch (building weights is the slow part), planned at each entry's batch size, and
 * lowered in the engine's style of fusion. What a workload is (priorities, objectives, files) is
 * the scheduler's business; this is only how zoo models become kernels.
 */
public final class ZooModels {

    /** A zoo model at a batch size. */
    public record Entry(String model, int batch) {

        /** {@code model:batch}, the name launches are tagged with. */
        public String label() {
            return model + ":" + batch;
        }
    }

    private ZooModels() {}

    /** Builds, optimises and plans the entry's model (seeded weights; only shapes and costs matter here). */
    public static Plan plan(Entry t) {
        Plan[] out = new Plan[1];
        forEachPlan(List.of(t), (i, p) -> out[0] = p);
        return out[0];
    }

    /**
     * Plans every entry in turn and hands each plan to {@code use} with its index, building each
     * distinct model once with a symbolic batch (building the weights is the slow part). Plans hold
     * packed weights, so they are not kept: lower them in {@code use}.
     */
    public static void forEachPlan(List<Entry> tenants, BiConsumer<Integer, Plan> use) {
        forEachPlan(tenants, Lowering.Fusion.ENGINE, use);
    }

    /**
     * As above, planned for {@code fusion}: an inference engine's graph optimisations (batch-norm
     * folding, activation and GELU fusion) for {@link Lowering.Fusion#ENGINE}; for
     * {@link Lowering.Fusion#EAGER} only constant folding, since a framework in eager mode runs
     * every operator as the model is written (a batch norm after each convolution included).
     */
    public static void forEachPlan(List<Entry> tenants, Lowering.Fusion fusion, BiConsumer<Integer, Plan> use) {
        Map<String, Model> built = new LinkedHashMap<>();
        for (int i = 0; i < tenants.size(); i++) {
            Entry t = tenants.get(i);
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
                built.remove(t.model()); // let its weights go once no later entry needs them
            }
            Model planned = switch (fusion) {
                case ENGINE -> Passes.optimizeOperators(m, types);
                case EAGER -> asWritten(m, types);
            };
            use.accept(i, Planner.plan(planned, types, Workers.single()));
        }
    }

    /** The model with its constant subgraphs (shape arithmetic) folded and nothing else changed. */
    private static Model asWritten(Model m, Map<String, TensorType> types) {
        Graph g = m.graph();
        for (Pass p : List.<Pass>of(new ConstantFolding(m.opsets(), types), new DeadCodeElimination())) {
            g = p.apply(g);
        }
        return m.withGraph(g);
    }

    /** Plans and lowers the entry in the engine style of fusion. */
    public static LoweredModel lower(Entry t, Precision p, Gpu gpu) {
        return lower(List.of(t), p, gpu).getFirst();
    }

    /** Plans and lowers every entry in the engine style of fusion. */
    public static List<LoweredModel> lower(List<Entry> tenants, Precision p, Gpu gpu) {
        return lower(tenants, p, gpu, Lowering.Fusion.ENGINE);
    }

    /** Plans and lowers every entry in the given style of fusion. */
    public static List<LoweredModel> lower(List<Entry> tenants, Precision p, Gpu gpu, Lowering.Fusion fusion) {
        List<LoweredModel> out = new ArrayList<>();
        forEachPlan(tenants, fusion, (i, plan) -> out.add(Lowering.lower(tenants.get(i).label(), plan, p, gpu, fusion)));
        return out;
    }
}
