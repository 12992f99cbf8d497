package dev.cotenant.server.serving;

import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.runtime.Plan;
import dev.cotenant.sched.workload.TenantPlan;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.protocol.InferResult;
import dev.cotenant.server.protocol.TensorSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One served model version: its serving settings, protocol metadata, request queue, statistics and
 * plans, and what the regulator has learnt of its load (the compute time of a sample, the rate
 * samples are offered at). It runs the batches its scheduler hands it and answers their requests.
 * (The co-location scheduler's {@code Tenant} is one of these at one batch shape, for one search:
 * {@link #schedulable}.)
 */
public final class ServedModel implements AutoCloseable {

    /** Time constant of the offered rate: long enough to see through a Poisson burst, short enough to catch a step. */
    static final long OFFERED_TAU_NANOS = 1_000_000_000L;

    /** Offered load (in cores at the measured time per sample) above which a model counts as overloaded. */
    static final double OVERLOADED = 0.8;

    private final String name;
    private final String version;
    private final Path file;
    private final ModelSettings settings;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final RequestQueue queue;
    private final ModelStats stats = new ModelStats();
    private final ModelPlans plans;
    /** Smoothed compute time of one sample at one thread, for the regulator's slack estimate. */
    private volatile double nanosPerSample;
    private volatile boolean oneThreadSeen;
    /** When the last request arrived, so the regulator knows which models are active. */
    private volatile long lastArrivalNanos = Long.MIN_VALUE / 2;
    /** Samples offered per second (admitted or not), decayed over {@link #OFFERED_TAU_NANOS}; guarded by {@code this}. */
    private double offeredPerSecond;
    private long offeredAtNanos;
    /** Which instances run a batch now; guarded by itself. */
    private final boolean[] instanceBusy;

    /**
     * A model ready to serve: {@code outputs} were learnt from {@code plans} (see the repository's
     * loading), which the model owns from now on.
     */
    public ServedModel(String name, String version, Path file, ModelSettings settings, List<TensorSpec> inputs, List<TensorSpec> outputs,
                ModelPlans plans) {
        this.name = name;
        this.version = version;
        this.file = file;
        this.settings = settings;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.plans = plans;
        this.queue = new RequestQueue(settings);
        this.instanceBusy = new boolean[plans.instances()];
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    /** The model file it was loaded from. */
    public Path file() {
        return file;
    }

    public ModelSettings settings() {
        return settings;
    }

    public List<TensorSpec> inputs() {
        return inputs;
    }

    public List<TensorSpec> outputs() {
        return outputs;
    }

    public RequestQueue queue() {
        return queue;
    }

    /** Closes the queue for an unload: every waiting request is refused as unavailable, naming the model. */
    public void closeForUnload() {
        queue.close(new InferError(InferError.Kind.UNAVAILABLE, "model '" + name() + "' version " + version() + " was unloaded"));
    }

    public ModelStats stats() {
        return stats;
    }

    /** The plan for these input types at {@code threads} threads, made on first use. */
    public Plan plan(Map<String, TensorType> types, int threads) {
        return plans.plan(types, threads);
    }

    /** The thread count a batch may use at most on this model's pool. */
    public int maxThreads() {
        return plans.threads();
    }

    /**
     * Takes a free instance for a batch about to run and returns its index, or -1 when every
     * instance runs one (a scheduler then leaves the model's queue for later). Each instance has
     * its own plans, so batches on different instances may run at the same time.
     */
    public int acquire() {
        synchronized (instanceBusy) {
            for (int i = 0; i < instanceBusy.length; i++) {
                if (!instanceBusy[i]) {
                    instanceBusy[i] = true;
                    return i;
                }
            }
            return -1;
        }
    }

    /** Gives back an instance {@link #acquire}d for a batch that has ended. */
    public void release(int instance) {
        synchronized (instanceBusy) {
            if (!instanceBusy[instance]) {
                throw new IllegalStateException("model '" + name + "' instance " + instance + " released twice");
            }
            instanceBusy[instance] = false;
        }
    }

    /** Whether every instance runs a batch: no other batch of this model can start now. */
    public boolean saturated() {
        synchronized (instanceBusy) {
            for (boolean b : instanceBusy) {
                if (!b) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Whether some instance runs a batch. */
    public boolean running() {
        synchronized (instanceBusy) {
            for (boolean b : instanceBusy) {
                if (b) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Instances of the model: batches that may run at once. */
    public int instances() {
        return instanceBusy.length;
    }

    /** Notes a request that arrived at {@code nanos}: the model is active. */
    public void arrived(long nanos) {
        lastArrivalNanos = nanos;
    }

    /** When the last request arrived. */
    public long lastArrivalNanos() {
        return lastArrivalNanos;
    }

    /**
     * How long a request arriving now would wait before its batch starts: the samples ahead of it
     * (queued and running) at the measured one-thread compute time per sample, stretched by
     * {@code share} when the model gets only part of the device (see RegulatedScheduler#stretch).
     * Nothing ahead predicts no wait, so an estimate can never lock a model out.
     */
    public double predictedWaitNanos(double share) {
        double ahead = queue.samples() + stats.inFlight();
        return ahead * nanosPerSample * Math.max(1, share);
    }

    /** Counts {@code samples} offered at {@code nowNanos} into the decayed offered rate. */
    public synchronized void offered(int samples, long nowNanos) {
        offeredPerSecond = decayedRate(nowNanos) + samples * 1e9 / OFFERED_TAU_NANOS;
        offeredAtNanos = nowNanos;
    }

    /**
     * The share of one core the offered samples need at the measured compute time per sample:
     * above 1 the model's queue grows however it is scheduled on one core, below it a long
     * queue is a burst that drains.
     */
    public synchronized double offeredLoad(long nowNanos) {
        return decayedRate(nowNanos) * nanosPerSample / 1e9;
    }

    /** Whether this model is offered more than {@link #OVERLOADED} of a core: on one core, it falls behind for good. */
    public boolean overloaded(long nowNanos) {
        return offeredLoad(nowNanos) > OVERLOADED;
    }

    private double decayedRate(long nowNanos) {
        return offeredPerSecond * Math.exp(-Math.max(0, nowNanos - offeredAtNanos) / (double) OFFERED_TAU_NANOS);
    }

    /** Expected compute nanoseconds of {@code samples} at one thread (0 until measured). */
    public double estimateNanos(int samples) {
        return nanosPerSample * samples;
    }

    /**
     * Folds a measured run into the per-sample estimate the regulator's admission uses. The
     * estimate is of one thread, so once a one-thread run is seen only those count: a run on
     * several threads measures their parallel efficiency too, and folding it in (as threads
     * times wall time) would make the estimate drift with how often the model ran alone.
     */
    public void observe(long nanos, int samples, int threads) {
        double perSample = nanos * (double) threads / Math.max(1, samples);
        if (threads == 1) {
            nanosPerSample = oneThreadSeen ? 0.8 * nanosPerSample + 0.2 * perSample : perSample;
            oneThreadSeen = true;
        } else if (!oneThreadSeen) {
            nanosPerSample = nanosPerSample == 0 ? perSample : 0.8 * nanosPerSample + 0.2 * perSample;
        }
    }

    /** Starts {@code batch} (requests the queue {@linkplain RequestQueue#take admitted}): each is running, ahead of any request arriving now. */
    public void dispatched(List<InferRequest> batch) {
        for (InferRequest r : batch) {
            r.moveTo(RequestState.RUNNING);
        }
    }

    /** {@link #execute(List, int, int)} on instance 0. */
    public void execute(List<InferRequest> batch, int threads) {
        execute(batch, threads, 0);
    }

    /**
     * Runs {@code batch} (dispatched) on {@code threads} threads of {@code instance} and answers
     * each request with its slice of the outputs. Never throws: a failure fails the batch's
     * requests and leaves the model serving.
     */
    public void execute(List<InferRequest> batch, int threads, int instance) {
        long start = System.nanoTime();
        try {
            Computed c = compute(batch, threads, instance);
            stats.execution(c.rows(), c.samples(), c.inferNanos());
            observe(c.inferNanos(), c.samples(), Math.min(threads, plans.threads()));
            complete(batch, c.outputs(), start, start + c.inputNanos(), start + c.inputNanos() + c.inferNanos(), false);
        } catch (InferError e) {
            batch.forEach(r -> r.fail(e));
        }
    }

    /** One batch's outputs, one map per request in batch order, its rows and samples, and where the time went. */
    public record Computed(List<Map<String, Tensor>> outputs, int rows, int samples, long inputNanos, long inferNanos) {}

    /**
     * Runs {@code batch} on {@code threads} threads of {@code instance} and returns each request's
     * outputs without answering anything; a failure is an {@link InferError} naming the model.
     */
    public Computed compute(List<InferRequest> batch, int threads, int instance) {
        long start = System.nanoTime();
        int samples = BatchTensors.samples(batch);
        try {
            Map<String, Tensor> feeds = BatchTensors.concatenate(inputs, batch, samples,
                    settings.maxBatchSize() > 0 ? settings.paddedSize(samples) : samples);
            int rows = settings.maxBatchSize() > 0 ? feeds.values().iterator().next().dim(0) : samples;
            Map<String, TensorType> types = new LinkedHashMap<>();
            feeds.forEach((k, v) -> types.put(k, v.type()));
            Plan plan = plans.plan(types, Math.min(threads, plans.threads()), instance);
            long t1 = System.nanoTime();
            Map<String, Tensor> out = plans.run(plan, feeds, instance);
            long t2 = System.nanoTime();
            return new Computed(BatchTensors.split(batch, out, rows), rows, samples, t1 - start, t2 - t1);
        } catch (ModelException e) {
            throw InferError.badRequest("model '" + name + "' could not run the request: " + e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            if (e instanceof InferError ie) {
                throw ie;
            }
            throw new InferError(InferError.Kind.INTERNAL, "model '" + name + "' failed: " + e);
        }
    }

    /**
     * Zero tensors of the shapes and types the model would return for {@code batch}, taken from
     * the plan for the batch's shapes (made at load for the planned batch sizes), without running it.
     */
    public List<Map<String, Tensor>> zeros(List<InferRequest> batch) {
        Map<String, TensorType> types = typesOf(batch);
        int rows = types.values().iterator().next().dims()[0];
        Plan plan = plan(types, 1);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorSpec o : outputs) {
            TensorType t = plan.valueTypes().get(o.name());
            out.put(o.name(), Tensor.allocate(t.dataType(), t.dims()));
        }
        return BatchTensors.split(batch, out, rows);
    }

    /** The input types of the batch as it will run: per-sample shapes of the first request, rows padded as planned. */
    public Map<String, TensorType> typesOf(List<InferRequest> batch) {
        int samples = BatchTensors.samples(batch);
        int rows = settings.maxBatchSize() > 0 ? settings.paddedSize(samples) : samples;
        Map<String, TensorType> types = new LinkedHashMap<>();
        for (TensorSpec s : inputs) {
            Tensor first = batch.getFirst().inputs().get(s.name());
            int[] shape = first.shape();
            if (settings.maxBatchSize() > 0 || batch.size() > 1) {
                shape[0] = rows;
            }
            types.put(s.name(), new TensorType(first.dataType(), Shape.of(shape)));
        }
        return types;
    }

    /**
     * This model for the co-location scheduler: a fresh plan for {@code types} (not one of the
     * serving cache's, so a search can run it while the model serves), its inputs bound to zeros,
     * named {@code name/version:rows}.
     */
    public TenantPlan schedulable(Map<String, TensorType> types) {
        return plans.schedulable(name, version, types);
    }

    /** Rows of {@code plan}'s batch: dimension 0 of its first input. */
    private static int rows(Plan plan) {
        return plan.inputTypes().values().iterator().next().dims()[0];
    }

    /** Binds {@code batch}'s inputs, padded to the plan's rows, to {@code plan} (one made by {@link #schedulable}). */
    public void bind(Plan plan, List<InferRequest> batch) {
        int samples = BatchTensors.samples(batch);
        plan.bind(BatchTensors.concatenate(inputs, batch, samples, settings.maxBatchSize() > 0 ? rows(plan) : samples));
    }

    /**
     * Answers {@code batch} with {@code out}, the outputs of {@code plan} (bound by {@link #bind})
     * after a round that ran its steps from {@code start} to {@code end} beside other models.
     */
    public void finish(Plan plan, List<InferRequest> batch, Map<String, Tensor> out, long start, long end, int threads) {
        int rows = rows(plan);
        int samples = BatchTensors.samples(batch);
        answer(batch, new Computed(BatchTensors.split(batch, out, rows), rows, samples, 0, end - start), start, end, threads, false);
    }

    /**
     * Answers {@code batch} with {@code c}'s outputs, computed elsewhere (a co-located round, a
     * simulated device) from {@code start} to {@code end} on {@code threads} threads;
     * {@code simulatedOutputs} when they are zeros standing in for a simulated device's.
     */
    public void answer(List<InferRequest> batch, Computed c, long start, long end, int threads, boolean simulatedOutputs) {
        stats.execution(c.rows(), c.samples(), end - start);
        observe(end - start, c.samples(), threads);
        complete(batch, c.outputs(), start, start, end, simulatedOutputs);
    }

    /**
     * Answers each request of {@code batch} with its outputs and counts it: the batch started at
     * {@code start}, its inputs were ready at {@code inputDone}, the model finished at {@code inferDone}.
     */
    private void complete(List<InferRequest> batch, List<Map<String, Tensor>> outs, long start, long inputDone, long inferDone,
                          boolean simulated) {
        for (int i = 0; i < batch.size(); i++) {
            InferRequest r = batch.get(i);
            if (r.moveTo(RequestState.ANSWERED)) {
                long end = System.nanoTime();
                long queued = start - r.arrivedNanos();
                // counted before completing: completion writes the answer, and a client that has
                // its answer must find it in the statistics
                stats.answered(end - r.arrivedNanos(), queued, inputDone - start, inferDone - inputDone, Math.max(0, end - inferDone));
                r.result().complete(new InferResult(outs.get(i), queued, end - start, simulated));
            }
        }
    }

    /**
     * Fails whatever of {@code batch} has not ended once its run is over: a run that ended by an
     * error no handler saw, or a round that finished without reaching a model's part, must neither
     * leave a client waiting nor a request counted in flight.
     */
    public void failUnanswered(List<InferRequest> batch) {
        for (InferRequest r : batch) {
            if (!r.state().terminal()) {
                r.fail(new InferError(InferError.Kind.INTERNAL, "model '" + name + "': the batch ended without an answer"));
            }
        }
    }

    @Override
    public void close() {
        plans.close();
    }
}
