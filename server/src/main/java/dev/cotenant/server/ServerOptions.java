package dev.cotenant.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link Server} is started.
 *
 * @param repository   the model repository folder
 * @param host         address to bind ({@code 127.0.0.1} in tests)
 * @param httpPort     REST port, 0 for an ephemeral one
 * @param grpcPort     gRPC port, 0 for an ephemeral one, -1 for no gRPC
 * @param policy       the scheduler: the regulator or the unregulated baseline
 * @param cores        cores of the device: the threads one batch may use
 * @param maxBodyBytes largest request body (REST) or message (gRPC) accepted
 * @param drain        how long shutdown waits for queued and running requests
 * @param concurrency  the regulator's limit on threads running batches at once (a batch alone on
 *                     the device takes {@code cores}, one among several takes one)
 * @param device       where batches run: the CPU, or a simulated GPU paced on the wall clock
 * @param searchBudgetSeconds the CPU regulator's co-location search per round key, in seconds
 *                     (0: none; every round stays on the safe policy); see {@link RoundSchedules}
 * @param warmupRuns   runs of every plan made when a model loads, on zero inputs, before it is ready
 */
public record ServerOptions(Path repository, String host, int httpPort, int grpcPort, Policy policy, int cores,
                            long maxBodyBytes, Duration drain, int concurrency, ServingDevice device, double searchBudgetSeconds,
                            int warmupRuns) {

    /** The CPU regulator's default search budget per round key, in seconds. */
    public static final double DEFAULT_SEARCH_SECONDS = 0;

    /** Runs of every plan at load by default: two, so the second already runs compiled loops. */
    public static final int DEFAULT_WARMUP_RUNS = 2;

    /** The scheduling policy of a server. */
    public enum Policy {
        /** The regulator: rounds across models within the core budget, priorities and SLOs. */
        REGULATED,
        /** Every model on its own thread with every core, unregulated (the baseline). */
        MULTISTREAM
    }

    public ServerOptions {
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be at least 1");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        if (device == null) {
            throw new IllegalArgumentException("a device is needed");
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
    }

    /**
     * Defaults for {@code repository}: loopback, ports 8000 and 8001, the regulator, every core,
     * 64 MiB bodies, concurrency twice the cores.
     */
    public static ServerOptions defaults(Path repository) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServerOptions(repository, "127.0.0.1", 8000, 8001, Policy.REGULATED, cores, 64L << 20, Duration.ofSeconds(10),
                2 * cores, new ServingDevice.Cpu(), DEFAULT_SEARCH_SECONDS, DEFAULT_WARMUP_RUNS);
    }

    public ServerOptions withPorts(int http, int grpc) {
        return new ServerOptions(repository, host, http, grpc, policy, cores, maxBodyBytes, drain, concurrency, device, searchBudgetSeconds, warmupRuns);
    }

    public ServerOptions withPolicy(Policy p) {
        return new ServerOptions(repository, host, httpPort, grpcPort, p, cores, maxBodyBytes, drain, concurrency, device, searchBudgetSeconds, warmupRuns);
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(repository, h, httpPort, grpcPort, policy, cores, maxBodyBytes, drain, concurrency, device, searchBudgetSeconds, warmupRuns);
    }

    public ServerOptions withMaxBodyBytes(long n) {
        return new ServerOptions(repository, host, httpPort, grpcPort, policy, cores, n, drain, concurrency, device, searchBudgetSeconds, warmupRuns);
    }

    /** {@code n} cores, and concurrency twice that. */
    public ServerOptions withCores(int n) {
        return new ServerOptions(repository, host, httpPort, grpcPort, policy, n, maxBodyBytes, drain, 2 * n, device, searchBudgetSeconds, warmupRuns);
    }

    public ServerOptions withConcurrency(int n) {
        return new ServerOptions(repository, host, httpPort, grpcPort, policy, cores, maxBodyBytes, drain, n, device, searchBudgetSeconds, warmupRuns);
    }

    public ServerOptions withSearchBudget(double seconds) {
        return new ServerOptions(repository, host, httpPort, grpcPort, policy, cores, maxBodyBytes, drain, concurrency, device, seconds, warmupRuns);
    }

    public ServerOptions withWarmupRuns(int runs) {
        return new ServerOptions(repository, host, httpPort, grpcPort, policy, cores, maxBodyBytes, drain, concurrency, device,
                searchBudgetSeconds, runs);
    }

    public ServerOptions withDevice(ServingDevice d) {
        return new ServerOptions(repository, host, httpPort, grpcPort, policy, cores, maxBodyBytes, drain, concurrency, d, searchBudgetSeconds, warmupRuns);
    }
}
