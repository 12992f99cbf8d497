package dev.cotenant.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every zoo model, exported to ONNX and read back, gives what ONNX Runtime computes from the same
 * file on the same inputs: within 1e-4 relative error, 1e-5 absolute near zero. This checks the
 * whole path at once (export, import, passes, planning, every kernel) on CNN, detector,
 * segmentation and transformer graphs at their real scale, with random weights.
 *
 * <p>"Near zero" is measured in units of the output's magnitude: an element that is a sum of
 * terms of size S carries FP32 rounding of about 1e-7 S whatever its own value, so two correct
 * engines that sum in different orders differ by that much on an element that happens to land
 * near zero (ResNet-50's logits here reach 6e3, and one of them is -0.7). The absolute tolerance is
 * therefore 1e-5 times the largest |value| of the output, and the relative error of the whole
 * tensor (2-norm of the difference over 2-norm of the reference) must also stay under 1e-5.
 */
class ZooVsOnnxRuntimeTest {

    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;
    private static final double NORM_RTOL = 1e-5;

    private static Workers workers;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        workers = Workers.create(Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    @AfterAll
    static void stop() {
        workers.close();
    }

    @ParameterizedTest(name = "{0} batch {1}")
    @CsvSource({
        "resnet18, 2", "resnet50, 1", "mobilenetv2, 2", "efficientnet-b0, 1", "vgg16, 1",
        "yolov4-tiny, 1", "unet, 1", "bert-tiny, 2", "bert-base, 1"})
    void matchesOnnxRuntime(String name, int batch) throws Exception {
        Path file = dir.resolve(name + ".onnx");
        OnnxExport.write(Zoo.build(name, batch, 11), file);
        Model m = OnnxImport.load(file);
        Map<String, Tensor> feeds = inputs(m, new SplittableRandom(5));
        Map<String, TensorType> types = new LinkedHashMap<>();
        feeds.forEach((k, v) -> types.put(k, v.type()));
        Plan plan = Planner.plan(Passes.optimize(m, types), types, workers);
        Map<String, Tensor> ours = plan.run(feeds);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(file.toString(), options)) {
                Map<String, OnnxTensor> ortIn = new HashMap<>();
                try {
                    for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
                        ortIn.put(e.getKey(), toOrt(env, e.getValue()));
                    }
                    try (OrtSession.Result result = session.run(ortIn)) {
                        assertEquals(m.graph().outputs().size(), result.size());
                        for (ValueInfo out : m.graph().outputs()) {
                            OnnxTensor t = (OnnxTensor) result.get(out.name()).orElseThrow();
                            compare(name + " output " + out.name(), ours.get(out.name()), t);
                        }
                    }
                } finally {
                    ortIn.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    private static Map<String, Tensor> inputs(Model m, SplittableRandom rnd) {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (ValueInfo in : m.graph().feeds()) {
            Tensor t = Tensor.allocate(in.type().dataType(), in.type().dims());
            boolean mask = in.name().contains("mask");
            for (int i = 0; i < t.size(); i++) {
                switch (in.type().dataType()) {
                    case FLOAT -> t.setDouble(i, rnd.nextDouble());
                    case INT64 -> t.setLong(i, mask ? (i % 128 < 100 ? 1 : 0) : rnd.nextInt(1000));
                    default -> throw new AssertionError("zoo input of type " + in.type());
                }
            }
            feeds.put(in.name(), t);
        }
        return feeds;
    }

    private static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws Exception {
        long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
        return switch (t.dataType()) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toFloatArray()), shape);
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.toLongArray()), shape);
            default -> throw new AssertionError("unexpected input type " + t.dataType());
        };
    }

    /** Element-wise |ours - theirs| <= ATOL max|theirs| + RTOL |theirs|, after the shapes agree exactly. */
    private static void compare(String what, Tensor ours, OnnxTensor theirs) {
        long[] expectedShape = theirs.getInfo().getShape();
        assertArrayEquals(expectedShape, java.util.Arrays.stream(ours.shape()).asLongStream().toArray(), what + ": shape");
        assertEquals(DataType.FLOAT, ours.dataType(), what + ": type");
        FloatBuffer fb = theirs.getFloatBuffer();
        float[] got = ours.toFloatArray();
        double worst = 0;
        int worstAt = -1;
        double scale = 0;
        for (int i = 0; i < got.length; i++) {
            scale = Math.max(scale, Math.abs(fb.get(i)));
        }
        assertTrue(scale > 0, what + ": ONNX Runtime's output is all zeros, so the comparison would prove nothing");
        for (int i = 0; i < got.length; i++) {
            double want = fb.get(i);
            double excess = Math.abs(got[i] - want) / (ATOL * scale + RTOL * Math.abs(want));
            if (!(excess <= worst)) {
                worst = excess;
                worstAt = i;
            }
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < got.length; i++) {
            num += (got[i] - fb.get(i)) * (double) (got[i] - fb.get(i));
            den += fb.get(i) * (double) fb.get(i);
        }
        double normRel = Math.sqrt(num / den);
        assertTrue(normRel <= NORM_RTOL, what + ": relative error of the whole tensor " + normRel);
        int at = worstAt;
        double w = worst;
        assertTrue(worst <= 1, () -> String.format(Locale.ROOT,
                "%s: element %d is %s, ONNX Runtime says %s (%.2fx the tolerance)", what, at, got[at], fb.get(at), w));
    }
}
