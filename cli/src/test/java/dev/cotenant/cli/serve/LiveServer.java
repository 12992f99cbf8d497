package dev.cotenant.cli.serve;

import dev.cotenant.cli.Main;
import dev.cotenant.server.Server;
import dev.cotenant.server.ServerOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real server on loopback, with free ports and the zoo's tiny model, that the manifests' probe
 * paths and scrape paths are asked of: a path counts as served when this server answers it.
 */
final class LiveServer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Server server;
    private final ManagedChannel channel;

    private LiveServer(Server server) {
        this.server = server;
        this.channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.grpcPort(), InsecureChannelCredentials.create()).build();
    }

    /**
     * Writes a repository with the tiny model to {@code dir} (through {@code cotenant repo}) and
     * serves it; with {@code broken}, the repository also holds a model that cannot load, so the
     * server is live but, under strict readiness, never ready: as one is while it loads.
     */
    static LiveServer start(Path dir, boolean broken) throws IOException {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "repo", dir.toString(), "--zoo", "tiny");
        if (code != 0) {
            throw new IllegalStateException("cotenant repo: " + err);
        }
        if (broken) {
            Path f = dir.resolve("broken/1/model.onnx");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "not an ONNX model");
        }
        // No co-location search and no warm-up: the checks need the routes, not speed, on shared cores.
        return new LiveServer(Server.start(ServerOptions.defaults(dir).withPorts(0, 0).withCores(1).withSearchBudget(0).withWarmupRuns(0)));
    }

    /** The status a GET of {@code path} gets from the REST port. */
    int get(String path) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                    .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode();
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** What grpc.health.v1 Check says for {@code service} on the gRPC port: SERVING, NOT_SERVING, or the call's error code. */
    String grpcHealth(String service) {
        try {
            HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(service).build());
            return r.getStatus().name();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name();
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.close();
    }

    /** The two servers the manifest checks probe: one ready, one live but not ready (a model that cannot load). */
    record Pair(LiveServer ready, LiveServer unready) implements AutoCloseable {

        static Pair start(Path dir) throws IOException {
            LiveServer ready = LiveServer.start(dir.resolve("ready"), false);
            try {
                return new Pair(ready, LiveServer.start(dir.resolve("unready"), true));
            } catch (IOException | RuntimeException e) {
                ready.close();
                throw e;
            }
        }

        /** The checks, against these two servers. */
        ManifestChecks checks() {
            return new ManifestChecks(ready, unready);
        }

        @Override
        public void close() {
            ready.close();
            unready.close();
        }
    }
}
