package dev.cotenant.bench;

import dev.cotenant.ir.Tensor;
import dev.cotenant.kernels.Workers;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import java.util.Map;

/** Cotenant as a user runs it: import, standard passes, a static plan on its own worker pool. */
final class CotenantSide implements Side {

    static final String NAME = "cotenant";

    private final Workers workers;
    private final Plan plan;
    private final Map<String, Tensor> feeds;

    CotenantSide(Workload w, int threads) {
        this.workers = Workers.create(threads);
        // No local holds the imported or the optimised model: each becomes garbage as soon as the
        // next stage has what it needs, so planning does not carry three copies of the weights.
        this.plan = Planner.plan(Passes.optimize(OnnxImport.load(w.file()), w.types()), w.types(), workers);
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
