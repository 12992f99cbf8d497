package dev.cotenant.server.front;

import dev.cotenant.ir.ModelException;
import dev.cotenant.server.access.Tls;
import dev.cotenant.server.repository.Repository;
import dev.cotenant.server.serving.Intake;
import dev.cotenant.server.wire.GRPCInferenceServiceGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC front on grpc-java, in plaintext or over TLS ({@code --tls-cert}): Triton's
 * {@code inference.GRPCInferenceService} ({@link GrpcService}) and the standard health service
 * {@code grpc.health.v1.Health}, which Kubernetes' gRPC probes call. The health service reports
 * per service: the server as a whole ({@code ""}) and {@code inference.GRPCInferenceService} are
 * SERVING exactly while the server is ready (REST's {@code /v2/health/ready}), and NOT_SERVING
 * while models load, when one failed under strict readiness, and from the start of a drain.
 */
public final class GrpcFront {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcFront.class);

    /** The services whose health is reported: the server as a whole, and the inference service. */
    static final String[] SERVICES = {HealthStatusManager.SERVICE_NAME_ALL_SERVICES, GRPCInferenceServiceGrpc.SERVICE_NAME};

    private final Binding binding;
    private final io.grpc.Server grpc;
    private final HealthStatusManager health = new HealthStatusManager();

    /** A front on {@code binding} that hands requests to {@code intake}. */
    public GrpcFront(Binding binding, Intake intake, Repository repository) {
        this.binding = binding;
        Tls tls = binding.access().tls();
        ServerCredentials credentials = tls == null ? InsecureServerCredentials.create()
                : TlsServerCredentials.newBuilder().keyManager(tls.keyManagers()).build();
        health(false);
        this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(binding.host(), binding.port()), credentials)
                .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, binding.maxBodyBytes()))
                .addService(new GrpcService(intake, repository, binding.access().modelControl()))
                .addService(health.getHealthService())
                .intercept(new GrpcCalls(binding.access().tokens()))
                .build();
    }

    public void start() {
        try {
            grpc.start();
        } catch (IOException e) {
            throw new ModelException("cannot start the gRPC server on " + binding.host() + ":" + binding.port()
                    + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return grpc.getPort();
    }

    /** Reports the server ready ({@code SERVING}) or not to {@code grpc.health.v1} callers. */
    public void health(boolean ready) {
        for (String s : SERVICES) {
            health.setStatus(s, ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        }
    }

    /** Stops taking calls, lets running ones finish for up to {@code drain}, then closes the port. */
    public void stop(Duration drain) {
        health.enterTerminalState();
        grpc.shutdown();
        try {
            if (!grpc.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("gRPC calls still running after {} ms are cancelled", drain.toMillis());
                grpc.shutdownNow();
            }
        } catch (InterruptedException e) {
            grpc.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
