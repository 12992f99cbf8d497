package dev.cotenant.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cotenant.conformance.CaseResult;
import dev.cotenant.conformance.Report;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.onnx.OnnxExport;
import dev.cotenant.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --json} on run, inspect, zoo list and conformance: one JSON object a tool can parse, with the figures of the text. */
class JsonOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** y = Relu(x W) for x of shape [batch, 4]. */
    private Path mlp() {
        GraphBuilder b = new GraphBuilder("mlp", 3);
        String x = b.input("x", DataType.FLOAT, new int[] {-1, 4}, "batch");
        b.output(b.node("Relu", b.node("MatMul", x, b.normal("w", 1f, 4, 3))));
        Path f = dir.resolve("mlp.onnx");
        OnnxExport.write(b.model(17), f);
        return f;
    }

    private static JsonNode parse(ZooCommandTest.Result r) throws IOException {
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().strip().lines().count(), "one line: " + r.out());
        return JSON.readTree(r.out());
    }

    @Test
    void runPrintsOneObjectWithInputsOutputsAndLatency() throws IOException {
        Path out = dir.resolve("out");
        ZooCommandTest.Result r = ZooCommandTest.cli("run", mlp().toString(), "--random", "--dim", "batch=5", "--repeat", "3",
                "--warmup", "2", "--out", out.toString(), "--json");
        JsonNode j = parse(r);
        assertEquals("mlp.onnx", j.get("model").asText());
        assertEquals("x", j.get("inputs").get(0).get("name").asText());
        assertEquals("[5,4]", j.get("inputs").get(0).get("shape").toString());
        JsonNode y = j.get("outputs").get(0);
        assertEquals("float", y.get("type").asText());
        assertEquals("[5,3]", y.get("shape").toString());
        assertTrue(y.get("min").asDouble() >= 0 && y.get("max").asDouble() >= y.get("mean").asDouble(), y.toString());
        assertEquals(5, y.get("first").size());
        JsonNode lat = j.get("latency_ms");
        assertEquals(3, lat.get("runs").asInt());
        assertEquals(2, lat.get("warmup").asInt());
        assertTrue(lat.get("median").asDouble() > 0 && lat.get("p90").asDouble() >= lat.get("median").asDouble(), lat.toString());
        // On the printed text: a parsed number drops trailing zeros (0.5010 reads back as 0.501).
        assertTrue(r.out().matches("(?s).*\"median\":\\d+\\.\\d{4}[,}].*"), "ms to four decimals: " + r.out());
        assertEquals(1, j.get("written").size());
        assertTrue(Files.isRegularFile(Path.of(j.get("written").get(0).asText())));
        assertFalse(j.has("profile"));
    }

    @Test
    void runWithProfileHoldsEveryStep() throws IOException {
        JsonNode j = parse(ZooCommandTest.cli("run", mlp().toString(), "--random", "--repeat", "2", "--profile", "--json"));
        JsonNode p = j.get("profile");
        assertEquals(2, p.get("runs").asInt());
        assertEquals(j.get("steps").asInt(), p.get("steps").size());
        assertTrue(p.get("kinds").size() >= 1, p.toString());
        assertTrue(p.get("steps").get(0).has("node") && p.get("steps").get(0).has("median_ms"), p.toString());
    }

    @Test
    void inspectPrintsOperatorsAndTotals() throws IOException {
        JsonNode j = parse(ZooCommandTest.cli("inspect", mlp().toString(), "--dim", "batch=8", "--json"));
        assertEquals("[8,4]", j.get("inputs").get(0).get("shape").toString());
        assertEquals(12, j.get("parameters").asLong());
        long flops = 0;
        for (JsonNode op : j.get("operators")) {
            flops += op.get("flops").asLong();
            assertTrue(op.has("op") && op.has("node") && op.has("fused") && op.has("bytes"), op.toString());
        }
        assertEquals(flops, j.get("flops").asLong());
        assertTrue(flops >= 2 * 8 * 4 * 3, "the MatMul's multiply-adds: " + flops);
        assertEquals("[8,3]", j.get("outputs").get(0).get("shape").toString());
    }

    @Test
    void zooListHasEveryModelWithItsFigures() throws IOException {
        JsonNode j = parse(ZooCommandTest.cli("zoo", "list", "--json"));
        assertEquals(Zoo.entries().size(), j.get("models").size());
        JsonNode resnet = j.get("models").get(0);
        assertEquals(Zoo.entries().getFirst().name(), resnet.get("name").asText());
        for (JsonNode m : j.get("models")) {
            assertTrue(m.get("parameters").asLong() > 1_000_000 && m.get("flops").asLong() > 0, m.toString());
            assertTrue(m.get("published_gflops").isNull() || m.get("published_gflops").asDouble() > 0, m.toString());
        }
    }

    @Test
    void conformanceJsonEscapesWhatTheReasonsHold() {
        Report r = new Report(List.of(new CaseResult("test_a", CaseResult.Status.PASSED, ""),
                new CaseResult("test_b", CaseResult.Status.FAILED, "output 'y': \"quoted\" \\ back\tslash\u0001"),
                new CaseResult("test_c", CaseResult.Status.SKIPPED, "uses data type bfloat16 (input 'x')")));
        assertEquals("{\"passed\":1,\"failed\":1,\"skipped\":1,\"cases\":["
                + "{\"name\":\"test_a\",\"status\":\"passed\",\"reason\":\"\"},"
                + "{\"name\":\"test_b\",\"status\":\"failed\",\"reason\":\"output 'y': \\\"quoted\\\" \\\\ back\\tslash\\u0001\"},"
                + "{\"name\":\"test_c\",\"status\":\"skipped\",\"reason\":\"uses data type bfloat16 (input 'x')\"}]}",
                ConformanceCommand.json(r));
    }
}
