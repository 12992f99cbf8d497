package dev.cotenant.server;

import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.Device;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.server.access.Access;
import dev.cotenant.server.regulate.SimOutputs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How a {@link Server} is started.
 *
 * @param repository   the model repository folder
 * @param host         address to bind ({@code 127.0.0.1} in tests)
 * @param httpPort     REST port, 0 for an ephemeral one
 * @param grpcPort     gRPC port, 0 for an ephemeral one, -1 for no gRPC
 * @param policy       how the models share the device: {@link Policy.Gacer} is the regulator (rounds
 *                     across models within the core budget, priorities and SLOs, searched schedules),
 *                     {@link Policy.Multistream} the unregulated baseline; no other policy serves
 * @param cores        cores of the device: the threads one batch may use (a CPU device has exactly these)
 * @param maxBodyBytes largest request body (REST) or message (gRPC) accepted
 * @param drain        how long shutdown waits for queued and running requests ({@code --drain-timeout})
 * @param concurrency  the regulator's limit on threads running batches at once (a batch alone on
 *                     the device takes {@code cores}, one among several takes one)
 * @param device       where batches run: the CPU, or a simulated GPU paced on the wall clock
 * @param simOutputs   what a simulated GPU answers with (outputs computed on the host, or zeros);
 *                     only {@link SimOutputs#REAL} on the CPU
 * @param searchBudgetSeconds the CPU regulator's co-location search per round key, in seconds
 *                     (0: none; every round stays on the safe policy): the regulator's round schedules
 * @param warmupRuns   runs of every plan made when a model loads, on zero inputs, before it is ready
 * @param strictReadiness whether the server is ready only when every model that should load has
 *                     loaded (Triton's {@code --strict-readiness}, on by default); off, it is ready
 *                     once start-up is over, whatever failed
 * @param access       tokens, model control and TLS
 */
public record ServerOptions(Path repository, String host, int httpPort, int grpcPort, Policy policy, int cores,
                            long maxBodyBytes, Duration drain, int concurrency, Device device, SimOutputs simOutputs,
                            double searchBudgetSeconds, int warmupRuns, boolean strictReadiness, Access access) {

    /** The CPU regulator's default search budget per round key, in seconds. */
    public static final double DEFAULT_SEARCH_SECONDS = 0;

    /** Runs of every plan at load by default: two, so the second already runs compiled loops. */
    public static final int DEFAULT_WARMUP_RUNS = 2;

    /** How long shutdown waits for queued and running requests by default. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

    public ServerOptions {
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be at least 1");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        if (device == null || policy == null || simOutputs == null || access == null || drain == null) {
            throw new IllegalArgumentException("a device, a policy, simulated outputs, access and a drain time are needed");
        }
        if (!serves(policy, device)) {
            throw new IllegalArgumentException("policy '" + policy.name() + "' does not serve on " + device.describe()
                    + ": a server runs gacer (the regulator) or multistream, and on a simulated GPU plain mps");
        }
        if (device instanceof CpuDevice c && c.cores() != cores) {
            throw new IllegalArgumentException("the CPU device has " + c.cores() + " cores but the options say " + cores);
        }
        if (device instanceof CpuDevice && simOutputs != SimOutputs.REAL) {
            throw new IllegalArgumentException("simulated outputs apply only to a simulated GPU");
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("the body limit must be positive");
        }
        if (warmupRuns < 0) {
            throw new IllegalArgumentException("warm-up runs must be 0 or more, got " + warmupRuns);
        }
        if (!(searchBudgetSeconds >= 0)) {
            throw new IllegalArgumentException("the search budget must be 0 or more seconds, got " + searchBudgetSeconds);
        }
        if (drain.isNegative()) {
            throw new IllegalArgumentException("the drain time must be 0 or more, got " + drain);
        }
    }

    /**
     * Whether a server can serve under {@code p} on {@code device}: the regulator ({@link
     * Policy.Gacer}, every stream its own host thread) or the multistream baseline anywhere, and on
     * a simulated GPU plain MPS (a process per batch, each with its own host thread and work queues).
     * The others make one schedule for a fixed workload, or are a GPU's partitions with caps, and
     * have no form for requests that come and go.
     */
    public static boolean serves(Policy p, Device device) {
        return switch (p) {
            case Policy.Gacer g -> !g.oneHostThread();
            case Policy.Multistream m -> !m.oneHostThread();
            case Policy.Mps mps -> device instanceof SimulatedGpu && mps.percent().isEmpty();
            case Policy.Sequential _, Policy.Interleave _, Policy.Given _, Policy.Timeslice _, Policy.Mig _ -> false;
        };
    }

    /**
     * Defaults for {@code repository}: loopback, ports 8000 and 8001, the regulator, the CPU with
     * every core, 64 MiB bodies, concurrency twice the cores, a 10 s drain, strict readiness, no
     * tokens, no TLS and no model control over the API.
     */
    public static ServerOptions defaults(Path repository) {
        CpuDevice cpu = CpuDevice.host();
        return new ServerOptions(repository, "127.0.0.1", 8000, 8001, new Policy.Gacer(false), cpu.cores(), 64L << 20, DEFAULT_DRAIN,
                2 * cpu.cores(), cpu, SimOutputs.REAL, DEFAULT_SEARCH_SECONDS, DEFAULT_WARMUP_RUNS, true, Access.DEFAULT);
    }

    /** One line for logs and the dashboard: the device, and on a simulated GPU what its answers hold. */
    public String describeDevice() {
        return switch (device) {
            case CpuDevice c -> "cpu";
            case SimulatedGpu g -> g.spec() + " (" + g.gpu().name() + ", " + Device.spell(g.precision()) + ", outputs " + switch (simOutputs) {
                case REAL -> "computed on the host";
                case NONE -> "NOT computed: zero tensors marked simulated_outputs";
            } + ")";
        };
    }

    /** The options as a mutable copy, so each {@code with} names only what it changes. */
    private static final class Copy {
        Path repository;
        String host;
        int httpPort;
        int grpcPort;
        Policy policy;
        int cores;
        long maxBodyBytes;
        Duration drain;
        int concurrency;
        Device device;
        SimOutputs simOutputs;
        double searchBudgetSeconds;
        int warmupRuns;
        boolean strictReadiness;
        Access access;

        Copy(ServerOptions o) {
            repository = o.repository;
            host = o.host;
            httpPort = o.httpPort;
            grpcPort = o.grpcPort;
            policy = o.policy;
            cores = o.cores;
            maxBodyBytes = o.maxBodyBytes;
            drain = o.drain;
            concurrency = o.concurrency;
            device = o.device;
            simOutputs = o.simOutputs;
            searchBudgetSeconds = o.searchBudgetSeconds;
            warmupRuns = o.warmupRuns;
            strictReadiness = o.strictReadiness;
            access = o.access;
        }

        ServerOptions build() {
            return new ServerOptions(repository, host, httpPort, grpcPort, policy, cores, maxBodyBytes, drain, concurrency, device, simOutputs,
                    searchBudgetSeconds, warmupRuns, strictReadiness, access);
        }
    }

    private ServerOptions with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    public ServerOptions withPorts(int http, int grpc) {
        return with(c -> {
            c.httpPort = http;
            c.grpcPort = grpc;
        });
    }

    public ServerOptions withPolicy(Policy p) {
        return with(c -> c.policy = p);
    }

    public ServerOptions withHost(String h) {
        return with(c -> c.host = h);
    }

    public ServerOptions withMaxBodyBytes(long n) {
        return with(c -> c.maxBodyBytes = n);
    }

    /** {@code n} cores, and concurrency twice that; on the CPU, a device of {@code n} cores. */
    public ServerOptions withCores(int n) {
        return with(c -> {
            c.cores = n;
            c.concurrency = 2 * n;
            c.device = device instanceof CpuDevice ? new CpuDevice(n) : device;
        });
    }

    public ServerOptions withConcurrency(int n) {
        return with(c -> c.concurrency = n);
    }

    public ServerOptions withSearchBudget(double seconds) {
        return with(c -> c.searchBudgetSeconds = seconds);
    }

    public ServerOptions withWarmupRuns(int runs) {
        return with(c -> c.warmupRuns = runs);
    }

    /**
     * Batches run on {@code d}. A CPU device brings its cores (and its answers are always real); a
     * simulated GPU keeps the cores, which are then the host's, computing its outputs.
     */
    public ServerOptions withDevice(Device d) {
        return with(c -> {
            c.device = d;
            if (d instanceof CpuDevice cpu) {
                c.cores = cpu.cores();
                c.simOutputs = SimOutputs.REAL;
            }
        });
    }

    /** What a simulated GPU answers with. */
    public ServerOptions withSimOutputs(SimOutputs o) {
        return with(c -> c.simOutputs = o);
    }

    /** How long shutdown waits for queued and running requests before failing them and closing the ports. */
    public ServerOptions withDrain(Duration d) {
        return with(c -> c.drain = d);
    }

    public ServerOptions withStrictReadiness(boolean strict) {
        return with(c -> c.strictReadiness = strict);
    }

    public ServerOptions withAccess(Access a) {
        return with(c -> c.access = a);
    }
}
