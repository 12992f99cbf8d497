package dev.cotenant.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cotenant.server.logs.LogFormat;
import dev.cotenant.server.logs.Logs;
import dev.cotenant.server.wire.GRPCInferenceServiceGrpc;
import dev.cotenant.server.wire.ModelMetadataRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The server's logs as an operator reads them: every line of {@code --log-format json} parses as
 * one JSON object with time, level, logger and message; there is an access line per request with
 * its model, version, protocol, status, queue and compute time; start-up, model load, load error,
 * config warning and shutdown each have their line. Text lines carry the same pairs after the message.
 */
class LogsTest {

    @AfterEach
    void putBackTheTestLogs() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ContextInitializer(ctx).autoConfig();
    }

    private static List<JsonNode> lines(ByteArrayOutputStream out) throws Exception {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode n = Fixtures.JSON.readTree(line);
            assertTrue(n.isObject(), line);
            for (String field : new String[] {"time", "level", "logger", "thread", "message"}) {
                assertTrue(n.path(field).isTextual(), field + " in " + line);
            }
            parsed.add(n);
        }
        return parsed;
    }

    private static JsonNode find(List<JsonNode> lines, String what, Predicate<JsonNode> p) {
        return lines.stream().filter(p).findFirst().orElseThrow(() -> new AssertionError("no line for " + what + " in " + lines));
    }

    @Test
    void jsonLinesParseOneByOneWithAnAccessLinePerRequestAndTheServersLife(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), "max_batch_size: 4\nmodel_warmup [ { name: \"w\" } ]\n");
        Path broken = repo.resolve("broken").resolve("1");
        Files.createDirectories(broken);
        Files.write(broken.resolve("model.onnx"), new byte[] {1, 2, 3});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logs.configure(LogFormat.JSON, "info", true, out);
        try (Server s = Server.start(Fixtures.options(repo))) {
            assertEquals(200, Fixtures.post(s, "/v2/models/tiny/infer", Fixtures.tinyBody()).status());
            assertEquals(400, Fixtures.post(s, "/v2/models/tiny/infer", "{\"inputs\": 3}").status());
            assertEquals(404, Fixtures.get(s, "/v2/models/nope").status());
            assertEquals(200, Fixtures.get(s, "/v2/health/live").status());
            ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", s.grpcPort()).usePlaintext().build();
            try {
                var stub = GRPCInferenceServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
                stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("tiny").build());
                try {
                    stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("nope").build());
                } catch (StatusRuntimeException expected) {
                    // logged NOT_FOUND
                }
            } finally {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        List<JsonNode> lines = lines(out);
        String access = Logs.ACCESS;
        JsonNode ok = find(lines, "the answered inference", n -> n.path("logger").asText().equals(access)
                && n.path("path").asText().equals("/v2/models/tiny/infer") && n.path("status").asInt() == 200);
        assertEquals("rest", ok.path("protocol").asText());
        assertEquals("POST", ok.path("method").asText());
        assertEquals("tiny", ok.path("model").asText());
        assertEquals("latest", ok.path("version").asText());
        assertEquals("INFO", ok.path("level").asText());
        assertTrue(ok.path("status").isInt() && ok.path("duration_ms").isNumber() && ok.path("queue_ms").isNumber() && ok.path("compute_ms").isNumber(), ok.toString());
        assertTrue(ok.path("client").asText().startsWith("127.0.0.1:"), ok.toString());
        JsonNode bad = find(lines, "the bad request", n -> n.path("logger").asText().equals(access) && n.path("status").asInt() == 400);
        assertEquals("/v2/models/tiny/infer", bad.path("path").asText());
        find(lines, "the unknown model", n -> n.path("logger").asText().equals(access) && n.path("status").asInt() == 404);
        assertTrue(lines.stream().noneMatch(n -> n.path("path").asText().equals("/v2/health/live")), "probes are logged at DEBUG only");
        JsonNode grpc = find(lines, "the gRPC call", n -> n.path("protocol").asText().equals("grpc") && n.path("status").asText().equals("OK"));
        assertEquals("inference.GRPCInferenceService/ModelMetadata", grpc.path("path").asText());
        assertEquals("tiny", grpc.path("model").asText());
        find(lines, "the gRPC NOT_FOUND", n -> n.path("protocol").asText().equals("grpc") && n.path("status").asText().equals("NOT_FOUND"));

        find(lines, "start-up", n -> n.path("message").asText().startsWith("starting cotenant") && n.path("device").asText().equals("cpu"));
        find(lines, "the REST port", n -> n.path("message").asText().startsWith("REST listening on http://127.0.0.1:"));
        JsonNode loaded = find(lines, "the model load", n -> n.path("message").asText().equals("model 'tiny' ready, versions 1"));
        assertEquals(4, loaded.path("max_batch_size").asInt());
        JsonNode failed = find(lines, "the load error", n -> n.path("message").asText().startsWith("model 'broken' failed to load"));
        assertEquals("ERROR", failed.path("level").asText());
        JsonNode warned = find(lines, "the config warning", n -> n.path("message").asText().contains("model_warmup is read but not honoured"));
        assertEquals("WARN", warned.path("level").asText());
        find(lines, "not ready", n -> n.path("message").asText().startsWith("not ready: broken UNAVAILABLE"));
        for (String step : new String[] {"draining: not ready;", "drained in ", "ports closed", "stopped"}) {
            find(lines, step, n -> n.path("message").asText().startsWith(step));
        }
    }

    @Test
    void textLinesCarryTheSamePairsAfterTheMessage(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logs.configure(LogFormat.TEXT, "info", true, out);
        try (Server s = Server.start(Fixtures.options(repo))) {
            assertEquals(200, Fixtures.post(s, "/v2/models/tiny/infer", Fixtures.tinyBody()).status());
        }
        String text = out.toString(StandardCharsets.UTF_8);
        String line = text.lines().filter(l -> l.contains("POST /v2/models/tiny/infer 200")).findFirst().orElseThrow(() -> new AssertionError(text));
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  access: POST /v2/models/tiny/infer 200 protocol=rest .*"), line);
        assertTrue(line.contains(" model=tiny version=latest ") && line.contains(" queue_ms="), line);
    }

    @Test
    void reconfiguringNeverClosesTheCallersStream() {
        boolean[] closed = {false};
        StringBuilder seen = new StringBuilder();
        java.io.OutputStream err = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                if (closed[0]) {
                    throw new IllegalStateException("written after close");
                }
                seen.append((char) b);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        Logs.configure(LogFormat.TEXT, "info", true, err);
        LoggerFactory.getLogger("first").info("one");
        Logs.configure(LogFormat.JSON, "info", true, err); // stops the first appender
        LoggerFactory.getLogger("second").info("two");
        assertTrue(!closed[0] && seen.toString().contains("first: one") && seen.toString().contains("\"message\":\"two\""), seen.toString());
    }
}
