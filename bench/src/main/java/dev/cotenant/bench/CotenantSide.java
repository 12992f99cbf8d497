package dev.cotenant.bench;

import dev.cotenant.ir.Model;
import dev.cotenant.ir.Tensor;
import dev.cotenant.kernels.Workers;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Footprint;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import java.util.Map;

/** Cotenant as a user runs it: import, standard passes, a static plan on its own worker pool. */
final class CotenantSide implements Side {

    static final String NAME = "cotenant";

    private final Workers workers;
    private final Plan plan;
    private final Map<String, Tensor> feeds;

    CotenantSide(ModelCase w, int threads) {
        this.workers = Workers.create(threads);
        // Planning must not carry three copies of the weights: the imported model goes as soon as
        // the optimised one exists, and packing reuses its space (see Footprint).
        Model imported = OnnxImport.load(w.file());
        long importedBytes = Footprint.weightBytes(imported);
        Model optimized = Passes.optimize(imported, w.types());
        imported = null;
        Footprint.released(importedBytes);
        this.plan = Planner.plan(optimized, w.types(), workers);
        this.feeds = w.feeds();
    }

    @Override
    public String engine() {
        return NAME;
    }

    @Override
    public void run() {
        plan.run(feeds);
    }

    @Override
    public void close() {
        workers.close();
    }
}
