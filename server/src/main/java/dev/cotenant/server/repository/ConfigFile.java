package dev.cotenant.server.repository;

import com.google.protobuf.TextFormat;
import dev.cotenant.ir.ModelException;
import dev.cotenant.server.config.ModelConfig;
import dev.cotenant.server.config.ModelDynamicBatching;
import dev.cotenant.server.config.ModelParameter;
import dev.cotenant.server.config.ModelQueuePolicy;
import dev.cotenant.server.serving.ModelSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model folder's {@code config.pbtxt}: Triton's protobuf text format, the subset in
 * {@code model_config.proto}, read into the {@link ModelSettings} a model is served with.
 */
final class ConfigFile {

    static final String FILE = "config.pbtxt";

    private ConfigFile() {}

    /** Reads {@code dir/config.pbtxt} when present; {@code batchable} as for {@link ModelSettings#defaults}. */
    static ModelSettings read(Path dir, boolean batchable) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return ModelSettings.defaults(batchable);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage());
        }
        return parse(text, file.toString(), batchable);
    }

    static ModelSettings parse(String text, String where, boolean batchable) {
        ModelConfig.Builder b = ModelConfig.newBuilder();
        try {
            // Triton files carry many settings Cotenant has no use for (instance_group, backend
            // options); they are skipped rather than refused so an existing repository loads.
            TextFormat.Parser.newBuilder().setAllowUnknownFields(true).build().merge(text, b);
        } catch (TextFormat.ParseException e) {
            throw new ModelException(where + ": " + e.getMessage());
        }
        ModelConfig c = b.build();
        int maxBatch = c.getMaxBatchSize();
        if (maxBatch < 0) {
            throw new ModelException(where + ": max_batch_size must be 0 or more, got " + maxBatch);
        }
        if (maxBatch > 0 && !batchable) {
            throw new ModelException(where + ": max_batch_size " + maxBatch + " but the model's inputs do not all have a free first dimension to batch along");
        }
        ModelDynamicBatching db = c.getDynamicBatching();
        int[] preferred = db.getPreferredBatchSizeList().stream().mapToInt(Integer::intValue).sorted().toArray();
        for (int p : preferred) {
            if (p < 1 || p > Math.max(1, maxBatch)) {
                throw new ModelException(where + ": preferred_batch_size " + p + " is outside 1.." + Math.max(1, maxBatch));
            }
        }
        int levels = (int) Math.max(1, db.getPriorityLevels());
        int defaultLevel = db.getDefaultPriorityLevel() == 0 ? levels : (int) db.getDefaultPriorityLevel();
        if (defaultLevel > levels) {
            throw new ModelException(where + ": default_priority_level " + defaultLevel + " exceeds priority_levels " + levels);
        }
        ModelQueuePolicy q = db.getDefaultQueuePolicy();
        int queue = q.getMaxQueueSize() > 0 ? q.getMaxQueueSize() : (int) longParameter(c, "max_queue_size", ModelSettings.DEFAULT_MAX_QUEUE, where);
        if (queue < 1) {
            throw new ModelException(where + ": max_queue_size must be at least 1 (queues are always bounded)");
        }
        boolean override = !db.hasDefaultQueuePolicy() || q.getAllowTimeoutOverride();
        double slo = doubleParameter(c, "slo_ms", 0, where);
        int tenantPriority = switch (c.getOptimization().getPriority()) {
            case PRIORITY_MAX -> 0;
            case PRIORITY_MIN -> 2;
            case PRIORITY_DEFAULT, UNRECOGNIZED -> 1;
        };
        return new ModelSettings(maxBatch, preferred, db.getMaxQueueDelayMicroseconds(), levels, defaultLevel, queue,
                q.getDefaultTimeoutMicroseconds(), override, slo, tenantPriority);
    }

    private static double doubleParameter(ModelConfig c, String key, double dflt, String where) {
        ModelParameter p = c.getParametersMap().get(key);
        if (p == null) {
            return dflt;
        }
        try {
            double v = Double.parseDouble(p.getStringValue().trim());
            if (!(v >= 0)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ModelException(where + ": parameter '" + key + "' must be a non-negative number, got '" + p.getStringValue() + "'");
        }
    }

    private static long longParameter(ModelConfig c, String key, long dflt, String where) {
        double v = doubleParameter(c, key, dflt, where);
        if (v != Math.rint(v)) {
            throw new ModelException(where + ": parameter '" + key + "' must be a whole number");
        }
        return (long) v;
    }

}
