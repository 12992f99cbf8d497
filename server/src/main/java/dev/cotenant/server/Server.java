package dev.cotenant.server;

import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.server.front.Binding;
import dev.cotenant.server.front.GrpcFront;
import dev.cotenant.server.front.HttpFront;
import dev.cotenant.server.metrics.Metrics;
import dev.cotenant.server.metrics.Sources;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.protocol.InferResult;
import dev.cotenant.server.regulate.MultistreamScheduler;
import dev.cotenant.server.regulate.RegulatedScheduler;
import dev.cotenant.server.regulate.Scheduler;
import dev.cotenant.server.regulate.SimOutputs;
import dev.cotenant.server.regulate.SimulatedScheduler;
import dev.cotenant.server.repository.Repository;
import dev.cotenant.server.serving.Admission;
import dev.cotenant.server.serving.Executions;
import dev.cotenant.server.serving.InferRequest;
import dev.cotenant.server.serving.Intake;
import dev.cotenant.server.serving.ServedModel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Open Inference Protocol server: the model repository, the scheduler (the regulator or the
 * multistream baseline), the REST front (with metrics and the dashboard) and the gRPC front.
 *
 * <p>Its life, each step logged:
 * <ol>
 * <li>{@link #start}: the fronts open first, so probes answer while models load: live, not
 * ready. Then every model of the repository loads.</li>
 * <li>Ready: start-up is over and, with strict readiness (the default), every model that should
 * load has loaded; a model that failed, or one that is still loading, keeps the server not
 * ready (REST {@code /v2/health/ready}, gRPC {@code ServerReady} and {@code grpc.health.v1}).</li>
 * <li>{@link #close} (on SIGTERM through {@link #closeOnShutdown}): ready turns false at once and
 * new requests are refused, while queued and running ones are answered for up to the drain
 * time; what is left then fails, and only then do the ports close, so a probe during the drain
 * reads "not ready" instead of a refused connection.</li>
 * </ol>
 */
public final class Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    final ServerOptions options;
    final Repository repository;
    final Scheduler scheduler;
    final Executions executions = new Executions(2048);
    final long startedNanos = System.nanoTime();
    private final HttpFront http;
    private final GrpcFront grpc;
    private volatile boolean started;
    private volatile boolean draining;
    private boolean closed;

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
        this.repository = new Repository(options.repository(), planThreads, options.warmupRuns(), scheduler::add, scheduler::remove,
                this::readinessChanged);
        Intake intake = new Door();
        Sources observed = new Sources(repository::models, scheduler, executions, options.policy(), options.describeDevice(), options.cores(),
                startedNanos);
        Metrics metrics = new Metrics(observed);
        this.http = new HttpFront(new Binding(options.host(), options.httpPort(), options.maxBodyBytes(), options.access()), intake, repository,
                observed, metrics);
        this.grpc = options.grpcPort() >= 0
                ? new GrpcFront(new Binding(options.host(), options.grpcPort(), options.maxBodyBytes(), options.access()), intake, repository)
                : null;
    }

    /** The server's door as its fronts see it. */
    private final class Door implements Intake {
        @Override
        public void submit(InferRequest r) {
            Server.this.submit(r);
        }

        @Override
        public boolean ready() {
            return Server.this.ready();
        }

        @Override
        public boolean taking() {
            return !draining;
        }
    }

    /**
     * Opens the fronts, loads the repository and returns serving; throws {@link ModelException}
     * when it cannot (a port taken, a repository that is not a folder).
     */
    public static Server start(ServerOptions options) {
        Server s = new Server(options);
        try {
            s.open();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void open() {
        ServerOptions o = options;
        LOG.atInfo().addKeyValue("repository", o.repository()).addKeyValue("device", o.describeDevice()).addKeyValue("policy", o.policy().name())
                .addKeyValue("cores", o.cores()).addKeyValue("concurrency", o.concurrency())
                .log("starting {} {}: strict readiness {}, model control {}, tokens {}, TLS {}, drain {} s", Intake.NAME, Intake.VERSION,
                        o.strictReadiness() ? "on" : "off", o.access().modelControl().name().toLowerCase(java.util.Locale.ROOT),
                        o.access().tokens().required() ? "from " + o.access().tokens().file() : "off",
                        o.access().tls() == null ? "off" : o.access().tls().certificate().getSubjectX500Principal().getName(),
                        o.drain().toMillis() / 1000.0);
        if (o.simOutputs() == SimOutputs.NONE) {
            LOG.warn("--sim-outputs none: outputs are NOT computed; every answer is zero tensors marked \"simulated_outputs\": true");
        }
        http.start();
        String scheme = o.access().tls() == null ? "http" : "https";
        LOG.info("REST listening on {}://{}:{} (metrics at /metrics, dashboard at /dashboard)", scheme, o.host(), http.port());
        if (grpc != null) {
            grpc.start();
            LOG.info("gRPC listening on {}:{}{}", o.host(), grpc.port(), o.access().tls() == null ? " (plaintext)" : " (TLS)");
        } else {
            LOG.info("gRPC off");
        }
        repository.loadAll();
        started = true;
        readinessChanged();
        List<String> notReady = repository.notReady();
        if (ready()) {
            LOG.info("ready: {} model versions serving", repository.models().size());
        } else {
            LOG.warn("not ready: {} (strict readiness: every model must load)", String.join("; ", notReady));
        }
    }

    /** Whether the server is ready: started, not draining, and under strict readiness every model that should load has. */
    boolean ready() {
        return started && !draining && (!options.strictReadiness() || repository.notReady().isEmpty());
    }

    private void readinessChanged() {
        if (grpc != null) {
            grpc.health(ready());
        }
    }

    public int httpPort() {
        return http.port();
    }

    /** The gRPC port, or -1 when gRPC is off. */
    public int grpcPort() {
        return grpc == null ? -1 : grpc.port();
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

    /** Closes the server when the JVM is asked to stop (SIGTERM, Ctrl-C): the drain of {@link #close}, logged. */
    public void closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutdown requested (signal)");
            close();
        }, "cotenant-shutdown"));
    }

    /**
     * Stops: not ready at once, new requests refused, queued and running ones answered for up to
     * the drain time, the rest failed, then the ports closed and the models' plans freed.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        draining = true;
        readinessChanged();
        long t0 = System.nanoTime();
        int pending = scheduler.pending();
        LOG.info("draining: not ready; {} requests queued or running, waiting up to {} s for them", pending, options.drain().toMillis() / 1000.0);
        scheduler.awaitDrained(options.drain());
        int left = scheduler.pending();
        if (left > 0) {
            LOG.warn("drain timed out after {} s: {} requests still queued or running are failed", options.drain().toMillis() / 1000.0, left);
        } else {
            LOG.info("drained in {} ms", (System.nanoTime() - t0) / 1_000_000);
        }
        scheduler.stop(java.time.Duration.ZERO);
        http.stop(options.drain());
        if (grpc != null) {
            grpc.stop(options.drain());
        }
        LOG.info("ports closed");
        for (ServedModel t : repository.models()) {
            t.close();
        }
        LOG.info("stopped");
    }
}
