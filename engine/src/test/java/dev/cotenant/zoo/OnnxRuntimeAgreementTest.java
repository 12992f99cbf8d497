package dev.cotenant.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.kernels.Workers;
import dev.cotenant.onnx.OnnxExport;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Planner;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whole-graph agreement with ONNX Runtime: a zoo model is exported to ONNX bytes, the same bytes
 * are run by ONNX Runtime (all graph optimisations on) and by Cotenant (after its passes, with two
 * threads), on the same random inputs, and every output must agree within 1e-4 relative error
 * (1e-5 absolute near zero).
 */
class OnnxRuntimeAgreementTest {

    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    @ParameterizedTest(name = "{0} batch {1}")
    @CsvSource({"resnet18, 1", "mobilenetv2, 2", "bert-tiny, 2"})
    void agreesWithOnnxRuntime(String name, int batch) throws Exception {
        Model model = Zoo.build(name, batch, 11);
        byte[] bytes = OnnxExport.toBytes(model);
        Model loaded = OnnxImport.load(bytes, null);
        Map<String, Tensor> feeds = randomFeeds(loaded);
        Map<String, TensorType> types = new LinkedHashMap<>();
        feeds.forEach((k, v) -> types.put(k, v.type()));

        Map<String, Tensor> ours;
        try (Workers w = Workers.create(2)) {
            ours = Planner.plan(Passes.optimize(loaded, types), types, w).run(feeds);
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(bytes, opts)) {
                Map<String, OnnxTensor> ortFeeds = new HashMap<>();
                for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
                    Tensor t = e.getValue();
                    long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
                    ortFeeds.put(e.getKey(), t.dataType() == DataType.FLOAT
                            ? OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), shape)
                            : OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), shape));
                }
                try (OrtSession.Result result = session.run(ortFeeds)) {
                    for (ValueInfo out : loaded.graph().outputs()) {
                        OnnxValue v = result.get(out.name()).orElseThrow();
                        OnnxTensor ot = (OnnxTensor) v;
                        float[] expected = new float[(int) Arrays.stream(ot.getInfo().getShape()).reduce(1, (a, b) -> a * b)];
                        ot.getFloatBuffer().get(expected);
                        Tensor got = ours.get(out.name());
                        assertArrayEquals(Arrays.stream(ot.getInfo().getShape()).mapToInt(x -> (int) x).toArray(), got.shape(), out.name());
                        compare(name + " " + out.name(), expected, got);
                    }
                }
                ortFeeds.values().forEach(OnnxTensor::close);
            }
        }
    }

    private static void compare(String what, float[] expected, Tensor got) {
        assertEquals(expected.length, got.size(), what);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double g = got.getDouble(i);
            double excess = Math.abs(e - g) - (ATOL + RTOL * Math.abs(e));
            if (excess > worst || Double.isNaN(g) != Double.isNaN(e)) {
                worst = Double.isNaN(excess) ? Double.POSITIVE_INFINITY : excess;
                worstAt = i;
            }
        }
        if (worstAt >= 0) {
            fail(what + ": element " + worstAt + " expected " + expected[worstAt] + " got " + got.getDouble(worstAt)
                    + " (beyond rtol " + RTOL + ", atol " + ATOL + ")");
        }
    }

    private static Map<String, Tensor> randomFeeds(Model m) {
        SplittableRandom r = new SplittableRandom(5);
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (ValueInfo in : m.graph().feeds()) {
            Tensor t = Tensor.allocate(in.type().dataType(), in.type().dims());
            for (int i = 0; i < t.size(); i++) {
                if (in.name().contains("mask")) {
                    t.setLong(i, i % 17 < 13 ? 1 : 0);
                } else if (t.dataType() == DataType.INT64) {
                    t.setLong(i, r.nextInt(30522));
                } else {
                    t.setDouble(i, r.nextDouble(-1, 1));
                }
            }
            feeds.put(in.name(), t);
        }
        return feeds;
    }
}
