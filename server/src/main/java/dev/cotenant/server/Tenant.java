package dev.cotenant.server;

import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.kernels.Workers;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One served model version: its graph, serving settings, protocol metadata, request queue and
 * statistics, and a small cache of plans, one per concrete input shapes and thread count (a plan
 * is made for fixed shapes, so each batch size gets its own). The scheduler runs at most one batch
 * of a tenant at a time, which is what makes the cached plans safe to reuse: a plan is used by one
 * thread at a time.
 */
final class Tenant implements AutoCloseable {

    private static final int PLAN_CACHE = 16;

    final String name;
    final String version;
    final Path file;
    final ModelSettings settings;
    final List<TensorSpec> inputs;
    /** Set once by {@link #load}, before the tenant is published. */
    List<TensorSpec> outputs;
    final RequestQueue queue;
    final TenantStats stats = new TenantStats();
    private final Model model;
    private final Workers pool;
    private final Map<String, Plan> plans = new LinkedHashMap<>(16, 0.75f, true);
    /** Smoothed compute time of one sample at one thread, for the regulator's slack estimate. */
    private volatile double nanosPerSample;
    private volatile boolean oneThreadSeen;
    /** When the last request arrived, so the regulator knows which tenants are active. */
    volatile long lastArrivalNanos = Long.MIN_VALUE / 2;
    /** Samples offered per second (admitted or not), decayed over {@link #OFFERED_TAU_NANOS}; guarded by {@code this}. */
    private double offeredPerSecond;
    private long offeredAtNanos;
    /** Time constant of the offered rate: long enough to see through a Poisson burst, short enough to catch a step. */
    static final long OFFERED_TAU_NANOS = 1_000_000_000L;

    private Tenant(String name, String version, Path file, Model model, ModelSettings settings, List<TensorSpec> inputs,
                   List<TensorSpec> outputs, int cores) {
        this.name = name;
        this.version = version;
        this.file = file;
        this.model = model;
        this.settings = settings;
        this.inputs = inputs;
        this.outputs = outputs;
        this.queue = new RequestQueue(settings);
        this.pool = Workers.create(Math.max(1, cores));
    }

    /**
     * Loads {@code modelDir/version/model.onnx} with the settings of {@code modelDir/config.pbtxt},
     * plans it once for a single sample (which checks that every operator is supported and gives
     * the outputs' types) and returns the tenant ready to serve.
     */
    static Tenant load(String name, String version, Path modelDir, int cores) {
        return load(name, version, modelDir, cores, 0);
    }

    /**
     * As {@link #load(String, String, Path, int)}, and runs every plan made up front
     * {@code warmupRuns} times on zero inputs before the tenant is published, so that the first
     * requests do not run the kernels interpreted (Triton's model warm-up, without sample files).
     */
    static Tenant load(String name, String version, Path modelDir, int cores, int warmupRuns) {
        Path file = modelDir.resolve(version).resolve("model.onnx");
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
        ModelSettings settings = ModelSettings.read(modelDir, batchable);
        Tenant t = new Tenant(name, version, file, m, settings, List.copyOf(ins), List.of(), cores);
        try {
            t.outputs = List.copyOf(describeOutputs(t, m, ins, settings, concrete, warmupRuns));
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /**
     * The outputs' metadata, learnt by planning the model: free input dimensions are set to 1 and
     * then to 2, and an output dimension that changes between the two is free (-1). The first
     * plan also proves that every operator of the model can run, so a model that cannot fails
     * at load, not on its first request.
     */
    private static List<TensorSpec> describeOutputs(Tenant t, Model m, List<TensorSpec> ins, ModelSettings settings, boolean concrete,
                                                    int warmupRuns) {
        Map<String, TensorType> ones = freeDimsAt(ins, 1);
        Plan p1 = t.plan(ones, 1);
        boolean free = ins.stream().anyMatch(s -> Arrays.stream(s.shape()).anyMatch(x -> x < 0));
        Plan p2 = free ? t.plan(freeDimsAt(ins, 2), 1) : p1;
        if (settings.maxBatchSize() > 0 && concrete) {
            warm(t, ones, settings, warmupRuns);
        }
        List<TensorSpec> outs = new ArrayList<>();
        for (ValueInfo o : m.graph().outputs()) {
            TensorType a = p1.valueTypes().get(o.name());
            TensorType b = p2.valueTypes().get(o.name());
            if (a == null || b == null) {
                throw new ModelException(t.file + ": cannot tell the type of output '" + o.name() + "'");
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

    /**
     * Makes the plans of every planned batch size at one thread and at the full pool up front, so
     * no request pays for planning (the regulator uses both thread counts), and runs each
     * {@code runs} times on zero inputs. Measured on the 2-core machine before the runs: the first
     * request of a fresh server took 0.6-1.2 s per model against 10-70 ms later, and under 70% load
     * everything sent in the first two seconds waited about 4 s.
     */
    private static void warm(Tenant t, Map<String, TensorType> one, ModelSettings settings, int runs) {
        int[] sizes = settings.maxBatchSize() > 0 ? settings.batchSizes() : new int[] {0};
        for (int b : sizes) {
            Map<String, TensorType> types = new LinkedHashMap<>();
            one.forEach((k, v) -> {
                int[] d = v.dims();
                if (b > 0) {
                    d[0] = b;
                }
                types.put(k, new TensorType(v.dataType(), Shape.of(d)));
            });
            Map<String, Tensor> zeros = zeros(types);
            List<Plan> made = new ArrayList<>();
            made.add(t.plan(types, 1));
            if (t.pool.threads() > 1) {
                made.add(t.plan(types, t.pool.threads()));
            }
            for (int r = 0; r < runs; r++) {
                for (Plan p : made) {
                    try {
                        p.run(zeros);
                    } finally {
                        t.pool.rest();
                    }
                }
            }
        }
    }

    /** The plan for these input types at {@code threads} threads, made on first use. */
    Plan plan(Map<String, TensorType> types, int threads) {
        String key = types.values() + "@" + threads;
        synchronized (plans) {
            Plan p = plans.get(key);
            if (p != null) {
                return p;
            }
        }
        Model optimized = Passes.optimize(model, types);
        Workers w = threads <= 1 ? Workers.single() : pool;
        Plan p = Planner.plan(optimized, types, w);
        synchronized (plans) {
            plans.put(key, p);
            if (plans.size() > PLAN_CACHE) {
                plans.remove(plans.keySet().iterator().next());
            }
        }
        return p;
    }

    /** The thread count a batch may use at most on this tenant's pool. */
    int maxThreads() {
        return pool.threads();
    }

    /**
     * How long a request arriving now would wait before its batch starts: the samples ahead of it
     * (queued and running) at the measured one-thread compute time per sample, stretched by
     * {@code share} when the tenant gets only part of the device (see RegulatedScheduler#stretch).
     * Nothing ahead predicts no wait, so an estimate can never lock a tenant out.
     */
    double predictedWaitNanos(double share) {
        double ahead = queue.samples() + stats.inFlight.get();
        return ahead * nanosPerSample * Math.max(1, share);
    }

    /** Counts {@code samples} offered at {@code nowNanos} into the decayed offered rate. */
    synchronized void offered(int samples, long nowNanos) {
        offeredPerSecond = decayedRate(nowNanos) + samples * 1e9 / OFFERED_TAU_NANOS;
        offeredAtNanos = nowNanos;
    }

    /**
     * The share of one core the offered samples need at the measured compute time per sample:
     * above 1 the tenant's queue grows however it is scheduled on one core, below it a long
     * queue is a burst that drains.
     */
    synchronized double offeredLoad(long nowNanos) {
        return decayedRate(nowNanos) * nanosPerSample / 1e9;
    }

    /** Offered load (in cores at the measured time per sample) above which a tenant counts as overloaded. */
    static final double OVERLOADED = 0.8;

    /** Whether this tenant is offered more than {@link #OVERLOADED} of a core: on one core, it falls behind for good. */
    boolean overloaded(long nowNanos) {
        return offeredLoad(nowNanos) > OVERLOADED;
    }

    private double decayedRate(long nowNanos) {
        return offeredPerSecond * Math.exp(-Math.max(0, nowNanos - offeredAtNanos) / (double) OFFERED_TAU_NANOS);
    }

    /** Counts {@code batch} as running: a request arriving now waits for it ({@link #predictedWaitNanos}). */
    void dispatched(List<InferRequest> batch) {
        for (InferRequest r : batch) {
            r.running.set(true);
        }
        stats.inFlight.addAndGet(batch.size());
    }

    /**
     * Stops counting {@code r} as running, once. Called before its answer or failure goes out: a
     * client that has its answer and sends the next request at once must not find the answered one
     * still ahead of it (with a tight SLO that refused the next request).
     */
    void settled(InferRequest r) {
        if (r.running.compareAndSet(true, false)) {
            stats.inFlight.decrementAndGet();
        }
    }

    /** {@link #settled(InferRequest)} for every request of {@code batch}: whatever is still counted when its run ends. */
    void settled(List<InferRequest> batch) {
        batch.forEach(this::settled);
    }

    /** Expected compute nanoseconds of {@code samples} at one thread (0 until measured). */
    double estimateNanos(int samples) {
        return nanosPerSample * samples;
    }

    /**
     * Runs {@code batch} (requests that {@link RequestQueue#take} grouped) on {@code threads}
     * threads and completes each request with its slice of the outputs. Never throws: a failure
     * fails the batch's requests and leaves the tenant serving.
     */
    void execute(List<InferRequest> batch, int threads) {
        long start = System.nanoTime();
        try {
            Computed c = compute(batch, threads);
            stats.execution(c.rows(), c.samples(), c.inferNanos());
            observe(c.inferNanos(), c.samples(), Math.min(threads, pool.threads()));
            complete(batch, c.outputs(), start, start + c.inputNanos(), start + c.inputNanos() + c.inferNanos(), false);
        } catch (InferError e) {
            batch.forEach(r -> {
                settled(r);
                r.fail(e);
            });
        }
    }

    /** One batch's outputs, one map per request in batch order, its rows and samples, and where the time went. */
    record Computed(List<Map<String, Tensor>> outputs, int rows, int samples, long inputNanos, long inferNanos) {}

    /**
     * Runs {@code batch} on {@code threads} threads and returns each request's outputs without
     * completing anything; a failure is an {@link InferError} naming the model.
     */
    Computed compute(List<InferRequest> batch, int threads) {
        long start = System.nanoTime();
        int samples = samples(batch);
        try {
            Map<String, Tensor> feeds = concatenate(batch, samples);
            int rows = settings.maxBatchSize() > 0 ? feeds.values().iterator().next().dim(0) : samples;
            Map<String, TensorType> types = new LinkedHashMap<>();
            feeds.forEach((k, v) -> types.put(k, v.type()));
            Plan plan = plan(types, Math.min(threads, pool.threads()));
            long t1 = System.nanoTime();
            Map<String, Tensor> out;
            try {
                out = plan.run(feeds);
            } finally {
                // The next batch on these cores may be another tenant's: spinning helpers would slow it.
                pool.rest();
            }
            long t2 = System.nanoTime();
            return new Computed(split(batch, out, rows), rows, samples, t1 - start, t2 - t1);
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
    List<Map<String, Tensor>> zeros(List<InferRequest> batch) {
        Map<String, TensorType> types = typesOf(batch);
        int rows = types.values().iterator().next().dims()[0];
        Plan plan = plan(types, 1);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorSpec o : outputs) {
            TensorType t = plan.valueTypes().get(o.name());
            out.put(o.name(), Tensor.allocate(t.dataType(), t.dims()));
        }
        return split(batch, out, rows);
    }

    /** The input types of the batch as it will run: per-sample shapes of the first request, rows padded as planned. */
    Map<String, TensorType> typesOf(List<InferRequest> batch) {
        int samples = samples(batch);
        int rows = settings.maxBatchSize() > 0 ? settings.paddedSize(samples) : samples;
        Map<String, TensorType> types = new LinkedHashMap<>();
        for (TensorSpec s : inputs) {
            Tensor first = batch.getFirst().inputs.get(s.name());
            int[] shape = first.shape();
            if (settings.maxBatchSize() > 0 || batch.size() > 1) {
                shape[0] = rows;
            }
            types.put(s.name(), new TensorType(first.dataType(), Shape.of(shape)));
        }
        return types;
    }

    /**
     * This tenant for the co-location scheduler: a fresh plan for {@code types} (not one of the
     * serving cache's, so a search can run it while the tenant serves), its inputs bound to zeros,
     * named {@code name/version:rows}.
     */
    dev.cotenant.sched.workload.TenantPlan schedulable(Map<String, TensorType> types) {
        Model optimized = Passes.optimize(model, types);
        Plan p = Planner.plan(optimized, types, Workers.single());
        if (p.interpreted()) {
            throw new ModelException("model '" + name + "': its shapes depend on input values, so it cannot be scheduled operator by operator");
        }
        Map<String, Tensor> zeros = zeros(types);
        p.bind(zeros);
        int rows = types.values().iterator().next().dims()[0];
        dev.cotenant.sched.workload.Tenant t = new dev.cotenant.sched.workload.Tenant(name + "/" + version, Math.max(1, rows), java.util.OptionalDouble.empty(), 0);
        return new dev.cotenant.sched.workload.TenantPlan(t, model, optimized, p, zeros);
    }

    /** Zero tensors of {@code types}: inputs for runs whose results do not matter. */
    private static Map<String, Tensor> zeros(Map<String, TensorType> types) {
        Map<String, Tensor> zeros = new LinkedHashMap<>();
        types.forEach((k, v) -> zeros.put(k, Tensor.allocate(v.dataType(), v.dims())));
        return zeros;
    }

    /** Rows of {@code plan}'s batch: dimension 0 of its first input. */
    private static int rows(Plan plan) {
        return plan.inputTypes().values().iterator().next().dims()[0];
    }

    /** Binds {@code batch}'s inputs, padded to the plan's rows, to {@code plan} (one made by {@link #schedulable}). */
    void bind(Plan plan, List<InferRequest> batch) {
        int rows = rows(plan);
        plan.bind(concatenate(batch, samples(batch), settings.maxBatchSize() > 0 ? rows : samples(batch)));
    }

    /**
     * Completes {@code batch} with {@code out}, the outputs of {@code plan} (bound by {@link #bind})
     * after a round that ran its steps from {@code start} to {@code end} beside other tenants.
     */
    void finish(Plan plan, List<InferRequest> batch, Map<String, Tensor> out, long start, long end, int threads) {
        int rows = rows(plan);
        int samples = samples(batch);
        stats.execution(rows, samples, end - start);
        observe(end - start, samples, threads);
        complete(batch, split(batch, out, rows), start, start, end, false);
    }

    /**
     * Folds a measured run into the per-sample estimate the regulator's admission uses. The
     * estimate is of one thread, so once a one-thread run is seen only those count: a run on
     * several threads measures their parallel efficiency too, and folding it in (as threads
     * times wall time) would make the estimate drift with how often the tenant ran alone.
     */
    void observe(long nanos, int samples, int threads) {
        double perSample = nanos * (double) threads / Math.max(1, samples);
        if (threads == 1) {
            nanosPerSample = oneThreadSeen ? 0.8 * nanosPerSample + 0.2 * perSample : perSample;
            oneThreadSeen = true;
        } else if (!oneThreadSeen) {
            nanosPerSample = nanosPerSample == 0 ? perSample : 0.8 * nanosPerSample + 0.2 * perSample;
        }
    }

    /**
     * Completes each request of {@code batch} with its outputs and counts it: the batch started at
     * {@code start}, its inputs were ready at {@code inputDone}, the model finished at {@code inferDone}.
     */
    void complete(List<InferRequest> batch, List<Map<String, Tensor>> outs, long start, long inputDone, long inferDone, boolean simulated) {
        for (int i = 0; i < batch.size(); i++) {
            InferRequest r = batch.get(i);
            settled(r);
            long end = System.nanoTime();
            long queue = start - r.arrivedNanos;
            // counted before completing: completion writes the answer, and a client that has
            // its answer must find it in the statistics
            if (!r.result.isDone()) {
                stats.success(end - r.arrivedNanos, queue, inputDone - start, inferDone - inputDone, Math.max(0, end - inferDone));
                r.result.complete(new InferResult(outs.get(i), queue, end - start, simulated));
            }
        }
    }

    private List<Map<String, Tensor>> split(List<InferRequest> batch, Map<String, Tensor> out, int rows) {
        List<Map<String, Tensor>> per = new ArrayList<>(batch.size());
        int row = 0;
        for (InferRequest r : batch) {
            Map<String, Tensor> mine = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : out.entrySet()) {
                if (r.outputs == null || r.outputs.contains(e.getKey())) {
                    mine.put(e.getKey(), slice(e.getValue(), row, r.batch, rows));
                }
            }
            row += r.batch;
            per.add(mine);
        }
        return per;
    }

    private static int samples(List<InferRequest> batch) {
        int n = 0;
        for (InferRequest r : batch) {
            n += r.batch;
        }
        return n;
    }

    /** The batch's inputs end to end along dimension 0, zero-padded to the next planned batch size. */
    private Map<String, Tensor> concatenate(List<InferRequest> batch, int samples) {
        return concatenate(batch, samples, settings.maxBatchSize() > 0 ? settings.paddedSize(samples) : samples);
    }

    /** The batch's inputs end to end along dimension 0, zero-padded to {@code rows} (at least its samples). */
    private Map<String, Tensor> concatenate(List<InferRequest> batch, int samples, int rows) {
        if (batch.size() == 1 && rows == samples) {
            return batch.getFirst().inputs;
        }
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (TensorSpec s : inputs) {
            Tensor first = batch.getFirst().inputs.get(s.name());
            int[] shape = first.shape();
            shape[0] = rows;
            Tensor all = Tensor.allocate(first.dataType(), shape);
            int pos = 0;
            for (InferRequest r : batch) {
                Tensor t = r.inputs.get(s.name());
                System.arraycopy(t.array(), t.offset(), all.array(), pos, t.size());
                pos += t.size();
            }
            feeds.put(s.name(), all);
        }
        return feeds;
    }

    /** Rows {@code [row, row + n)} of a batched output, sharing its storage (outputs are fresh per run). */
    private static Tensor slice(Tensor t, int row, int n, int rows) {
        if (t.rank() == 0 || t.dim(0) != rows || n == rows) {
            return t;
        }
        int[] shape = t.shape();
        int perRow = t.size() / rows;
        shape[0] = n;
        return Tensor.view(t.dataType(), shape, t.array(), t.offset() + row * perRow);
    }

    @Override
    public void close() {
        pool.close();
    }
}
