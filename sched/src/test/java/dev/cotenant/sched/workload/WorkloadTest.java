package dev.cotenant.sched.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.ModelException;
import dev.cotenant.onnx.OnnxExport;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void anOnnxTenantSetsItsFreeDimensionsAndEveryOneMustBeSetAndExist(@TempDir Path dir) {
        Path f = dir.resolve("free.onnx");
        GraphBuilder b = new GraphBuilder("free", 3);
        String x = b.input("x", DataType.FLOAT, new int[] {-1, 4, -1}, "batch", "width");
        b.output(b.node("Relu", x));
        OnnxExport.write(b.model(13), f);

        Workload w = Workload.parse(f + ":2:dim=width=7:prio=1");
        assertEquals(java.util.Map.of("width", 7), w.tenants().get(0).dims());
        assertEquals(w, Workload.parse(w.toString()));
        assertEquals(2 * 4 * 7, TenantPlan.load(w, 1).get(0).inputs().get("x").size());

        ModelException unset = assertThrows(ModelException.class, () -> TenantPlan.load(Workload.parse(f + ":2"), 1));
        assertTrue(unset.getMessage().contains("free input dimension 'width' (input 'x', dimension 2) has no size; set it with :dim=width=N"),
                unset.getMessage());
        ModelException unknown = assertThrows(ModelException.class,
                () -> TenantPlan.load(Workload.parse(f + ":2:dim=width=7:dim=widht=3"), 1));
        assertTrue(unknown.getMessage().contains(":dim=widht=3: no input has a free dimension 'widht' besides the batch "
                + "(free symbols: width)"), unknown.getMessage());
        for (String bad : new String[] {f + ":dim=width", f + ":dim==3", f + ":dim=width=0", f + ":dim=width=2:dim=width=3",
                "resnet18:1:dim=width=2"}) {
            ModelException e = assertThrows(ModelException.class, () -> Workload.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("tenant 1 '"), e.getMessage());
        }
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
