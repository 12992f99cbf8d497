package dev.cotenant.server;

import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.server.front.Binding;
import dev.cotenant.server.front.GrpcFront;
import dev.cotenant.server.front.HttpFront;
import dev.cotenant.server.metrics.Sources;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.protocol.InferResult;
import dev.cotenant.server.regulate.MultistreamScheduler;
import dev.cotenant.server.regulate.RegulatedScheduler;
import dev.cotenant.server.regulate.Scheduler;
import dev.cotenant.server.regulate.SimulatedScheduler;
import dev.cotenant.server.repository.Repository;
import dev.cotenant.server.serving.Admission;
import dev.cotenant.server.serving.Executions;
import dev.cotenant.server.serving.InferRequest;
import dev.cotenant.server.serving.Intake;
import dev.cotenant.server.serving.ServedModel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An Open Inference Protocol server: the model repository, the scheduler (the regulator or the
 * multistream baseline), the REST front (with metrics and the dashboard) and the gRPC front.
 * {@link #close()} stops taking requests, drains what is queued and running, then stops the fronts.
 */
public final class Server implements AutoCloseable {

    final ServerOptions options;
    final Repository repository;
    final Scheduler scheduler;
    final Executions executions = new Executions(2048);
    final long startedNanos = System.nanoTime();
    private final HttpFront http;
    private final GrpcFront grpc;
    private volatile boolean draining;

    private Server(ServerOptions options) {
        this.options = options;
        this.scheduler = switch (options.device()) {
            case CpuDevice cpu -> switch (options.policy()) {
                case Policy.Gacer g -> new RegulatedScheduler(cpu, options.concurrency(), options.searchBudgetSeconds(), executions);
                case Policy.Multistream m -> new MultistreamScheduler(executions);
                case Policy.Sequential _, Policy.Interleave _, Policy.Given _, Policy.Timeslice _, Policy.Mps _, Policy.Mig _ ->
                        throw new IllegalArgumentException("policy '" + options.policy().name() + "' does not serve");
            };
            case SimulatedGpu gpu -> new SimulatedScheduler(gpu, options.policy(), options.simOutputs(), options.cores(), executions);
        };
        // On the simulated GPU the host computes a batch on one thread (batches of different tenants
        // run side by side on its cores), so only one-thread plans are made: plans hold packed
        // weights, and a plan per batch size and thread count of a large model does not fit a heap.
        int planThreads = switch (options.device()) {
            case CpuDevice cpu -> cpu.cores();
            case SimulatedGpu gpu -> 1;
        };
        this.repository = new Repository(options.repository(), planThreads, options.warmupRuns(), scheduler::add, scheduler::remove);
        repository.loadAll();
        Intake intake = new Door();
        Sources observed = new Sources(repository::models, scheduler, executions, options.policy(), options.describeDevice(), options.cores(),
                startedNanos);
        this.http = new HttpFront(new Binding(options.host(), options.httpPort(), options.maxBodyBytes()), intake, repository, observed);
        this.grpc = options.grpcPort() >= 0
                ? new GrpcFront(new Binding(options.host(), options.grpcPort(), options.maxBodyBytes()), intake, repository) : null;
    }

    /** The server's door as its fronts see it. */
    private final class Door implements Intake {
        @Override
        public void submit(InferRequest r) {
            Server.this.submit(r);
        }

        @Override
        public boolean ready() {
            return !draining;
        }
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
    public CompletableFuture<InferResult> infer(String model, String version, Map<String, Tensor> inputs) {
        ServedModel t = repository.find(model, version);
        InferRequest r = Admission.admit(t, "", inputs, (Set<String>) null, 0, 0, System.nanoTime());
        submit(r);
        return r.result();
    }

    /**
     * Queues a decoded request, refusing it at once when the server drains or its queue is full. A
     * request refused by the scheduler's door is ended refused ({@link InferRequest#refuse}), counted
     * as a failure of no latency; one refused while draining never reached the scheduler and is not
     * counted.
     */
    private void submit(InferRequest r) {
        if (draining) {
            throw new InferError(InferError.Kind.UNAVAILABLE, "the server is shutting down");
        }
        try {
            scheduler.enqueue(r);
        } catch (InferError e) {
            throw r.refuse(e);
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
        for (ServedModel t : repository.models()) {
            t.close();
        }
    }
}
