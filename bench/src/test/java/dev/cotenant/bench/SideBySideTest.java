package dev.cotenant.bench;

import static dev.cotenant.ir.GraphBuilder.i;
import static dev.cotenant.ir.GraphBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.ModelException;
import dev.cotenant.onnx.OnnxExport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end rows on tiny models; no speed is asserted, only that both sides ran and reported. */
class SideBySideTest {

    @Test
    void aZooRowRunsBothEnginesAndItsJsonParses() throws IOException {
        List<String> steps = new ArrayList<>();
        Settings s = new Settings(1, 3, true, true, 8);
        List<Row> rows = SideBySide.run(List.of("bert-tiny"), List.of(1), List.of(1), s, steps::add);
        assertEquals(1, rows.size());
        assertEquals(SideBySide.steps(1, s), steps.size(), steps.toString());

        JsonNode list = new ObjectMapper().readTree(Report.json(rows)).get("rows");
        assertEquals(1, list.size());
        JsonNode r = list.get(0);
        assertEquals("bert-tiny", r.get("model").asText());
        assertEquals(1, r.get("batch").asInt());
        assertEquals(1, r.get("threads").asInt());
        double c = r.get("cotenant_ms").asDouble();
        double o = r.get("onnxruntime_ms").asDouble();
        assertTrue(c > 0 && o > 0, r.toString());
        assertEquals(o / c, r.get("ratio").asDouble(), 1e-3 * (o / c) + 1e-4);
        assertEquals(3, r.get("runs").asInt());
        // Each side's child JVM holds at least the JVM itself and the model's 17 MiB of weights.
        assertTrue(r.get("cotenant_peak_bytes").asLong() > 17 << 20, r.toString());
        assertTrue(r.get("onnxruntime_peak_bytes").asLong() > 17 << 20, r.toString());
    }

    @Test
    void jsonKeepsFourDecimalsWrittenPlainAndNullForWhatWasNotMeasured() {
        Row r = new Row("a \"quoted\" model", 2, 1, new Samples(new long[] {1_234_567, 12}), null, 123_456_789, -1);
        assertEquals("{\"rows\":[{\"model\":\"a \\\"quoted\\\" model\",\"batch\":2,\"threads\":1,\"cotenant_ms\":0.6173,"
                + "\"onnxruntime_ms\":null,\"ratio\":null,\"cotenant_p90_ms\":1.2346,\"onnxruntime_p90_ms\":null,\"runs\":2,"
                + "\"cotenant_peak_bytes\":123456789,\"onnxruntime_peak_bytes\":null}]}", Report.json(List.of(r)));
        Row tiny = new Row("m", 1, 1, new Samples(new long[] {10}), new Samples(new long[] {20}), -1, -1);
        assertTrue(Report.json(List.of(tiny)).contains("\"cotenant_ms\":0.0000,\"onnxruntime_ms\":0.0000,\"ratio\":2.0000,"),
                Report.json(List.of(tiny)));
    }

    @Test
    void anOnnxFileWithASymbolicBatchRunsAtEveryAskedBatchAndThreadCount(@TempDir Path dir) {
        Path f = dir.resolve("conv.onnx");
        OnnxExport.write(convModel(-1), f);
        Settings s = new Settings(1, 2, true, false, 128);
        List<Row> rows = SideBySide.run(List.of(f.toString()), List.of(1, 3), List.of(1, 2), s, w -> { });
        assertEquals(4, rows.size());
        assertEquals(List.of("1x1", "1x2", "3x1", "3x2"), rows.stream().map(r -> r.batch() + "x" + r.threads()).toList());
        for (Row r : rows) {
            assertEquals("conv", r.model());
            assertEquals(2, r.onnxruntime().count());
            assertEquals(-1, r.cotenantPeakBytes());
        }
        String table = tableOf(rows, s);
        assertTrue(table.contains("ratio"), table);
        assertEquals(1 + 8 + 2, table.lines().count(), table); // header, two lines per row, how it was measured
    }

    @Test
    void withoutAPeerOnlyCotenantRuns(@TempDir Path dir) {
        Path f = dir.resolve("conv.onnx");
        OnnxExport.write(convModel(-1), f);
        List<Row> rows = SideBySide.run(List.of(f.toString()), List.of(2), List.of(1), new Settings(0, 1, false, false, 128), w -> { });
        assertEquals(null, rows.get(0).onnxruntime());
        assertTrue(Report.json(rows).contains("\"onnxruntime_ms\":null"));
    }

    @Test
    void aFixedBatchThatDiffersFromTheAskedOneIsAnError(@TempDir Path dir) {
        Path f = dir.resolve("fixed.onnx");
        OnnxExport.write(convModel(2), f);
        ModelException e = assertThrows(ModelException.class,
                () -> SideBySide.run(List.of(f.toString()), List.of(4), List.of(1), new Settings(0, 1, false, false, 128), w -> { }));
        assertTrue(e.getMessage().contains("fixed batch of 2, not 4"), e.getMessage());
        e = assertThrows(ModelException.class,
                () -> SideBySide.run(List.of(dir.resolve("missing.onnx").toString()), List.of(1), List.of(1), new Settings(0, 1, false, false, 128), w -> { }));
        assertTrue(e.getMessage().endsWith("missing.onnx: no such file"), e.getMessage());
    }

    @Test
    void aFreeDimensionBesidesTheBatchTakesItsSizeFromDimAndAMisspelledDimIsAnError(@TempDir Path dir) {
        Path f = dir.resolve("free.onnx");
        GraphBuilder b = new GraphBuilder("free", 3);
        String x = b.input("x", DataType.FLOAT, new int[] {-1, 4, -1}, "batch", "width");
        b.output(b.node("Relu", x));
        OnnxExport.write(b.model(13), f);
        ModelException e = assertThrows(ModelException.class,
                () -> SideBySide.run(List.of(f.toString()), List.of(1), List.of(1), new Settings(0, 1, false, false, 128), w -> { }));
        assertTrue(e.getMessage().contains("free input dimension 'width' (input 'x', dimension 2) has no size; set it with --dim width=N"), e.getMessage());
        List<Row> rows = SideBySide.run(List.of(f.toString()), List.of(2), List.of(1),
                new Settings(0, 1, false, false, 128, Map.of("width", 7)), w -> { });
        assertEquals(1, rows.size());
        assertEquals(2 * 4 * 7, ModelCase.prepare(f.toString(), 2, 128, Map.of("width", 7), dir).feeds().get("x").size());
        e = assertThrows(ModelException.class, () -> ModelCase.prepare(f.toString(), 2, 128, Map.of("width", 7, "widht", 3), dir));
        assertTrue(e.getMessage().contains("--dim widht=3: no input has a free dimension 'widht' besides the batch"), e.getMessage());
    }

    private static String tableOf(List<Row> rows, Settings s) {
        java.io.StringWriter w = new java.io.StringWriter();
        Report.table(rows, s, new java.io.PrintWriter(w, true));
        return w.toString();
    }

    /** Conv 3x3 (4 to 8 channels) and Relu on 16x16 images. */
    private static dev.cotenant.ir.Model convModel(int batch) {
        GraphBuilder b = new GraphBuilder("conv", 3);
        String x = b.input("x", DataType.FLOAT, new int[] {batch, 4, 16, 16}, "batch");
        String w = b.normal("w", 0.2f, 8, 4, 3, 3);
        String y = b.node("Conv", List.of(x, w), Map.of("kernel_shape", ints(3, 3), "pads", ints(1, 1, 1, 1), "group", i(1)));
        b.output(b.node("Relu", y));
        return b.model(17);
    }
}
