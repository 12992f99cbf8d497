package dev.cotenant.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.cotenant.onnx.proto.OnnxProto.GraphProto;
import dev.cotenant.onnx.proto.OnnxProto.ModelProto;
import dev.cotenant.onnx.proto.OnnxProto.NodeProto;
import dev.cotenant.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.cotenant.onnx.proto.OnnxProto.OptionalProto;
import dev.cotenant.onnx.proto.OnnxProto.SequenceProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorShapeProto;
import dev.cotenant.onnx.proto.OnnxProto.TypeProto;
import dev.cotenant.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner itself, on small cases written here: what passes, fails and is skipped, and why. */
class ConformanceRunnerTest {

    @TempDir
    Path root;

    private static TypeProto tensorType(int code, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d >= 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(d) : TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        }
        return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(code).setShape(s)).build();
    }

    private static ValueInfoProto value(String name, TypeProto type) {
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    private static TensorProto floats(String name, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return TensorProto.newBuilder().setName(name).setDataType(1).addDims(v.length).setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static ModelProto model(GraphProto.Builder g) {
        return ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build();
    }

    /** A graph whose output is its input: it runs without any operator. */
    private static ModelProto passThrough(TypeProto type) {
        return model(GraphProto.newBuilder().setName("pass").addInput(value("x", type)).addOutput(value("x", type)));
    }

    private void nodeCase(String name, ModelProto m, Message input, Message output) throws IOException {
        Path dir = root.resolve("node").resolve(name);
        Files.createDirectories(dir.resolve("test_data_set_0"));
        Files.write(dir.resolve("model.onnx"), m.toByteArray());
        Files.write(dir.resolve("test_data_set_0/input_0.pb"), input.toByteArray());
        Files.write(dir.resolve("test_data_set_0/output_0.pb"), output.toByteArray());
    }

    private Map<String, CaseResult> run() {
        try (Conformance c = new Conformance(1, Duration.ofSeconds(60))) {
            Report r = c.run(List.of(root), name -> true);
            return r.cases().stream().collect(Collectors.toMap(CaseResult::name, Function.identity()));
        }
    }

    @Test
    void passesFailsAndSkipsWithReasons() throws IOException {
        TypeProto f3 = tensorType(1, 3);
        nodeCase("test_pass", passThrough(f3), floats("x", 1, 2, 3), floats("x", 1, 2, 3));
        nodeCase("test_close_enough", passThrough(f3), floats("x", 1, 2, 1000), floats("x", 1, 2, 1000.5f));
        nodeCase("test_mismatch", passThrough(f3), floats("x", 1, 2, 3), floats("x", 1, 2, 3.5f));
        nodeCase("test_nan", passThrough(f3), floats("x", Float.NaN, 2, 3), floats("x", Float.NaN, 2, 3));
        TensorProto ints = TensorProto.newBuilder().setName("x").setDataType(7).addDims(3).addInt64Data(1).addInt64Data(2).addInt64Data(3).build();
        nodeCase("test_wrong_type", passThrough(f3), floats("x", 1, 2, 3), ints);
        ModelProto unknown = model(GraphProto.newBuilder().addInput(value("x", f3)).addOutput(value("y", f3))
                .addNode(NodeProto.newBuilder().setName("strange").setOpType("Frobnicate").addInput("x").addOutput("y")));
        nodeCase("test_unknown_op", unknown, floats("x", 1, 2, 3), floats("y", 1, 2, 3));
        nodeCase("test_bf16_model", passThrough(tensorType(16, 3)), floats("x", 1, 2, 3), floats("x", 1, 2, 3));
        TensorProto f8 = TensorProto.newBuilder().setName("x").setDataType(17).addDims(3).setRawData(ByteString.copyFrom(new byte[3])).build();
        nodeCase("test_f8_data", passThrough(tensorType(1, -1)), f8, f8);
        Path broken = root.resolve("node/test_broken");
        Files.createDirectories(broken.resolve("test_data_set_0"));
        Files.write(broken.resolve("model.onnx"), new byte[] {1, 2, 3, 4, 5});

        Map<String, CaseResult> r = run();
        assertEquals(CaseResult.Status.PASSED, r.get("test_pass").status(), r.get("test_pass").reason());
        assertEquals(CaseResult.Status.PASSED, r.get("test_close_enough").status(), r.get("test_close_enough").reason());
        assertEquals(CaseResult.Status.PASSED, r.get("test_nan").status(), r.get("test_nan").reason());
        CaseResult mismatch = r.get("test_mismatch");
        assertEquals(CaseResult.Status.FAILED, mismatch.status());
        assertEquals("output 'x': 1 of 3 elements differ; first at index 2 [2]: expected 3.5, got 3.0; max abs error 0.5", mismatch.reason());
        assertEquals("output 'x': expected data type int64, got float", r.get("test_wrong_type").reason());
        CaseResult unknownOp = r.get("test_unknown_op");
        assertEquals(CaseResult.Status.FAILED, unknownOp.status());
        assertTrue(unknownOp.reason().contains("unknown operator 'Frobnicate'") && unknownOp.reason().contains("strange"), unknownOp.reason());
        assertEquals(CaseResult.skipped("test_bf16_model", "uses data type bfloat16 (input 'x')"), r.get("test_bf16_model"));
        assertEquals(CaseResult.skipped("test_f8_data", "uses data type float8e4m3fn (input 'x')"), r.get("test_f8_data"));
        assertEquals(CaseResult.Status.FAILED, r.get("test_broken").status());
        assertTrue(r.get("test_broken").reason().contains("not a valid ONNX model"), r.get("test_broken").reason());
    }

    @Test
    void sequencesAndOptionalsRunElementByElement() throws IOException {
        TypeProto elem = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1)).build();
        TypeProto seq = TypeProto.newBuilder().setSequenceType(TypeProto.Sequence.newBuilder().setElemType(elem)).build();
        SequenceProto s = SequenceProto.newBuilder().setName("x").setElemType(1)
                .addTensorValues(floats("", 1, 2)).addTensorValues(floats("", 3)).build();
        nodeCase("test_seq", passThrough(seq), s, s);
        SequenceProto shorter = s.toBuilder().removeTensorValues(1).build();
        nodeCase("test_seq_wrong_length", passThrough(seq), s, shorter);
        TypeProto opt = TypeProto.newBuilder().setOptionalType(TypeProto.Optional.newBuilder().setElemType(tensorType(1, 2))).build();
        OptionalProto o = OptionalProto.newBuilder().setName("x").setElemType(1).setTensorValue(floats("", 4, 5)).build();
        nodeCase("test_opt", passThrough(opt), o, o);
        OptionalProto absent = OptionalProto.newBuilder().setName("x").setElemType(1).build();
        nodeCase("test_opt_absent", passThrough(opt), absent, absent);

        Map<String, CaseResult> r = run();
        assertEquals(CaseResult.passed("test_seq"), r.get("test_seq"));
        assertEquals(CaseResult.Status.FAILED, r.get("test_seq_wrong_length").status());
        assertEquals(CaseResult.passed("test_opt"), r.get("test_opt"));
        assertEquals(CaseResult.Status.FAILED, r.get("test_opt_absent").status());
        assertTrue(r.get("test_opt_absent").reason().contains("absent optional"), r.get("test_opt_absent").reason());
    }

    @Test
    void lightCasesGenerateTheirInputs() throws IOException {
        Path light = root.resolve("light");
        Files.createDirectories(light);
        Files.write(light.resolve("light_tiny.onnx"), passThrough(tensorType(1, -1, 4)).toByteArray());
        TensorProto expected = floats("x", 0, 0.25f, 0.5f, 0.75f).toBuilder().clearDims().addDims(1).addDims(4).build();
        Files.write(light.resolve("light_tiny_output_0.pb"), expected.toByteArray());
        Files.write(light.resolve("light_orphan.onnx"), passThrough(tensorType(1, 4)).toByteArray());
        List<Case> found = Conformance.find(List.of(root), n -> true);
        assertEquals(List.of("light_tiny"), found.stream().map(Case::name).toList());
        assertEquals(CaseResult.passed("light_tiny"), run().get("light_tiny"));
    }

    @Test
    void filterSelectsByName() throws IOException {
        TypeProto f1 = tensorType(1, 1);
        nodeCase("test_conv_a", passThrough(f1), floats("x", 1), floats("x", 1));
        nodeCase("test_pool_b", passThrough(f1), floats("x", 1), floats("x", 1));
        assertEquals(List.of("test_pool_b"), Conformance.find(List.of(root), java.util.regex.Pattern.compile("pool").asPredicate())
                .stream().map(Case::name).toList());
    }

    @Test
    void reportText() {
        Report r = new Report(List.of(
                CaseResult.passed("test_a"),
                CaseResult.failed("test_b", "output 'y': \"quoted\" \\ back\tslash\u0001"),
                CaseResult.skipped("test_c", "uses data type bfloat16 (input 'x')")));
        assertEquals("FAILED test_b: output 'y': \"quoted\" \\ back\tslash\u0001\n"
                + "SKIPPED test_c: uses data type bfloat16 (input 'x')\n"
                + "1 passed, 1 failed, 1 skipped\n", r.text());
    }

    @Test
    void aCaseThatRunsTooLongFailsWithoutStoppingTheOthers() throws IOException {
        TypeProto f1 = tensorType(1, 1);
        nodeCase("test_ok", passThrough(f1), floats("x", 1), floats("x", 1));
        try (Conformance c = new Conformance(1, Duration.ofNanos(1))) {
            CaseResult r = c.run(Conformance.find(List.of(root), n -> true).getFirst());
            assertTrue(r.status() == CaseResult.Status.FAILED && r.reason().startsWith("timed out") || r.status() == CaseResult.Status.PASSED, r.toString());
        }
        assertEquals(CaseResult.passed("test_ok"), run().get("test_ok"));
    }
}
