package dev.cotenant.gpusim.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuSheetTest {

    static String builtIn(String name) throws IOException {
        try (InputStream in = GpuSheet.class.getResourceAsStream("gpus/" + name + ".gpu")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyBuiltInSheetLoadsWithTheFiguresOfTheSpec() {
        for (String n : GpuSheet.BUILT_IN) {
            Gpu g = Gpu.load(n);
            assertEquals(n.toUpperCase(), g.name());
            assertTrue(g.sms() > 0 && g.dramGbps() > 0 && g.fp16TensorTflops() > g.fp32Tflops(), n);
        }
        Gpu a100 = Gpu.load("A100");
        assertEquals(108, a100.sms());
        assertEquals(312, a100.fp16TensorTflops());
        assertEquals(2039, a100.dramGbps());
        assertEquals(164, a100.sharedMemoryPerSmKb());
        Gpu h200 = Gpu.load("h200");
        assertEquals(4800, h200.dramGbps());
        assertEquals(132, h200.sms());
        Gpu l4 = Gpu.load("l4");
        assertEquals(1536, l4.threadsPerSm());
        assertEquals(24, l4.blocksPerSm());
        Gpu t4 = Gpu.load("t4");
        assertEquals(1024, t4.threadsPerSm());
        assertEquals(16, t4.blocksPerSm());
        assertEquals(0, Gpu.load("v100").tf32TensorTflops());
        // No TF32 on 7.0: TF32 work runs at the FP32 rate.
        assertEquals(Gpu.load("v100").smFlopsPerUs(Unit.FP32), Gpu.load("v100").smFlopsPerUs(Unit.TF32_TENSOR));
    }

    @Test
    void aCopiedSheetLoadsFromAPath(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("mine.gpu");
        Files.writeString(f, builtIn("a100").replace("sms = 108", "sms = 54").replace("name = A100", "name = half-A100")
                .replace("mig_slices = 7", "mig_slices = 3"));
        Gpu g = Gpu.load(f.toString());
        assertEquals("half-A100", g.name());
        assertEquals(54, g.sms());
    }

    @Test
    void errorsNameTheLineAndTheField() throws IOException {
        String good = builtIn("a100");
        ModelException e = assertThrows(ModelException.class, () -> GpuSheet.parse(good.replace("sms = 108", "sms = many"), "x.gpu"));
        assertTrue(e.getMessage().startsWith("x.gpu line 8: field 'sms' must be an integer"), e.getMessage());
        e = assertThrows(ModelException.class, () -> GpuSheet.parse(good.replace("dram_gbps = 2039\n", ""), "x.gpu"));
        assertEquals("x.gpu: missing field 'dram_gbps'", e.getMessage());
        e = assertThrows(ModelException.class, () -> GpuSheet.parse(good + "\nsmz = 3\n", "x.gpu"));
        assertTrue(e.getMessage().contains("unknown field 'smz'"), e.getMessage());
        e = assertThrows(ModelException.class, () -> GpuSheet.parse(good + "\nsms = 3\n", "x.gpu"));
        assertTrue(e.getMessage().contains("given twice (first on line 8)"), e.getMessage());
        e = assertThrows(ModelException.class, () -> GpuSheet.parse(good.replace("dram_efficiency = 0.9", "dram_efficiency = 1.5"), "x.gpu"));
        assertTrue(e.getMessage().contains("'dram_efficiency' must be a fraction"), e.getMessage());
        e = assertThrows(ModelException.class, () -> GpuSheet.parse("sms 108", "x.gpu"));
        assertTrue(e.getMessage().startsWith("x.gpu line 1: expected 'field = value'"), e.getMessage());
        e = assertThrows(ModelException.class, () -> Gpu.load("b300"));
        assertTrue(e.getMessage().contains("no GPU named 'b300'"), e.getMessage());
    }

    @Test
    void scalingKeepsPerSmRates() {
        Gpu a = Gpu.load("a100");
        Gpu half = a.withSms(54);
        assertEquals(a.smFlopsPerUs(Unit.FP16_TENSOR), half.smFlopsPerUs(Unit.FP16_TENSOR), 1e-9);
        assertEquals(2 * a.smFlopsPerUs(Unit.FP16_TENSOR), a.withClock(2 * a.clockMhz()).smFlopsPerUs(Unit.FP16_TENSOR), 1e-9);
    }
}
