package dev.cotenant.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.cli.Main;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.zoo.Zoo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooCommandTest {

    record Result(int code, String out, String err) {}

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void listShowsEveryModelWithComputedFiguresNearThePublishedOnes() {
        Result r = cli("zoo", "list");
        assertEquals(0, r.code(), r.err());
        for (Zoo.Entry e : Zoo.entries()) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(e.name() + " ")), "no line for " + e.name() + ":\n" + r.out());
        }
        // ResNet-50: 25.6 M parameters and about 4.1 GMACs (8.2 GFLOPs) at 224x224.
        Matcher m = Pattern.compile("(?m)^resnet50\\s+\\S+\\s+([0-9.]+)\\s+[0-9.]+\\s+([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(25.6, Double.parseDouble(m.group(1)), 0.2);
        assertEquals(8.2, Double.parseDouble(m.group(2)), 0.5);
    }

    @Test
    void exportWritesAModelThatLoadsBackWithTheAskedShapes(@TempDir Path dir) {
        Path f = dir.resolve("sub/bert.onnx");
        Result r = cli("zoo", "export", "bert-tiny", "--batch", "2", "--seq", "16", "-o", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("wrote "), r.out());
        Model m = OnnxImport.load(f);
        List<ValueInfo> feeds = m.graph().feeds();
        assertEquals(List.of("input_ids", "attention_mask"), feeds.stream().map(ValueInfo::name).toList());
        for (ValueInfo v : feeds) {
            assertEquals("[2, 16]", Arrays.toString(v.type().dims()), v.name());
        }
    }

    @Test
    void exportOfAnImageModelKeepsItsResolution(@TempDir Path dir) {
        Path f = dir.resolve("m.onnx");
        Result r = cli("zoo", "export", "mobilenetv2", "--batch", "3", "-o", f.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("[3, 3, 224, 224]", Arrays.toString(OnnxImport.load(f).graph().feeds().get(0).type().dims()));
    }

    @Test
    void badNamesAndOptionsGiveOneLineErrors(@TempDir Path dir) {
        Result r = cli("zoo", "export", "resnet51", "-o", dir.resolve("x.onnx").toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("cotenant: error: unknown zoo model 'resnet51' (known: resnet18"), r.err());

        r = cli("zoo", "export", "resnet18", "--seq", "64", "-o", dir.resolve("x.onnx").toString());
        assertEquals(1, r.code());
        assertEquals("cotenant: error: --seq: zoo model 'resnet18' takes images, not sequences", r.err().strip());

        r = cli("zoo", "export", "bert-tiny", "--seq", "0", "-o", dir.resolve("x.onnx").toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
