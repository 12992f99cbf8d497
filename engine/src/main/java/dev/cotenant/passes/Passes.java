package dev.cotenant.passes;

import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.TensorType;
import java.util.List;
import java.util.Map;

/** The standard optimisation pipeline, run on a model before it is planned. */
public final class Passes {

    private Passes() {}

    /** The passes in order, for a model whose inputs have the given concrete types. */
    public static List<Pass> standard(Map<String, Integer> opsets, Map<String, TensorType> inputTypes) {
        return List.of(
                new ConstantFolding(opsets, inputTypes),
                new DeadCodeElimination(),
                new BatchNormFolding(),
                new GeluFusion(),
                new SwishFusion(),
                new MatMulFusion(),
                new ActivationFusion(),
                new DeadCodeElimination());
    }

    /**
     * Runs the standard pipeline, then moves convolutional parts into the CPU kernels' blocked
     * layout ({@link BlockedLayout}): what a model runs as on this engine.
     */
    public static Model optimize(Model m, Map<String, TensorType> inputTypes) {
        Model o = optimizeOperators(m, inputTypes);
        return o.withGraph(new BlockedLayout(inputTypes).apply(o.graph()));
    }

    /**
     * Runs the standard pipeline only: the graph keeps ONNX-level operators and layouts, for lowering
     * to another device (the simulated GPU shapes its kernels from them).
     */
    public static Model optimizeOperators(Model m, Map<String, TensorType> inputTypes) {
        Graph g = m.graph();
        for (Pass p : standard(m.opsets(), inputTypes)) {
            g = p.apply(g);
        }
        return m.withGraph(g);
    }
}
