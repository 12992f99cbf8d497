package dev.cotenant.kernels;

import dev.cotenant.ir.Model;
import dev.cotenant.ir.SampleInputs;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * One model planned on the engine of the class loader that loaded this class: {@link #getAsLong}
 * runs it once and returns the nanoseconds. Compiled against one engine and loaded once per engine
 * by {@code EngineAB}, so that two builds run side by side in one JVM.
 */
public final class ModelRun implements LongSupplier {

    private final Plan plan;
    private final Map<String, Tensor> feeds;

    public ModelRun(String file, int threads) throws Exception {
        Workers w = Workers.create(threads);
        Model m = OnnxImport.load(Path.of(file));
        feeds = SampleInputs.of(m.graph().feeds(), new SampleInputs.Sizes(Map.of(), 1, file, "--dim "), new SplittableRandom(7));
        Map<String, TensorType> types = new LinkedHashMap<>();
        feeds.forEach((k, v) -> types.put(k, new TensorType(v.dataType(), Shape.of(v.shape()))));
        plan = Planner.plan(Passes.optimize(m, types), types, w);
    }

    @Override
    public long getAsLong() {
        long t0 = System.nanoTime();
        plan.run(feeds, null);
        return System.nanoTime() - t0;
    }
}
