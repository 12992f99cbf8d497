package dev.cotenant.server.repository;

import dev.cotenant.server.config.DataType;
import dev.cotenant.server.config.ModelConfig;
import dev.cotenant.server.config.ModelDynamicBatching;
import dev.cotenant.server.config.ModelInput;
import dev.cotenant.server.config.ModelInstanceGroup;
import dev.cotenant.server.config.ModelOptimizationPolicy;
import dev.cotenant.server.config.ModelOutput;
import dev.cotenant.server.config.ModelQueuePolicy;
import dev.cotenant.server.config.ModelVersionPolicy;
import dev.cotenant.server.protocol.Datatype;
import dev.cotenant.server.protocol.TensorSpec;
import dev.cotenant.server.serving.ModelSettings;
import dev.cotenant.server.serving.ServedModel;
import java.util.Arrays;

/**
 * The configuration a model version is served with, in Triton's {@code ModelConfig} shape: what
 * {@code GET /v2/models/M/config} and the gRPC {@code ModelConfig} answer, and what perf_analyzer
 * and Triton's clients read before they send anything (the inputs and outputs with their types and
 * dimensions, {@code max_batch_size}, whether requests are batched dynamically).
 *
 * <p>It says what the server does, not what the file asked for: dimensions come from the model,
 * the batching, queue and priority settings are those in force (defaults included), the instance
 * count is the one honoured, and settings that are not honoured are left out. The model's own
 * parameters are passed through as written.
 */
final class EffectiveConfig {

    /** The platform reported: Triton's name for an ONNX model, which is what a version folder holds. */
    static final String PLATFORM = "onnxruntime_onnx";

    /** The backend reported: the engine that runs the model. */
    static final String BACKEND = "cotenant";

    private EffectiveConfig() {}

    /** The configuration of {@code m}, loaded with {@code file}'s settings (empty when there was no file). */
    static ModelConfig of(ModelConfig file, ServedModel m) {
        ModelSettings s = m.settings();
        boolean batched = s.maxBatchSize() > 0;
        ModelConfig.Builder b = ModelConfig.newBuilder()
                .setName(m.name())
                .setPlatform(PLATFORM)
                .setBackend(BACKEND)
                .setVersionPolicy(file.hasVersionPolicy() ? file.getVersionPolicy()
                        : ModelVersionPolicy.newBuilder().setLatest(ModelVersionPolicy.Latest.newBuilder().setNumVersions(1)).build())
                .setMaxBatchSize(s.maxBatchSize())
                .setDefaultModelFilename(m.file().getFileName().toString())
                .putAllParameters(file.getParametersMap());
        for (TensorSpec in : m.inputs()) {
            b.addInput(ModelInput.newBuilder().setName(in.name()).setDataType(dataType(in.datatype()))
                    .setFormat(ModelInput.Format.FORMAT_NONE).addAllDims(boxed(dims(in, batched))));
        }
        for (TensorSpec out : m.outputs()) {
            b.addOutput(ModelOutput.newBuilder().setName(out.name()).setDataType(dataType(out.datatype())).addAllDims(boxed(dims(out, batched))));
        }
        if (batched) {
            b.setDynamicBatching(ModelDynamicBatching.newBuilder()
                    .addAllPreferredBatchSize(Arrays.stream(s.preferredBatch()).boxed().toList())
                    .setMaxQueueDelayMicroseconds(s.maxQueueDelayUs())
                    .setPriorityLevels(s.priorityLevels())
                    .setDefaultPriorityLevel(s.defaultPriority())
                    .setDefaultQueuePolicy(ModelQueuePolicy.newBuilder()
                            .setTimeoutAction(ModelQueuePolicy.TimeoutAction.REJECT)
                            .setDefaultTimeoutMicroseconds(s.timeoutUs())
                            .setAllowTimeoutOverride(s.allowTimeoutOverride())
                            .setMaxQueueSize(s.maxQueueSize())));
        }
        b.addInstanceGroup(ModelInstanceGroup.newBuilder().setName(m.name() + "_0").setKind(ModelInstanceGroup.Kind.KIND_CPU)
                .setCount(s.instances()));
        b.setOptimization(ModelOptimizationPolicy.newBuilder().setPriority(switch (s.tenantPriority()) {
            case 0 -> ModelOptimizationPolicy.ModelPriority.PRIORITY_MAX;
            case 2 -> ModelOptimizationPolicy.ModelPriority.PRIORITY_MIN;
            default -> ModelOptimizationPolicy.ModelPriority.PRIORITY_DEFAULT;
        }));
        return b.build();
    }

    /** Triton's data type of a protocol datatype: {@code TYPE_} and the name, BYTES being {@code TYPE_STRING}. */
    static DataType dataType(Datatype d) {
        return d == Datatype.BYTES ? DataType.TYPE_STRING : DataType.valueOf("TYPE_" + d.name());
    }

    /** A tensor's dimensions as a config gives them: without the batch dimension when the model batches. */
    static long[] dims(TensorSpec s, boolean batched) {
        long[] shape = s.shape();
        return batched && shape.length > 0 ? Arrays.copyOfRange(shape, 1, shape.length) : shape;
    }

    private static java.util.List<Long> boxed(long[] a) {
        return Arrays.stream(a).boxed().toList();
    }
}
