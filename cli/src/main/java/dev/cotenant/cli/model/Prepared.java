package dev.cotenant.cli.model;

import dev.cotenant.ir.Model;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import java.util.List;
import java.util.Map;

/** A model with its inputs resolved and Cotenant's passes run for their types: ready to plan. */
record Prepared(Model model, Model optimized, Map<String, Tensor> feeds, Map<String, TensorType> types) {

    /** {@code where}, the model's file, starts any message about its inputs. */
    static Prepared of(Model model, String where, List<String> inputSpecs, List<String> dimSpecs, boolean random, long seed) {
        Map<String, Tensor> feeds = Inputs.resolve(model.graph(), inputSpecs, dimSpecs, random, seed, where);
        Map<String, TensorType> types = Inputs.types(feeds);
        return new Prepared(model, Passes.optimize(model, types), feeds, types);
    }

    Plan plan(Workers workers) {
        return Planner.plan(optimized, types, workers);
    }
}
