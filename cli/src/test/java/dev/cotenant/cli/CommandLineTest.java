package dev.cotenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.cotenant.io.Npy;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.Tensor;
import dev.cotenant.onnx.OnnxExport;
import dev.cotenant.onnx.proto.OnnxProto.GraphProto;
import dev.cotenant.onnx.proto.OnnxProto.ModelProto;
import dev.cotenant.onnx.proto.OnnxProto.NodeProto;
import dev.cotenant.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.cotenant.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorShapeProto;
import dev.cotenant.onnx.proto.OnnxProto.TypeProto;
import dev.cotenant.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code cotenant} command end to end, through {@link Main#execute}: outputs, exit codes, error lines. */
class CommandLineTest {

    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {}

    private static Outcome cotenant(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    /** A user error: exit 1 and exactly one line on stderr, naming what was wrong, no stack trace. */
    private static String userError(Outcome o) {
        assertEquals(1, o.code(), () -> "exit code; stderr: " + o.err());
        String[] lines = o.err().strip().split("\n");
        assertEquals(1, lines.length, () -> "one line expected, got: " + o.err());
        assertTrue(lines[0].startsWith("cotenant: error: "), lines[0]);
        assertFalse(o.err().contains("\tat "), o.err());
        return lines[0];
    }

    /** y = Relu(x W + b) for x of shape [N, 4]. */
    private Path mlp() {
        GraphBuilder b = new GraphBuilder("mlp", 3);
        String x = b.input("x", DataType.FLOAT, new int[] {-1, 4}, "batch");
        String w = b.normal("w", 1f, 4, 3);
        b.output(b.node("Relu", b.node("MatMul", x, w)));
        Model m = b.model(17);
        Path f = dir.resolve("mlp.onnx");
        OnnxExport.write(m, f);
        return f;
    }

    private static ValueInfoProto value(String name, int type, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s))).build();
    }

    private static NodeProto node(String name, String op, String in, String out) {
        return NodeProto.newBuilder().setName(name).setOpType(op).addInput(in).addOutput(out).build();
    }

    private Path write(String name, GraphProto g) throws IOException {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).build();
        Files.write(f, m.toByteArray());
        return f;
    }

    @Test
    void runPrintsOutputsAndLatencyAndWritesNpy() throws IOException {
        Path model = mlp();
        Path x = dir.resolve("x.npy");
        Npy.write(Tensor.of(new float[] {1, 2, 3, 4, -1, -2, -3, -4}, 2, 4), x);
        Path out = dir.resolve("out");
        Outcome o = cotenant("run", model.toString(), "--input", "x=" + x, "--repeat", "3", "--threads", "2", "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("output relu_1.out: float[2,3]"), o.out());
        assertTrue(o.out().contains("latency: median"), o.out());
        Tensor written = Npy.read(out.resolve("relu_1.out.npy"));
        assertEquals(6, written.size());
        for (int i = 3; i < 6; i++) {
            // Row two is minus row one, so after Relu exactly one of each pair is zero.
            assertEquals(0.0, Math.min(written.getDouble(i), written.getDouble(i - 3)));
        }
    }

    @Test
    void runWithRandomInputsFillsSymbolicDimensions() {
        Outcome o = cotenant("run", mlp().toString(), "--random", "--dim", "batch=5");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("float[5,3]"), o.out());
    }

    @Test
    void runProfilePrintsTimePerOperatorKindAndTheSlowestSteps() {
        Outcome o = cotenant("run", mlp().toString(), "--random", "--dim", "batch=4", "--repeat", "3", "--profile");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("profile over 3 runs"), o.out());
        assertTrue(o.out().contains("by kind:") && o.out().contains("slowest"), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.strip().startsWith("Gemm") || l.strip().startsWith("FusedGemm")
                || l.strip().startsWith("MatMul") || l.strip().startsWith("FusedMatMul")), o.out());
    }

    @Test
    void inspectPrintsOperatorsAndTotals() {
        Outcome o = cotenant("inspect", mlp().toString(), "--dim", "batch=8");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("MatMul") || o.out().contains("Fused"), o.out());
        assertTrue(o.out().contains("parameters: 12 "), o.out());
        assertTrue(o.out().contains("total: "), o.out());
    }

    /** x of shape [batch, 4, width] through a Relu. */
    private Path freeWidth() {
        GraphBuilder b = new GraphBuilder("free", 3);
        b.output(b.node("Relu", b.input("x", DataType.FLOAT, new int[] {-1, 4, -1}, "batch", "width")));
        Path f = dir.resolve("free.onnx");
        OnnxExport.write(b.model(17), f);
        return f;
    }

    @Test
    void aFreeDimensionBesidesTheBatchMustBeSizedAndAnUnknownSymbolIsRefused() {
        Path model = freeWidth();
        for (String[] command : new String[][] {{"run", model.toString(), "--random"}, {"inspect", model.toString()}}) {
            String line = userError(cotenant(command));
            assertEquals("cotenant: error: free.onnx: free input dimension 'width' (input 'x', dimension 2) has no size; "
                    + "set it with --dim width=N", line);
            String[] misspelt = java.util.stream.Stream.concat(java.util.Arrays.stream(command),
                    java.util.stream.Stream.of("--dim", "width=3", "--dim", "widht=2")).toArray(String[]::new);
            line = userError(cotenant(misspelt));
            assertEquals("cotenant: error: free.onnx: --dim widht=2: no input has a free dimension 'widht' (free symbols: batch, width)", line);
        }
        Outcome o = cotenant("run", model.toString(), "--random", "--dim", "width=3", "--dim", "batch=2");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("float[2,4,3]"), o.out());
        assertTrue(userError(cotenant("run", model.toString(), "--random", "--dim", "width")).contains("expected SYMBOL=N"));
        assertTrue(userError(cotenant("run", model.toString(), "--random", "--dim", "width=0")).contains("expected SYMBOL=N"));
    }

    @Test
    void inspectCountsParametersHeldInConstantNodes() {
        GraphBuilder b = new GraphBuilder("constants", 3);
        String x = b.input("x", DataType.FLOAT, new int[] {-1, 4}, "batch");
        String w = b.node("Constant", java.util.List.of(), java.util.Map.of("value",
                new dev.cotenant.ir.Attribute.TensorValue(Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 4, 3))));
        b.output(b.node("Relu", b.node("MatMul", x, w)));
        Path f = dir.resolve("constants.onnx");
        OnnxExport.write(b.model(17), f);
        Outcome o = cotenant("inspect", f.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("parameters: 12 "), o.out());
    }

    @Test
    void truncatedAndRandomFilesAreNotModels() throws IOException {
        byte[] whole = Files.readAllBytes(mlp());
        Path truncated = dir.resolve("truncated.onnx");
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertTrue(userError(cotenant("run", truncated.toString(), "--random")).contains("truncated.onnx: not a valid ONNX model"));

        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);
        Path random = dir.resolve("noise.onnx");
        Files.write(random, noise);
        assertTrue(userError(cotenant("inspect", random.toString())).contains("noise.onnx"));

        assertTrue(userError(cotenant("run", dir.resolve("absent.onnx").toString(), "--random")).contains("no such file"));
    }

    @Test
    void unknownOperatorIsNamedWithDomainOpsetAndNode() throws IOException {
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 2)).addOutput(value("y", 1, 2))
                .addNode(node("mystery_node", "Frobnicate", "x", "y")).build();
        String line = userError(cotenant("run", write("unknown.onnx", g).toString(), "--random"));
        assertTrue(line.contains("Frobnicate") && line.contains("ai.onnx") && line.contains("17") && line.contains("mystery_node"), line);
    }

    @Test
    void unsupportedDataTypeIsNamed() throws IOException {
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 2)).addOutput(value("y", 1, 2))
                .addInitializer(TensorProto.newBuilder().setName("weights").setDataType(16).addDims(2)
                        .setRawData(ByteString.copyFrom(new byte[4])))
                .addNode(node("r", "Relu", "x", "y")).build();
        String line = userError(cotenant("run", write("bf16.onnx", g).toString(), "--random"));
        assertTrue(line.contains("'weights'") && line.contains("bfloat16"), line);
    }

    @Test
    void cycleAndMissingInitializerAreRefused() throws IOException {
        GraphProto cycle = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 2)).addOutput(value("y", 1, 2))
                .addNode(NodeProto.newBuilder().setName("a").setOpType("Add").addInput("x").addInput("c").addOutput("b"))
                .addNode(node("b", "Relu", "b", "c"))
                .addNode(node("y", "Relu", "c", "y")).build();
        assertTrue(userError(cotenant("run", write("cycle.onnx", cycle).toString(), "--random")).contains("cycle"));

        GraphProto missing = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 2)).addOutput(value("y", 1, 2))
                .addNode(NodeProto.newBuilder().setName("add").setOpType("Add").addInput("x").addInput("bias").addOutput("y")).build();
        String line = userError(cotenant("run", write("missing.onnx", missing).toString(), "--random"));
        assertTrue(line.contains("'bias'"), line);
    }

    @Test
    void inputOfTheWrongShapeOrTypeIsNamed() throws IOException {
        Path model = mlp();
        Path wrongShape = dir.resolve("shape.npy");
        Npy.write(Tensor.of(new float[6], 2, 3), wrongShape);
        String line = userError(cotenant("run", model.toString(), "--input", "x=" + wrongShape));
        assertTrue(line.contains("input 'x'") && line.contains("float[2,3]"), line);

        Path wrongType = dir.resolve("type.npy");
        Npy.write(Tensor.ofLongs(DataType.INT64, new long[8], 2, 4), wrongType);
        line = userError(cotenant("run", model.toString(), "--input", "x=" + wrongType));
        assertTrue(line.contains("input 'x'") && line.contains("int64"), line);

        line = userError(cotenant("run", model.toString(), "--input", "nope=" + wrongType));
        assertTrue(line.contains("'nope' is not an input"), line);
        assertTrue(userError(cotenant("run", model.toString())).contains("--random"));
    }

    @Test
    void externalDataLeavingTheModelFolderIsRefused() throws IOException {
        Files.write(dir.resolve("secret.bin"), new byte[8]);
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("../secret.bin")).build();
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 2)).addOutput(value("y", 1, 2))
                .addInitializer(w).addNode(NodeProto.newBuilder().setName("add").setOpType("Add").addInput("x").addInput("w").addOutput("y")).build();
        String line = userError(cotenant("run", write("m/model.onnx", g).toString(), "--random"));
        assertTrue(line.contains("outside the model's folder"), line);
    }

    @Test
    void verboseAddsTheStackTrace() throws IOException {
        Path f = dir.resolve("empty.onnx");
        Files.write(f, new byte[] {1, 2, 3});
        Outcome o = cotenant("run", f.toString(), "--random", "--verbose");
        assertEquals(1, o.code());
        assertTrue(o.err().startsWith("cotenant: error: "), o.err());
        assertTrue(o.err().contains("\tat "), o.err());
    }

    @Test
    void conformanceRunsACaseAndRefusesAMissingFolder() throws IOException {
        Path caseDir = dir.resolve("cases/test_relu");
        Files.createDirectories(caseDir.resolve("test_data_set_0"));
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 3)).addOutput(value("y", 1, 3))
                .addNode(node("r", "Relu", "x", "y")).build();
        write("cases/test_relu/model.onnx", g);
        Files.write(caseDir.resolve("test_data_set_0/input_0.pb"), OnnxExport.tensorBytes("x", Tensor.of(new float[] {-1, 0, 2}, 3)));
        Files.write(caseDir.resolve("test_data_set_0/output_0.pb"), OnnxExport.tensorBytes("y", Tensor.of(new float[] {0, 0, 2}, 3)));
        Outcome o = cotenant("conformance", dir.resolve("cases").toString());
        assertEquals(0, o.code(), o.out() + o.err());
        assertEquals("1 passed, 0 failed, 0 skipped", o.out().strip());

        Files.write(caseDir.resolve("test_data_set_0/output_0.pb"), OnnxExport.tensorBytes("y", Tensor.of(new float[] {0, 1, 2}, 3)));
        o = cotenant("conformance", dir.resolve("cases").toString(), "--json");
        assertEquals(1, o.code(), o.out() + o.err());
        assertTrue(o.out().startsWith("{\"passed\":0,\"failed\":1,\"skipped\":0,\"cases\":[{\"name\":\"test_relu\",\"status\":\"failed\""), o.out());

        assertTrue(userError(cotenant("conformance", dir.resolve("nowhere").toString())).contains("is not a folder"));
    }

    @Test
    void badOptionsAreUsageErrors() {
        Outcome o = cotenant("run");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("MODEL.onnx"), o.err());
        assertTrue(userError(cotenant("run", mlp().toString(), "--random", "--threads", "0")).contains("--threads"));
    }
}
