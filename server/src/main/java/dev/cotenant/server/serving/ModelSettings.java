package dev.cotenant.server.serving;

import java.util.Arrays;

/**
 * How one model is served: batching, queueing, priority, its latency objective and how many of its
 * batches may run at once. The repository reads them from the model folder's {@code config.pbtxt},
 * with {@link #defaults} where there is no file.
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
 * @param instances        batches of this model that may run at the same time (Triton's
 *                         {@code instance_group} count), each on its own plans
 */
public record ModelSettings(int maxBatchSize, int[] preferredBatch, long maxQueueDelayUs, int priorityLevels,
                     int defaultPriority, int maxQueueSize, long timeoutUs, boolean allowTimeoutOverride,
                     double sloMs, int tenantPriority, int instances) {

    public static final int DEFAULT_MAX_QUEUE = 128;
    public static final int DEFAULT_MAX_BATCH = 8;
    /** The most instances of one model: each holds its own plans (packed weights) and threads. */
    public static final int MAX_INSTANCES = 16;

    public ModelSettings {
        if (instances < 1 || instances > MAX_INSTANCES) {
            throw new IllegalArgumentException("instances must be 1.." + MAX_INSTANCES + ", got " + instances);
        }
    }

    /** Defaults for a model without a config file; {@code batchable} when every input's first dimension is free. */
    public static ModelSettings defaults(boolean batchable) {
        return new ModelSettings(batchable ? DEFAULT_MAX_BATCH : 0, new int[0], 0, 1, 1, DEFAULT_MAX_QUEUE, 0, true, 0, 1, 1);
    }

    /**
     * The batch sizes plans are made for: powers of two up to the maximum, the preferred sizes and
     * the maximum itself. A batch of another size is padded up to the next of these, which bounds
     * the plans a tenant keeps (a plan is made for fixed shapes) at a few percent of padding work.
     */
    public int[] batchSizes() {
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
    public int paddedSize(int samples) {
        for (int b : batchSizes()) {
            if (b >= samples) {
                return b;
            }
        }
        return samples;
    }

    /** Priority level a request asked for, clamped to the configured range (0 or absent: the default). */
    public int levelOf(long requested) {
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
                && sloMs == s.sloMs && tenantPriority == s.tenantPriority && instances == s.instances;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(preferredBatch) * 31 + maxBatchSize;
    }

    @Override
    public String toString() {
        return "ModelSettings[maxBatchSize=" + maxBatchSize + ", preferredBatch=" + Arrays.toString(preferredBatch)
                + ", maxQueueDelayUs=" + maxQueueDelayUs + ", priorityLevels=" + priorityLevels + ", maxQueueSize=" + maxQueueSize
                + ", timeoutUs=" + timeoutUs + ", sloMs=" + sloMs + ", tenantPriority=" + tenantPriority + ", instances=" + instances + "]";
    }
}
