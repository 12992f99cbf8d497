package dev.cotenant.ops;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.kernels.Workers;
import dev.cotenant.onnx.OnnxExport;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import dev.cotenant.runtime.Step;
import dev.cotenant.zoo.Zoo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A side-by-side run of whole zoo models on Cotenant and ONNX Runtime, by hand (never a test):
 * {@code ConvModelBench resnet50 mobilenetv2 bert-base [threads]}. Prints milliseconds per
 * inference, batch 1, at the same thread count, and where Cotenant's time goes by operator type.
 */
public final class ConvModelBench {

    private ConvModelBench() {}

    public static void main(String[] args) throws Exception {
        int threads = 2;
        for (String a : args) {
            if (a.matches("\\d+")) {
                threads = Integer.parseInt(a);
            }
        }
        try (Workers w = Workers.create(threads)) {
            for (String name : args) {
                if (!name.matches("\\d+")) {
                    bench(name, w, threads);
                }
            }
        }
    }

    private static void bench(String name, Workers w, int threads) throws Exception {
        Model raw = Zoo.build(name, 1, 1);
        Map<String, Tensor> feeds = new HashMap<>();
        Map<String, TensorType> types = new HashMap<>();
        Random r = new Random(1);
        for (ValueInfo in : raw.graph().feeds()) {
            TensorType t = in.type();
            Tensor x = Tensor.allocate(t.dataType(), t.dims());
            for (int i = 0; i < x.size(); i++) {
                x.setDouble(i, t.dataType() == DataType.FLOAT ? r.nextFloat() : r.nextInt(100));
            }
            feeds.put(in.name(), x);
            types.put(in.name(), t);
        }
        Model m = Passes.optimize(raw, types);
        Plan plan = Planner.plan(m, types, w);
        long[] nanos = new long[plan.steps().size()];
        for (int i = 0; i < Integer.getInteger("warmup", 5); i++) {
            plan.run(feeds);
        }
        int reps = 10;
        long best = Long.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            plan.run(feeds, nanos);
            best = Math.min(best, System.nanoTime() - t0);
        }
        Map<String, Long> byType = new TreeMap<>();
        for (int s = 0; s < nanos.length; s++) {
            Step st = plan.steps().get(s);
            byType.merge(st.node().opType(), nanos[s] / reps, Long::sum);
        }
        double ort = ortMillis(raw, feeds, threads);
        System.out.printf(Locale.ROOT, "%-12s %d threads: cotenant %.1f ms, onnxruntime %.1f ms, ratio %.2f%n",
                name, threads, best / 1e6, ort, ort / (best / 1e6));
        if (System.getProperty("steps") != null) {
            for (int s = 0; s < nanos.length; s++) {
                Step st = plan.steps().get(s);
                Cost c = st.op().cost();
                System.out.printf(Locale.ROOT, "    %-10s %-28s %7.3f ms %6.1f GFLOP/s  %s%n", st.node().opType(),
                        st.inputs()[0].type(), nanos[s] / reps / 1e6, c.flops() / (nanos[s] / (double) reps), st.outputs()[0].type());
            }
        }
        byType.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(8)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %-22s %7.2f ms%n", e.getKey(), e.getValue() / 1e6));
    }

    private static double ortMillis(Model m, Map<String, Tensor> feeds, int threads) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        try (OrtSession s = env.createSession(OnnxExport.toBytes(m), o)) {
            Map<String, OnnxTensor> in = new HashMap<>();
            for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
                Tensor t = e.getValue();
                long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
                in.put(e.getKey(), t.dataType() == DataType.FLOAT
                        ? OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), shape)
                        : OnnxTensor.createTensor(env, LongBuffer.wrap(t.toLongArray()), shape));
            }
            for (int i = 0; i < 5; i++) {
                s.run(in).close();
            }
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 10; i++) {
                long t0 = System.nanoTime();
                s.run(in).close();
                best = Math.min(best, System.nanoTime() - t0);
            }
            return best / 1e6;
        }
    }
}
