package dev.cotenant.server;

import dev.cotenant.ir.ModelException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An Open Inference Protocol server: the model repository, the scheduler (the regulator or the
 * multistream baseline), the REST front (with metrics and the dashboard) and the gRPC front.
 * {@link #close()} stops taking requests, drains what is queued and running, then stops the fronts.
 */
public final class Server implements AutoCloseable {

    static final String NAME = "cotenant";
    static final String VERSION = "0.1.0";

    final ServerOptions options;
    final Repository repository;
    final Scheduler scheduler;
    final Timeline timeline = new Timeline(2048);
    final long startedNanos = System.nanoTime();
    private final HttpFront http;
    private final GrpcFront grpc;
    private volatile boolean draining;

    private Server(ServerOptions options) {
        this.options = options;
        this.scheduler = switch (options.device()) {
            case ServingDevice.Sim sim -> new SimulatedScheduler(sim, options.policy(), options.cores(), timeline);
            case ServingDevice.Cpu cpu -> switch (options.policy()) {
                case REGULATED -> new RegulatedScheduler(options.cores(), options.concurrency(), timeline, mix -> SafeRounds.INSTANCE,
                        options.searchBudgetSeconds() > 0 ? new RoundSchedules(new dev.cotenant.sched.device.CpuDevice(options.cores()),
                                options.searchBudgetSeconds(), RoundSchedules.SIGHTINGS, RoundSchedules.MAX_KEYS, System.err::println) : null);
                case MULTISTREAM -> new MultistreamScheduler(timeline);
            };
        };
        // On the simulated GPU the host computes a batch on one thread (batches of different tenants
        // run side by side on its cores), so only one-thread plans are made: plans hold packed
        // weights, and a plan per batch size and thread count of a large model does not fit a heap.
        int planThreads = options.device() instanceof ServingDevice.Sim ? 1 : options.cores();
        this.repository = new Repository(options.repository(), planThreads, options.warmupRuns(), scheduler);
        repository.loadAll();
        this.http = new HttpFront(this);
        this.grpc = options.grpcPort() >= 0 ? new GrpcFront(this) : null;
    }

    /** Loads the repository and starts serving; throws {@link ModelException} when it cannot. */
    public static Server start(ServerOptions options) {
        Server s = new Server(options);
        try {
            s.http.start();
            if (s.grpc != null) {
                s.grpc.start();
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    public int httpPort() {
        return http.port();
    }

    /** The gRPC port, or -1 when gRPC is off. */
    public int grpcPort() {
        return grpc == null ? -1 : grpc.port();
    }

    /** Whether the server takes new requests (false while draining). */
    boolean ready() {
        return !draining;
    }

    /** Models in the repository index and their state, as text lines (for the command line). */
    public java.util.List<String> describeModels() {
        return repository.index().stream().map(e -> e.name() + " " + e.state()
                + (e.versions().isEmpty() ? "" : " versions " + String.join(",", e.versions().keySet()))
                + (e.reason().isEmpty() ? "" : ": " + e.reason())).toList();
    }

    /**
     * Runs one request in-process through the same admission, queue and scheduler as the fronts
     * (used to measure what the REST path adds).
     */
    CompletableFuture<InferResult> infer(String model, String version, Map<String, dev.cotenant.ir.Tensor> inputs) {
        Tenant t = repository.find(model, version);
        InferRequest r = Admission.admit(t, "", inputs, (Set<String>) null, 0, 0, System.nanoTime());
        submit(r);
        return r.result;
    }

    /** Queues a decoded request, refusing it at once when the server drains or its queue is full. */
    void submit(InferRequest r) {
        if (draining) {
            throw new InferError(InferError.Kind.UNAVAILABLE, "the server is shutting down");
        }
        try {
            scheduler.enqueue(r);
        } catch (InferError e) {
            r.tenant.stats.failure(e.kind(), 0);
            throw e;
        }
    }

    /** Blocks until the server is closed. */
    public void await() throws InterruptedException {
        http.join();
    }

    @Override
    public synchronized void close() {
        if (draining && !http.running()) {
            return;
        }
        draining = true;
        scheduler.stop(options.drain());
        http.stop(options.drain());
        if (grpc != null) {
            grpc.stop(options.drain());
        }
        for (Tenant t : repository.tenants()) {
            t.close();
        }
    }
}
