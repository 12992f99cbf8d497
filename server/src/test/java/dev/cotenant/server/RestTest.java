package dev.cotenant.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cotenant.server.access.Access;
import dev.cotenant.server.access.ModelControl;
import dev.cotenant.server.protocol.RawTensors;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every REST endpoint against a real server on loopback, and every kind of bad input. */
class RestTest {

    @TempDir
    static Path repo;
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), """
                max_batch_size: 8
                instance_group [ { count: 1 kind: KIND_CPU } ]
                dynamic_batching { preferred_batch_size: [ 4, 8 ] max_queue_delay_microseconds: 100 }
                parameters { key: "slo_ms" value { string_value: "50" } }
                """);
        Fixtures.put(repo, "doubler", Fixtures.doubler(), null);
        Path broken = repo.resolve("broken").resolve("1");
        Files.createDirectories(broken);
        Files.write(broken.resolve("model.onnx"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        server = Server.start(Fixtures.options(repo).withMaxBodyBytes(64 << 10)
                .withAccess(Access.DEFAULT.withModelControl(ModelControl.EXPLICIT)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode json(Fixtures.Reply r) throws Exception {
        return Fixtures.JSON.readTree(r.body());
    }

    @Test
    void healthAndServerMetadata() throws Exception {
        assertEquals(200, Fixtures.get(server, "/v2/health/live").status());
        Fixtures.Reply ready = Fixtures.get(server, "/v2/health/ready");
        assertEquals(503, ready.status(), "strict readiness: model 'broken' failed to load");
        assertEquals("{\"ready\":false}", ready.body());
        JsonNode m = json(Fixtures.get(server, "/v2"));
        assertEquals("cotenant", m.get("name").asText());
        assertTrue(m.get("extensions").toString().contains("binary_tensor_data"));
    }

    @Test
    void modelMetadataAndReadiness() throws Exception {
        JsonNode m = json(Fixtures.get(server, "/v2/models/tiny"));
        assertEquals("tiny", m.get("name").asText());
        assertEquals("[\"1\"]", m.get("versions").toString());
        assertEquals("{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[-1,16]}", m.get("inputs").get(0).toString());
        assertEquals("{\"name\":\"relu.out\",\"datatype\":\"FP32\",\"shape\":[-1,16]}", m.get("outputs").get(0).toString());
        assertEquals(200, Fixtures.get(server, "/v2/models/tiny/versions/1").status());
        assertEquals(200, Fixtures.get(server, "/v2/models/tiny/ready").status());
        assertEquals(200, Fixtures.get(server, "/v2/models/tiny/versions/1/ready").status());
        assertEquals("INT64", json(Fixtures.get(server, "/v2/models/doubler")).get("inputs").get(0).get("datatype").asText());
    }

    @Test
    void inferJson() throws Exception {
        Fixtures.Reply r = Fixtures.post(server, "/v2/models/tiny/infer", Fixtures.tinyBody());
        assertEquals(200, r.status(), r.body());
        JsonNode out = json(r);
        assertEquals("tiny", out.get("model_name").asText());
        assertEquals("r1", out.get("id").asText());
        JsonNode o = out.get("outputs").get(0);
        assertEquals("relu.out", o.get("name").asText());
        assertEquals("[1,16]", o.get("shape").toString());
        assertEquals(0.0, o.get("data").get(0).asDouble());
        assertEquals(2.0, o.get("data").get(1).asDouble());
        assertEquals(28.0, o.get("data").get(14).asDouble());
        assertEquals(0.0, o.get("data").get(15).asDouble(), "Relu clips -100 + 15");
    }

    @Test
    void inferNestedDataBatchOfTwoAndIntegers() throws Exception {
        Fixtures.Reply r = Fixtures.post(server, "/v2/models/doubler/versions/1/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"INT64\",\"data\":[[1,2,3],[-4,5,6]]}],"
                        + "\"outputs\":[{\"name\":\"mul.out\"}]}");
        assertEquals(200, r.status(), r.body());
        JsonNode o = json(r).get("outputs").get(0);
        assertEquals("INT64", o.get("datatype").asText());
        assertEquals("[2,3]", o.get("shape").toString());
        assertEquals("[2,4,6,-8,10,12]", o.get("data").toString());
    }

    @Test
    void inferBinaryDataBothWays() throws Exception {
        String header = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,16],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":64}}],"
                + "\"outputs\":[{\"name\":\"relu.out\",\"parameters\":{\"binary_data\":true}}]}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(h.length + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(h);
        for (int i = 0; i < 16; i++) {
            b.putFloat(i == 3 ? -50f : 1f);
        }
        Fixtures.Reply r = Fixtures.post(server, "/v2/models/tiny/infer", b.array(), h.length);
        assertEquals(200, r.status(), r.body());
        int jsonLength = Integer.parseInt(r.raw().headers().firstValue(RawTensors.HEADER_LENGTH).orElseThrow());
        byte[] body = r.raw().body();
        JsonNode meta = Fixtures.JSON.readTree(new String(body, 0, jsonLength, StandardCharsets.UTF_8));
        assertEquals(64, meta.get("outputs").get(0).get("parameters").get("binary_data_size").asInt());
        ByteBuffer out = ByteBuffer.wrap(body, jsonLength, 64).order(ByteOrder.LITTLE_ENDIAN);
        float[] y = new float[16];
        out.asFloatBuffer().get(y);
        assertArrayEquals(new float[] {1, 2, 3, 0, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, y);
    }

    private static void assertError(Fixtures.Reply r, int status, String fragment) throws Exception {
        assertEquals(status, r.status(), r.body());
        String msg = json(r).get("error").asText();
        assertTrue(msg.contains(fragment), "error '" + msg + "' should mention '" + fragment + "'");
    }

    @Test
    void badInputsGetClearErrors() throws Exception {
        assertError(Fixtures.post(server, "/v2/models/tiny/infer", "{\"inputs\":[{\"name\":"), 400, "malformed JSON");
        assertError(Fixtures.post(server, "/v2/models/tiny/infer", "[1,2]"), 400, "JSON object");
        assertError(Fixtures.post(server, "/v2/models/tiny/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,15],\"datatype\":\"FP32\",\"data\":[1]}]}"), 400, "does not match the model's [-1, 16]");
        assertError(Fixtures.post(server, "/v2/models/tiny/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,16],\"datatype\":\"INT32\",\"data\":[1]}]}"), 400, "datatype INT32 but the model expects FP32");
        assertError(Fixtures.post(server, "/v2/models/tiny/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,16],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}"), 400, "has 3 elements but shape [1, 16] needs 16");
        assertError(Fixtures.post(server, "/v2/models/tiny/infer",
                "{\"inputs\":[{\"name\":\"y\",\"shape\":[1,16],\"datatype\":\"FP32\",\"data\":[1]}]}"), 400, "has no input 'y'");
        assertError(Fixtures.post(server, "/v2/models/tiny/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[9,16],\"datatype\":\"FP32\",\"data\":[1]}]}"), 400, "batch size 9 is outside 1..8");
        assertError(Fixtures.post(server, "/v2/models/tiny/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,16],\"datatype\":\"FP32\",\"data\":[\"a\"]}]}"), 400, "not a number");
        assertError(Fixtures.post(server, "/v2/models/tiny/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,16],\"datatype\":\"BYTES\",\"data\":[1]}]}"), 400, "BYTES");
        assertError(Fixtures.post(server, "/v2/models/nosuch/infer", Fixtures.tinyBody()), 404, "unknown model 'nosuch'");
        assertError(Fixtures.post(server, "/v2/models/tiny/versions/7/infer", Fixtures.tinyBody()), 404, "no version '7'");
        assertError(Fixtures.get(server, "/v2/models/nosuch"), 404, "unknown model");
        assertError(Fixtures.get(server, "/v2/nothing/here"), 404, "no endpoint");
        byte[] big = new byte[100 << 10];
        Arrays.fill(big, (byte) ' ');
        assertError(Fixtures.post(server, "/v2/models/tiny/infer", big, null), 413, "exceeds the limit of 65536 bytes");
        assertError(Fixtures.post(server, "/v2/models/tiny/infer", "{}".getBytes(StandardCharsets.UTF_8), 10), 400,
                "exceeds the body's 2 bytes");
        // the server and its models keep serving after all of that
        assertEquals(200, Fixtures.post(server, "/v2/models/tiny/infer", Fixtures.tinyBody()).status());
    }

    @Test
    void oversizedBodiesAlwaysGetTheir413() throws Exception {
        // The answer must reach the client every time, not only when the close happens to win
        // the race against the bytes still arriving: both with a Content-Length and streamed.
        for (int i = 0; i < 40; i++) {
            byte[] big = new byte[(64 << 10) + 1 + i * 4099];
            Arrays.fill(big, (byte) ' ');
            assertError(Fixtures.post(server, "/v2/models/tiny/infer", big, null), 413, "exceeds the limit of 65536 bytes");
            HttpRequest streamed = HttpRequest.newBuilder(Fixtures.uri(server, "/v2/models/tiny/infer"))
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                    .build();
            HttpResponse<String> r = Fixtures.HTTP.send(streamed, HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode(), r.body());
        }
        assertEquals(200, Fixtures.post(server, "/v2/models/tiny/infer", Fixtures.tinyBody()).status());
    }

    @Test
    void aModelThatFailsToLoadIsReportedAndTheOthersServe() throws Exception {
        assertError(Fixtures.post(server, "/v2/models/broken/infer", Fixtures.tinyBody()), 400, "failed to load");
        assertError(Fixtures.post(server, "/v2/repository/models/broken/load", ""), 400, "model 'broken' failed to load");
        assertEquals(400, Fixtures.get(server, "/v2/models/broken/ready").status());
        JsonNode index = json(Fixtures.post(server, "/v2/repository/index", ""));
        String text = index.toString();
        assertTrue(text.contains("\"name\":\"broken\",\"state\":\"UNAVAILABLE\""), text);
        assertTrue(text.contains("\"name\":\"tiny\",\"version\":\"1\",\"state\":\"READY\""), text);
        assertEquals(200, Fixtures.post(server, "/v2/models/tiny/infer", Fixtures.tinyBody()).status());
    }

    @Test
    void repositoryPathsOutsideTheFolderAreRefused(@TempDir Path outside) throws Exception {
        Fixtures.put(outside, "elsewhere", Fixtures.tiny(), null);
        Files.createSymbolicLink(repo.resolve("escape"), outside.resolve("elsewhere"));
        assertError(Fixtures.post(server, "/v2/repository/models/escape/load", ""), 400, "resolves outside the repository");
        assertError(Fixtures.post(server, "/v2/repository/models/%2E%2E/load", ""), 400, "");
        assertError(Fixtures.post(server, "/v2/repository/models/..%2F..%2Fetc/load", ""), 400, "");
        assertError(Fixtures.post(server, "/v2/models/escape/infer", Fixtures.tinyBody()), 404, "unknown model 'escape'");
    }

    @Test
    void loadAndUnload() throws Exception {
        Fixtures.put(repo, "late", Fixtures.tiny(), null);
        assertEquals(404, Fixtures.post(server, "/v2/models/late/infer", Fixtures.tinyBody()).status());
        assertEquals(200, Fixtures.post(server, "/v2/repository/models/late/load", "").status());
        assertEquals(200, Fixtures.post(server, "/v2/models/late/infer", Fixtures.tinyBody()).status());
        assertEquals(200, Fixtures.post(server, "/v2/repository/models/late/unload", "").status());
        assertError(Fixtures.post(server, "/v2/models/late/infer", Fixtures.tinyBody()), 404, "not loaded");
        assertTrue(json(Fixtures.post(server, "/v2/repository/index", "")).toString().contains("\"name\":\"late\",\"state\":\"UNLOADED\""));
    }

    @Test
    void statisticsAndMetrics() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, Fixtures.post(server, "/v2/models/tiny/infer", Fixtures.tinyBody()).status());
        }
        JsonNode s = json(Fixtures.get(server, "/v2/models/tiny/stats")).get("model_stats").get(0);
        assertEquals("tiny", s.get("name").asText());
        assertTrue(s.get("inference_stats").get("success").get("count").asLong() >= 3);
        assertTrue(s.get("execution_count").asLong() >= 1);
        assertEquals(200, Fixtures.get(server, "/v2/models/stats").status());
        assertEquals(200, Fixtures.get(server, "/v2/models/tiny/versions/1/stats").status());
        Fixtures.Reply m = Fixtures.get(server, "/metrics");
        assertEquals(200, m.status());
        assertTrue(m.raw().headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        for (String name : new String[] {"nv_inference_request_success{model=\"tiny\",version=\"1\"}",
                "nv_inference_request_failure{model=\"tiny\",reason=\"backend\",version=\"1\"}",
                "cotenant_inference_client_errors_total{model=\"tiny\",reason=\"bad_request\",version=\"1\"}", "nv_inference_count{",
                "nv_inference_exec_count{", "nv_inference_pending_request_count{", "nv_inference_queue_duration_us{",
                "nv_inference_compute_infer_duration_us{", "cotenant_inference_request_latency_seconds_bucket{model=\"tiny\",version=\"1\",le=\"+Inf\"}",
                "nv_cpu_utilization ", "cotenant_device_busy_core_seconds_total ", "process_cpu_seconds_total ", "jvm_memory_used_bytes{",
                "# TYPE nv_inference_request_success untyped"}) {
            assertTrue(m.body().contains(name), "metrics lack " + name);
        }
        for (String line : m.body().split("\n")) {
            assertTrue(line.startsWith("#") || line.matches("[a-z_]+(\\{[^}]*\\})? ([0-9.eE+-]+|NaN|[+-]Inf)"), "not exposition format: " + line);
        }
    }

    /**
     * {@code promtool check metrics} (Debian package {@code prometheus}) finds nothing to say but
     * about Triton's inherited names ({@code _us} units, {@code _count} on a gauge); skipped, with
     * that reason, where promtool is not installed.
     */
    @Test
    void promtoolFindsFaultOnlyWithTritonsInheritedNames() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool is not installed (Debian package prometheus)");
        assertEquals(200, Fixtures.post(server, "/v2/models/tiny/infer", Fixtures.tinyBody()).status());
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(Fixtures.get(server, "/metrics").body().getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        for (String line : said.strip().split("\n")) {
            assertTrue(line.isEmpty() || line.startsWith("nv_inference_"), "promtool: " + said);
        }
    }
}
