package dev.cotenant.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX Runtime's CPU provider through its Java binding, configured as the comparison promises: the
 * same intra-op thread count as Cotenant, one inter-op thread, sequential execution, every graph
 * optimisation on. Inputs are created once, outside the timed runs, as Cotenant's are.
 */
final class OnnxRuntimeSide implements Side {

    static final String NAME = "onnxruntime";

    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();

    OnnxRuntimeSide(ModelCase w, int threads) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(w.file().toString(), options);
        for (Map.Entry<String, Tensor> e : w.feeds().entrySet()) {
            Tensor t = e.getValue();
            long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
            inputs.put(e.getKey(), t.dataType() == DataType.FLOAT
                    ? OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toFloatArray()), shape)
                    : OnnxTensor.createTensor(env, LongBuffer.wrap(t.toLongArray()), shape));
        }
    }

    /** The version of the native library, for reports. */
    static String version() {
        return OrtEnvironment.getEnvironment().getVersion();
    }

    @Override
    public String engine() {
        return NAME;
    }

    @Override
    public void run() throws OrtException {
        session.run(inputs).close();
    }

    @Override
    public void close() {
        inputs.values().forEach(OnnxTensor::close);
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
        options.close();
    }
}
