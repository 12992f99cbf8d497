package dev.cotenant.sched.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.onnx.OnnxExport;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.workload.Workload;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace is JSON a tool can read, whatever the tenants are called. */
class TraceTest {

    @Test
    void aTenantNamedWithAQuoteStaysValidJson(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("say \"hi\".onnx");
        GraphBuilder b = new GraphBuilder("q", 1);
        b.output(b.node("Relu", b.node("Add", b.input("x", DataType.FLOAT, 1, 64), b.normal("w", 1f, 64))));
        OnnxExport.write(b.model(13), f);
        CoLocation.Report r = CoLocation.compare(Workload.parse(f + ":1"), new CpuDevice(1), List.of(new Policy.Sequential()),
                Optional.empty(), new CoLocation.Options(1, 1, 10, 1, 1, (phase, done) -> { }));

        JsonNode root = new ObjectMapper().readTree(Trace.json(r));
        assertEquals("ms", root.get("displayTimeUnit").asText());
        List<JsonNode> slices = new ArrayList<>();
        root.get("traceEvents").forEach(e -> {
            if (e.get("ph").asText().equals("X")) {
                slices.add(e);
            }
        });
        assertEquals(r.plans().getFirst().ops(), slices.size());
        String label = r.plans().getFirst().tenant().label();
        assertTrue(label.contains("\""), label);
        for (JsonNode s : slices) {
            assertEquals(label, s.get("args").get("tenant").asText());
            assertEquals(label, s.get("cat").asText());
            assertTrue(s.get("name").asText().startsWith(label + " "), s.toString());
            assertTrue(s.get("dur").isBigDecimal() || s.get("dur").isNumber(), s.toString());
        }
        assertTrue(Trace.json(r).matches("(?s).*\"ts\":\\d+\\.\\d{3}[,}].*"), "timestamps keep three decimals, written plain");
    }
}
