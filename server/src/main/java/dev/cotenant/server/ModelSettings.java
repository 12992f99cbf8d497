package dev.cotenant.server;

import com.google.protobuf.TextFormat;
import dev.cotenant.ir.ModelException;
import dev.cotenant.server.config.ModelConfig;
import dev.cotenant.server.config.ModelDynamicBatching;
import dev.cotenant.server.config.ModelOptimizationPolicy;
import dev.cotenant.server.config.ModelParameter;
import dev.cotenant.server.config.ModelQueuePolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How one model is served: batching, queueing, priority and its latency objective. Read from the
 * model folder's {@code config.pbtxt} (Triton's protobuf text format; the subset in
 * {@code model_config.proto}), with defaults where the file is silent or absent.
 *
 * @param maxBatchSize     largest batch along dimension 0; 0 means the model does not batch
 * @param preferredBatch   batch sizes the batcher aims for, ascending (empty: as large as possible)
 * @param maxQueueDelayUs  how long the oldest request may wait for a fuller batch
 * @param priorityLevels   number of request priority levels (1 is the most urgent)
 * @param defaultPriority  level of a request that names none
 * @param maxQueueSize     requests waiting beyond this are refused at once
 * @param timeoutUs        queue timeout of a request that names none (0: none)
 * @param allowTimeoutOverride whether a request's own {@code timeout} parameter counts
 * @param sloMs            the tenant's latency objective (0: none)
 * @param tenantPriority   the regulator's order between models: 0 most urgent, 1 default, 2 least
 */
record ModelSettings(int maxBatchSize, int[] preferredBatch, long maxQueueDelayUs, int priorityLevels,
                     int defaultPriority, int maxQueueSize, long timeoutUs, boolean allowTimeoutOverride,
                     double sloMs, int tenantPriority) {

    static final int DEFAULT_MAX_QUEUE = 128;
    static final int DEFAULT_MAX_BATCH = 8;
    static final String FILE = "config.pbtxt";

    /** Defaults for a model without a config file; {@code batchable} when every input's first dimension is free. */
    static ModelSettings defaults(boolean batchable) {
        return new ModelSettings(batchable ? DEFAULT_MAX_BATCH : 0, new int[0], 0, 1, 1, DEFAULT_MAX_QUEUE, 0, true, 0, 1);
    }

    /** Reads {@code dir/config.pbtxt} when present; {@code batchable} as for {@link #defaults}. */
    static ModelSettings read(Path dir, boolean batchable) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return defaults(batchable);
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
        int queue = q.getMaxQueueSize() > 0 ? q.getMaxQueueSize() : (int) longParameter(c, "max_queue_size", DEFAULT_MAX_QUEUE, where);
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

    /**
     * The batch sizes plans are made for: powers of two up to the maximum, the preferred sizes and
     * the maximum itself. A batch of another size is padded up to the next of these, which bounds
     * the plans a tenant keeps (a plan is made for fixed shapes) at a few percent of padding work.
     */
    int[] batchSizes() {
        java.util.TreeSet<Integer> sizes = new java.util.TreeSet<>();
        int max = Math.max(1, maxBatchSize);
        for (int b = 1; b <= max; b *= 2) {
            sizes.add(b);
        }
        for (int p : preferredBatch) {
            sizes.add(p);
        }
        sizes.add(max);
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The smallest planned batch size that holds {@code samples}. */
    int paddedSize(int samples) {
        for (int b : batchSizes()) {
            if (b >= samples) {
                return b;
            }
        }
        return samples;
    }

    /** Priority level a request asked for, clamped to the configured range (0 or absent: the default). */
    int levelOf(long requested) {
        if (requested <= 0) {
            return defaultPriority;
        }
        return (int) Math.min(requested, priorityLevels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSettings s && maxBatchSize == s.maxBatchSize && Arrays.equals(preferredBatch, s.preferredBatch)
                && maxQueueDelayUs == s.maxQueueDelayUs && priorityLevels == s.priorityLevels && defaultPriority == s.defaultPriority
                && maxQueueSize == s.maxQueueSize && timeoutUs == s.timeoutUs && allowTimeoutOverride == s.allowTimeoutOverride
                && sloMs == s.sloMs && tenantPriority == s.tenantPriority;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(preferredBatch) * 31 + maxBatchSize;
    }

    @Override
    public String toString() {
        return "ModelSettings[maxBatchSize=" + maxBatchSize + ", preferredBatch=" + Arrays.toString(preferredBatch)
                + ", maxQueueDelayUs=" + maxQueueDelayUs + ", priorityLevels=" + priorityLevels + ", maxQueueSize=" + maxQueueSize
                + ", timeoutUs=" + timeoutUs + ", sloMs=" + sloMs + ", tenantPriority=" + tenantPriority + "]";
    }
}
