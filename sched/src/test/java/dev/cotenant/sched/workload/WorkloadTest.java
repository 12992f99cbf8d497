package dev.cotenant.sched.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.ModelException;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void parsesEntriesWithBatchSloAndPriority() {
        Workload w = Workload.parse("resnet50:8,mobilenetv2,bert-base:1:slo=50:prio=2,models/x.onnx:4:prio=-1");
        assertEquals(4, w.tenants().size());
        assertEquals(new Tenant("resnet50", 8, OptionalDouble.empty(), 0), w.tenants().get(0));
        assertEquals(1, w.tenants().get(1).batch());
        assertEquals(OptionalDouble.of(50), w.tenants().get(2).sloMs());
        assertEquals(2, w.tenants().get(2).priority());
        assertTrue(w.tenants().get(3).isFile());
        assertEquals("x:4", w.tenants().get(3).label());
        assertEquals(-1, w.tenants().get(3).priority());
        assertEquals("resnet50:8,mobilenetv2:1,bert-base:1:slo=50:prio=2,models/x.onnx:4:prio=-1", w.toString());
        assertEquals(w, Workload.parse(w.toString()));
    }

    @Test
    void aliasesAreKnown() {
        assertEquals("yolo", Workload.parse("yolo:1,segmentation:1").tenants().get(0).model());
    }

    @Test
    void badEntriesAreNamed() {
        assertMessage("resnet50:8,resnet99:1", "tenant 2 'resnet99:1': unknown model 'resnet99'");
        assertMessage("resnet50:x", "tenant 1 'resnet50:x': batch 'x' is not a positive integer");
        assertMessage("resnet50:0", "tenant 1 'resnet50:0': batch must be at least 1, got 0");
        assertMessage("resnet50:1,,bert-tiny", "tenant 2 '': empty entry");
        assertMessage("bert-tiny:slo=-3", "tenant 1 'bert-tiny:slo=-3': slo must be a positive number");
        assertMessage("bert-tiny:prio=high", "tenant 1 'bert-tiny:prio=high': prio 'high' is not an integer");
        assertMessage("bert-tiny:2:3", "tenant 1 'bert-tiny:2:3': unexpected '3'");
        assertMessage("bert-tiny:color=red", "unexpected 'color=red'");
        assertMessage("", "--tenants is empty");
    }

    private static void assertMessage(String text, String expected) {
        ModelException e = assertThrows(ModelException.class, () -> Workload.parse(text));
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
