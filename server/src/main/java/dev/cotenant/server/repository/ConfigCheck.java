package dev.cotenant.server.repository;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.cotenant.ir.ModelException;
import dev.cotenant.server.config.ModelConfig;
import dev.cotenant.server.config.ModelInput;
import dev.cotenant.server.config.ModelInstanceGroup;
import dev.cotenant.server.config.ModelOutput;
import dev.cotenant.server.config.ModelQueuePolicy;
import dev.cotenant.server.protocol.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Cotenant does with each setting of a {@code config.pbtxt} that parsed against Triton's
 * schema. Three answers, by the setting's path in the message:
 * <ul>
 * <li><b>honoured</b> ({@link #HONOURED}): it changes how the model is served;</li>
 * <li><b>refused</b> ({@link #REFUSED}): serving the model without it would answer wrongly
 * (sequences, ensembles, decoupled responses), so the model does not load;</li>
 * <li>anything else that is set is <b>read but not honoured</b>: a warning naming the setting,
 * and the model loads as if it were absent, so an existing Triton repository still serves.</li>
 * </ul>
 * A few honoured settings have values that are not ({@code timeout_action: DELAY}, an instance
 * group of kind GPU); those values are warned about the same way. The inputs and outputs a file
 * declares are checked against the model once it is loaded ({@link #declarations}).
 */
final class ConfigCheck {

    /** Settings that change how the model is served; a message path here is walked into. */
    static final Set<String> HONOURED = Set.of(
            "name", "platform", "backend", "max_batch_size", "default_model_filename", "parameters",
            "version_policy", "version_policy.latest", "version_policy.latest.num_versions", "version_policy.all",
            "version_policy.specific", "version_policy.specific.versions",
            "input", "input.name", "input.data_type", "input.dims", "output", "output.name", "output.data_type", "output.dims",
            "dynamic_batching", "dynamic_batching.preferred_batch_size", "dynamic_batching.max_queue_delay_microseconds",
            "dynamic_batching.priority_levels", "dynamic_batching.default_priority_level", "dynamic_batching.default_queue_policy",
            "dynamic_batching.default_queue_policy.timeout_action", "dynamic_batching.default_queue_policy.default_timeout_microseconds",
            "dynamic_batching.default_queue_policy.allow_timeout_override", "dynamic_batching.default_queue_policy.max_queue_size",
            "optimization", "optimization.priority",
            "instance_group", "instance_group.name", "instance_group.count", "instance_group.kind");

    /** Settings without which the model would be served wrongly: each is an error, with why. */
    static final Map<String, String> REFUSED = Map.of(
            "sequence_batching", "sequence batching (stateful models fed by correlation id) is not supported",
            "ensemble_scheduling", "ensembles are not supported: serve each model of the pipeline on its own",
            "model_transaction_policy.decoupled", "decoupled models (any number of responses per request) are not supported");

    /** Parameters Cotenant reads; other keys are warned about. */
    static final Set<String> PARAMETERS = Set.of("slo_ms", "max_queue_size");

    private static final Set<String> PLATFORMS = Set.of("", "onnxruntime_onnx");
    private static final Set<String> BACKENDS = Set.of("", "onnxruntime", "cotenant");

    private ConfigCheck() {}

    /** Warnings for every setting of {@code c} that is read but not honoured; throws for a refused one. */
    static List<String> check(ModelConfig c, String where) {
        Set<String> unhonoured = new LinkedHashSet<>();
        walk(c, "", unhonoured, where);
        List<String> warnings = new ArrayList<>();
        for (String path : unhonoured) {
            warnings.add(where + ": " + path + " is read but not honoured by Cotenant (it has no effect)");
        }
        for (String key : c.getParametersMap().keySet()) {
            if (!PARAMETERS.contains(key)) {
                warnings.add(where + ": parameter '" + key + "' is not read by Cotenant (it reads " + String.join(" and ", PARAMETERS.stream().sorted().toList()) + ")");
            }
        }
        if (!PLATFORMS.contains(c.getPlatform())) {
            warnings.add(where + ": platform '" + c.getPlatform() + "' is not honoured: Cotenant runs the version folder's ONNX file on its own engine");
        }
        if (!BACKENDS.contains(c.getBackend())) {
            warnings.add(where + ": backend '" + c.getBackend() + "' is not honoured: Cotenant runs the version folder's ONNX file on its own engine");
        }
        if (c.getDynamicBatching().getDefaultQueuePolicy().getTimeoutAction() == ModelQueuePolicy.TimeoutAction.DELAY) {
            warnings.add(where + ": dynamic_batching.default_queue_policy.timeout_action DELAY is not honoured: a request that times out in the queue is refused (REJECT)");
        }
        for (ModelInstanceGroup g : c.getInstanceGroupList()) {
            if (g.getKind() == ModelInstanceGroup.Kind.KIND_GPU || g.getKind() == ModelInstanceGroup.Kind.KIND_MODEL) {
                warnings.add(where + ": instance_group kind " + g.getKind() + " is not honoured: every instance runs on the server's --device");
            }
        }
        return warnings;
    }

    private static void walk(Message m, String prefix, Set<String> unhonoured, String where) {
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            String path = prefix.isEmpty() ? f.getName() : prefix + "." + f.getName();
            String refused = REFUSED.get(path);
            if (refused != null) {
                throw new ModelException(where + ": " + path + ": " + refused);
            }
            boolean refusedBelow = REFUSED.keySet().stream().anyMatch(k -> k.startsWith(path + "."));
            if (!HONOURED.contains(path) && !refusedBelow) {
                unhonoured.add(path);
            } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isMapField()) {
                if (f.isRepeated()) {
                    for (Object o : (List<?>) e.getValue()) {
                        walk((Message) o, path, unhonoured, where);
                    }
                } else {
                    walk((Message) e.getValue(), path, unhonoured, where);
                }
            }
        }
    }

    /**
     * Checks the inputs and outputs {@code c} declares against the model's: each must name one of
     * the model's, with its data type, and dimensions (without the batch dimension when the model
     * batches) that agree where both are fixed. Returns warnings for a dimension the file fixes
     * that the model leaves free (Cotenant accepts any size there).
     */
    static List<String> declarations(ModelConfig c, List<TensorSpec> inputs, List<TensorSpec> outputs, boolean batched, String where) {
        List<String> warnings = new ArrayList<>();
        for (ModelInput in : c.getInputList()) {
            check("input", in.getName(), in.getDataType(), in.getDimsList(), inputs, batched, where, warnings);
        }
        for (ModelOutput out : c.getOutputList()) {
            check("output", out.getName(), out.getDataType(), out.getDimsList(), outputs, batched, where, warnings);
        }
        return warnings;
    }

    private static void check(String kind, String name, dev.cotenant.server.config.DataType type, List<Long> dims, List<TensorSpec> specs,
                              boolean batched, String where, List<String> warnings) {
        TensorSpec spec = specs.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new ModelException(
                where + ": " + kind + " '" + name + "' is not an " + kind + " of the model (its " + kind + "s: "
                        + String.join(", ", specs.stream().map(TensorSpec::name).toList()) + ")"));
        if (type != dev.cotenant.server.config.DataType.TYPE_INVALID && type != EffectiveConfig.dataType(spec.datatype())) {
            throw new ModelException(where + ": " + kind + " '" + name + "' is declared " + type + " but the model's is "
                    + EffectiveConfig.dataType(spec.datatype()));
        }
        if (dims.isEmpty()) {
            return;
        }
        long[] model = EffectiveConfig.dims(spec, batched);
        if (model.length != dims.size()) {
            throw new ModelException(where + ": " + kind + " '" + name + "' is declared with dims " + dims + " but the model's are "
                    + Arrays.toString(model) + (batched ? " (without the batch dimension, since max_batch_size > 0)" : ""));
        }
        for (int i = 0; i < model.length; i++) {
            long d = dims.get(i);
            if (d >= 0 && model[i] >= 0 && d != model[i]) {
                throw new ModelException(where + ": " + kind + " '" + name + "' is declared with dims " + dims + " but the model's are "
                        + Arrays.toString(model));
            }
            if (d >= 0 && model[i] < 0) {
                warnings.add(where + ": " + kind + " '" + name + "' fixes dimension " + i + " to " + d
                        + ", which the model leaves free: Cotenant accepts any size there");
            }
        }
    }
}
