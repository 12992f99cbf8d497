package dev.cotenant.server.repository;

import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.runtime.Plan;
import dev.cotenant.server.protocol.Datatype;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.protocol.TensorSpec;
import dev.cotenant.server.serving.ModelPlans;
import dev.cotenant.server.serving.ModelSettings;
import dev.cotenant.server.serving.ServedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loading one model version from its folder: {@code modelDir/version/model.onnx} (or the config's
 * {@code default_model_filename}) with the settings of {@code modelDir/config.pbtxt}, planned once for a single sample (which checks that every
 * operator is supported and gives the outputs' types) and made ready to serve.
 */
public final class ModelFolder {

    private static final Logger LOG = LoggerFactory.getLogger(Repository.class);

    private ModelFolder() {}

    /** {@link #load(String, String, Path, int, int)} without warm-up runs. */
    public static ServedModel load(String name, String version, Path modelDir, int cores) {
        return load(name, version, modelDir, cores, 0);
    }

    /**
     * Loads version {@code version} of model {@code name} from {@code modelDir} with plans of up to
     * {@code cores} threads, and runs every plan made up front {@code warmupRuns} times on zero
     * inputs before the model is published, so that the first requests do not run the kernels
     * interpreted (Triton's model warm-up, without sample files). The folder's config file is
     * read here; {@link Repository} reads it once for all versions instead.
     */
    public static ServedModel load(String name, String version, Path modelDir, int cores, int warmupRuns) {
        return load(name, version, modelDir, ConfigFile.read(modelDir, name), cores, warmupRuns);
    }

    /** Loads as {@link #load(String, String, Path, int, int)} does, with the model's config already read. */
    static ServedModel load(String name, String version, Path modelDir, ConfigFile.Read config, int cores, int warmupRuns) {
        Path file = modelDir.resolve(version).resolve(ConfigFile.modelFile(config.config(), config.where()));
        Model m = OnnxImport.load(file);
        List<ValueInfo> feeds = m.graph().feeds();
        if (feeds.isEmpty()) {
            throw new ModelException(file + ": the model has no inputs to feed");
        }
        boolean batchable = true;
        boolean concrete = true;
        List<TensorSpec> ins = new ArrayList<>();
        for (ValueInfo v : feeds) {
            if (v.type() == null) {
                throw new ModelException(file + ": input '" + v.name() + "' has no declared type");
            }
            Datatype dt;
            try {
                dt = Datatype.of(v.type().dataType());
            } catch (InferError e) {
                throw new ModelException(file + ": input '" + v.name() + "' has type " + v.type().dataType().onnxName() + ", which the server cannot carry");
            }
            int[] d = v.type().dims();
            batchable &= d.length > 0 && d[0] < 0;
            for (int i = 1; i < d.length; i++) {
                concrete &= d[i] >= 0;
            }
            ins.add(new TensorSpec(v.name(), dt, Arrays.stream(d).mapToLong(x -> x < 0 ? -1 : x).toArray()));
        }
        ModelSettings settings = ConfigFile.settings(config, batchable);
        ModelPlans plans = new ModelPlans(m, cores, settings.instances());
        try {
            List<TensorSpec> outs = describeOutputs(file, m, plans, ins, settings);
            ConfigCheck.declarations(config.config(), ins, outs, settings.maxBatchSize() > 0, config.where()).forEach(LOG::warn);
            if (settings.maxBatchSize() > 0 && concrete) {
                warm(plans, freeDimsAt(ins, 1), settings, warmupRuns);
            }
            return new ServedModel(name, version, file, settings, ins, outs, plans);
        } catch (RuntimeException e) {
            plans.close();
            throw e;
        }
    }

    /**
     * The outputs' metadata, learnt by planning the model: free input dimensions are set to 1 and
     * then to 2, and an output dimension that changes between the two is free (-1). The first
     * plan also proves that every operator of the model can run, so a model that cannot fails
     * at load, not on its first request.
     */
    private static List<TensorSpec> describeOutputs(Path file, Model m, ModelPlans plans, List<TensorSpec> ins, ModelSettings settings) {
        Plan p1 = plans.plan(freeDimsAt(ins, 1), 1);
        boolean free = ins.stream().anyMatch(s -> Arrays.stream(s.shape()).anyMatch(x -> x < 0));
        Plan p2 = free ? plans.plan(freeDimsAt(ins, 2), 1) : p1;
        List<TensorSpec> outs = new ArrayList<>();
        for (ValueInfo o : m.graph().outputs()) {
            TensorType a = p1.valueTypes().get(o.name());
            TensorType b = p2.valueTypes().get(o.name());
            if (a == null || b == null) {
                throw new ModelException(file + ": cannot tell the type of output '" + o.name() + "'");
            }
            int[] da = a.dims();
            int[] db = b.dims();
            long[] shape = new long[da.length];
            for (int i = 0; i < da.length; i++) {
                shape[i] = da.length == db.length && da[i] == db[i] ? da[i] : -1;
            }
            if (settings.maxBatchSize() > 0 && shape.length > 0) {
                shape[0] = -1;
            }
            outs.add(new TensorSpec(o.name(), Datatype.of(a.dataType()), shape));
        }
        return outs;
    }

    private static Map<String, TensorType> freeDimsAt(List<TensorSpec> ins, int value) {
        Map<String, TensorType> types = new LinkedHashMap<>();
        for (TensorSpec s : ins) {
            int[] d = Arrays.stream(s.shape()).mapToInt(x -> x < 0 ? value : (int) x).toArray();
            types.put(s.name(), new TensorType(s.datatype().engine(), Shape.of(d)));
        }
        return types;
    }

    /** Makes and runs the plans of every planned batch size up front ({@link ModelPlans#warm}), so no request pays for planning. */
    private static void warm(ModelPlans plans, Map<String, TensorType> one, ModelSettings settings, int runs) {
        for (int b : settings.batchSizes()) {
            Map<String, TensorType> types = new LinkedHashMap<>();
            one.forEach((k, v) -> {
                int[] d = v.dims();
                d[0] = b;
                types.put(k, new TensorType(v.dataType(), Shape.of(d)));
            });
            plans.warm(types, runs);
        }
    }
}
