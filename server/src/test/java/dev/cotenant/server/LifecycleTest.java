package dev.cotenant.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.server.access.Access;
import dev.cotenant.server.access.ModelControl;
import dev.cotenant.server.wire.GRPCInferenceServiceGrpc;
import dev.cotenant.server.wire.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probes and lifecycle on real servers: strict readiness with a broken model, the gRPC health
 * service per service, and a server process stopped by SIGTERM that answers "not ready" while it
 * drains, finishes what it had, then closes its ports.
 */
class LifecycleTest {

    private static ServingStatus health(ManagedChannel c, String service) {
        return HealthGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    private static boolean grpcReady(ManagedChannel c) {
        return GRPCInferenceServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReady(ServerReadyRequest.getDefaultInstance()).getReady();
    }

    @Test
    void strictReadinessHoldsTheServerNotReadyWhileAModelIsBrokenAndHealthSaysSoPerService(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), null);
        Path broken = repo.resolve("broken").resolve("1");
        Files.createDirectories(broken);
        Files.write(broken.resolve("model.onnx"), new byte[] {1, 2, 3});
        try (Server s = Server.start(Fixtures.options(repo).withAccess(Access.DEFAULT.withModelControl(ModelControl.EXPLICIT)))) {
            ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", s.grpcPort()).usePlaintext().build();
            try {
                assertEquals(200, Fixtures.get(s, "/v2/health/live").status());
                assertEquals(503, Fixtures.get(s, "/v2/health/ready").status());
                assertFalse(grpcReady(c));
                assertEquals(ServingStatus.NOT_SERVING, health(c, ""));
                assertEquals(ServingStatus.NOT_SERVING, health(c, "inference.GRPCInferenceService"));
                assertEquals(200, Fixtures.get(s, "/v2/models/tiny/ready").status(), "the loaded model is ready on its own");
                assertEquals(200, Fixtures.post(s, "/v2/models/tiny/infer", Fixtures.tinyBody()).status(), "and serves");
                StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> health(c, "no.such.Service"));
                assertEquals("NOT_FOUND", unknown.getStatus().getCode().name());

                // the broken model is fixed and loaded again: the server turns ready, and health follows
                Fixtures.put(repo, "broken", Fixtures.tiny(), null);
                assertEquals(200, Fixtures.post(s, "/v2/repository/models/broken/load", "").status());
                assertEquals(200, Fixtures.get(s, "/v2/health/ready").status());
                assertTrue(grpcReady(c));
                assertEquals(ServingStatus.SERVING, health(c, ""));
                assertEquals(ServingStatus.SERVING, health(c, "inference.GRPCInferenceService"));
                // unloading a model on purpose does not make the server unready
                assertEquals(200, Fixtures.post(s, "/v2/repository/models/broken/unload", "").status());
                assertEquals(200, Fixtures.get(s, "/v2/health/ready").status());
            } finally {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        Path again = repo.resolve("broken").resolve("1").resolve("model.onnx");
        Files.write(again, new byte[] {1, 2, 3});
        try (Server lax = Server.start(Fixtures.options(repo).withStrictReadiness(false))) {
            assertEquals(200, Fixtures.get(lax, "/v2/health/ready").status(), "without strict readiness, ready once started");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** GETs {@code path} on port {@code port}; -1 when the connection is refused. */
    private static int status(int port, String path) throws InterruptedException {
        try {
            return Fixtures.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                    .timeout(java.time.Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (ConnectException e) {
            return -1;
        } catch (IOException e) {
            return e.getCause() instanceof ConnectException || String.valueOf(e.getMessage()).contains("Connection refused") ? -1 : -2;
        }
    }

    @Test
    void sigtermMakesTheServerNotReadyDrainsWhatItHasThenClosesItsPorts(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "slow", Fixtures.slow(16), "max_batch_size: 1");
        int http = freePort();
        int grpc = freePort();
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path logFile = repo.resolve("server.log");
        Process p = new ProcessBuilder(java, "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                ServeChild.class.getName(), repo.toString(), Integer.toString(http), Integer.toString(grpc), "30", "3")
                .redirectError(logFile.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        java.util.function.Supplier<String> log = () -> {
            try {
                return Files.readString(logFile);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        };
        try {
            // live before ready: the ports open first, the model loads (and warms up) after
            List<Integer> readyWhileLive = new ArrayList<>();
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (status(http, "/v2/health/live") == 200) {
                    int ready = status(http, "/v2/health/ready");
                    readyWhileLive.add(ready);
                    if (ready == 200) {
                        break;
                    }
                }
                assertTrue(p.isAlive(), "the server process died: " + log.get());
                Thread.sleep(10);
            }
            assertEquals(200, readyWhileLive.getLast(), "ready in the end: " + log.get());
            assertTrue(readyWhileLive.contains(503), "not ready while the model loaded, though live: " + readyWhileLive);

            ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", grpc).usePlaintext().build();
            assertEquals(ServingStatus.SERVING, health(c, ""), "ready, and gRPC health says so");
            ServerForPort s = new ServerForPort(http);
            Object[] body = Fixtures.slowBody(Map.of());
            List<CompletableFuture<HttpResponse<byte[]>>> sent = new ArrayList<>();
            for (int i = 0; i < 24; i++) { // a second or so of work on two cores, one batch of one at a time
                sent.add(Fixtures.postAsync(s.uri(), (byte[]) body[0], (int) body[1]));
            }
            long queued = System.nanoTime() + 30_000_000_000L;
            while (pending(http) < 4 && System.nanoTime() < queued) { // the requests are queued and running
                Thread.sleep(2);
            }
            p.destroy(); // SIGTERM
            List<Integer> during = new ArrayList<>();
            // gRPC health is asked once HTTP readiness has turned: the signal reaches the server a
            // moment after destroy() returns, and a first probe may still find it serving.
            List<ServingStatus> healthDuring = new ArrayList<>();
            while (sent.stream().anyMatch(f -> !f.isDone())) {
                during.add(status(http, "/v2/health/ready"));
                if (during.getLast() == 503 && !healthDuring.contains(ServingStatus.NOT_SERVING)) {
                    try {
                        healthDuring.add(health(c, ""));
                    } catch (StatusRuntimeException e) {
                        healthDuring.add(ServingStatus.UNKNOWN); // the drain ended between the two probes
                    }
                }
                Thread.sleep(5);
            }
            c.shutdownNow();
            String childLog = log.get();
            List<String> outcomes = sent.stream().map(f -> f.isCompletedExceptionally() ? f.exceptionNow().toString() : Integer.toString(f.resultNow().statusCode())).toList();
            assertTrue(during.contains(503), "probes read 'not ready' during the drain, not a refused connection: " + during + "; answers " + outcomes + "\n" + childLog);
            // the port stays open while there is work; it closes (-1) only once the last answer has gone out
            assertFalse(during.subList(0, during.lastIndexOf(503)).contains(-1), "the port stays open while draining: " + during);
            assertTrue(healthDuring.contains(ServingStatus.NOT_SERVING), "gRPC health says not serving during the drain: " + healthDuring);
            for (CompletableFuture<HttpResponse<byte[]>> f : sent) {
                HttpResponse<byte[]> r = f.get(60, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), "queued and running requests are answered: " + new String(r.body(), StandardCharsets.UTF_8));
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server exits after its drain");
            assertEquals(-1, status(http, "/v2/health/live"), "then the port is closed");
            String text = log.get();
            for (String step : new String[] {"shutdown requested (signal)", "draining: not ready;", "drained in ", "ports closed", "stopped"}) {
                assertTrue(text.contains(step), "logged: " + step + "\n" + text);
            }
            assertTrue(text.indexOf("draining") < text.indexOf("ports closed"), text);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Requests queued or running in the server on {@code port}, from its metrics. */
    private static double pending(int port) throws Exception {
        String scrape = Fixtures.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(java.time.Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        return Fixtures.metric(scrape, "cotenant_pending_requests");
    }

    /** The base URI of a server known only by its port. */
    private record ServerForPort(int port) {
        java.net.URI uri() {
            return java.net.URI.create("http://127.0.0.1:" + port + "/v2/models/slow/infer");
        }
    }
}
