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
 * @param cores        cores the scheduler may use (the device's size)
 * @param maxBodyBytes largest request body (REST) or message (gRPC) accepted
 * @param drain        how long shutdown waits for queued and running requests
 */
public record ServerOptions(Path repository, String host, int httpPort, int grpcPort, Policy policy, int cores,
                            long maxBodyBytes, Duration drain) {

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
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("the body limit must be positive");
        }
    }

    /** Defaults for {@code repository}: loopback, ports 8000 and 8001, the regulator, every core, 64 MiB bodies. */
    public static ServerOptions defaults(Path repository) {
        return new ServerOptions(repository, "127.0.0.1", 8000, 8001, Policy.REGULATED,
                Runtime.getRuntime().availableProcessors(), 64L << 20, Duration.ofSeconds(10));
    }

    public ServerOptions withPorts(int http, int grpc) {
        return new ServerOptions(repository, host, http, grpc, policy, cores, maxBodyBytes, drain);
    }

    public ServerOptions withPolicy(Policy p) {
        return new ServerOptions(repository, host, httpPort, grpcPort, p, cores, maxBodyBytes, drain);
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(repository, h, httpPort, grpcPort, policy, cores, maxBodyBytes, drain);
    }

    public ServerOptions withMaxBodyBytes(long n) {
        return new ServerOptions(repository, host, httpPort, grpcPort, policy, cores, n, drain);
    }

    public ServerOptions withCores(int n) {
        return new ServerOptions(repository, host, httpPort, grpcPort, policy, n, maxBodyBytes, drain);
    }
}
