package dev.cotenant.gpusim.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** Runtime sheets load, price launches as documented, and say what is wrong and where. */
class HostRuntimeTest {

    static String builtIn(String name) throws IOException {
        try (InputStream in = HostRuntime.class.getResourceAsStream("runtimes/" + name + ".runtime")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theBuiltInRuntimesAreOrderedByHostCost() {
        Gpu a100 = Gpu.load("a100");
        HostRuntime nat = HostRuntime.load("native");
        HostRuntime graph = HostRuntime.load("GRAPH");
        HostRuntime eager = HostRuntime.load("eager");
        assertEquals(nat, HostRuntime.NATIVE);
        assertEquals(a100.launchUs(), nat.launchUs(a100));
        assertEquals(a100.kernelGapUs(), nat.kernelGapUs(a100));
        assertEquals(0, graph.launchUs(a100));
        assertTrue(graph.kernelGapUs(a100) < nat.kernelGapUs(a100));
        assertTrue(eager.launchUs(a100) > 10 * nat.launchUs(a100), "a framework's dispatch is tens of microseconds");
        assertTrue(eager.oneHostThread() && eager.perOperatorKernels());
        assertFalse(nat.oneHostThread() || nat.perOperatorKernels() || nat.graph());
        assertEquals(0, nat.requestUs());
        assertEquals(300, nat.withRequestUs(300).requestUs());
    }

    @Test
    void aCopiedSheetLoadsFromAPath(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("fast.runtime");
        Files.writeString(f, builtIn("eager").replace("dispatch_us = 57", "dispatch_us = 12").replace("name = eager", "name = fast"));
        HostRuntime r = HostRuntime.load(f.toString());
        assertEquals("fast", r.name());
        assertEquals(12, r.dispatchUs());
    }

    @Test
    void errorsNameTheRuntimeTheLineAndTheField() throws IOException {
        ModelException e = assertThrows(ModelException.class, () -> HostRuntime.load("jit"));
        assertTrue(e.getMessage().contains("no runtime named 'jit' (built in: native, graph, eager)"), e.getMessage());
        String eager = builtIn("eager");
        e = assertThrows(ModelException.class, () -> HostRuntime.parse(eager.replace("dispatch_us = 57", "dispatch_us = fast"), "x.runtime"));
        assertTrue(e.getMessage().matches("x\\.runtime line \\d+: field 'dispatch_us' must be a number, got 'fast'"), e.getMessage());
        e = assertThrows(ModelException.class, () -> HostRuntime.parse(eager.replace("graph = false", "graph = maybe"), "x.runtime"));
        assertTrue(e.getMessage().contains("field 'graph' must be true or false, got 'maybe'"), e.getMessage());
        e = assertThrows(ModelException.class, () -> HostRuntime.parse(eager.replace("dispatch_us = 57", "dispatch_us = -1"), "x.runtime"));
        assertTrue(e.getMessage().contains("'dispatch_us' must be zero or more"), e.getMessage());
        e = assertThrows(ModelException.class, () -> HostRuntime.parse(eager.replace("request_us = 0\n", ""), "x.runtime"));
        assertEquals("x.runtime: missing field 'request_us'", e.getMessage());
        e = assertThrows(ModelException.class, () -> HostRuntime.parse(eager.replace("graph = false", "graph = true"), "x.runtime"));
        assertTrue(e.getMessage().contains("a graph runtime has no per-kernel dispatch"), e.getMessage());
    }

    @Test
    void interferenceIsOptionalInADeviceSheetAndCheckedWhenGiven() throws IOException {
        String a100 = GpuSheetTest.builtIn("a100");
        Gpu g = Gpu.load("a100");
        assertFalse(g.interference().none(), "built-in sheets carry the fitted interference");
        String without = a100.replaceAll("(?m)^l2_interference = .*$", "").replaceAll("(?m)^dram_interference = .*$", "");
        assertTrue(GpuSheet.parse(without, "old.gpu").interference().none(), "a sheet written before interference has none");
        ModelException e = assertThrows(ModelException.class,
                () -> GpuSheet.parse(a100.replaceAll("(?m)^dram_interference = .*$", "dram_interference = 2"), "x.gpu"));
        assertTrue(e.getMessage().contains("field 'dram_interference' must be a fraction in [0, 1], got '2'"), e.getMessage());
    }
}
