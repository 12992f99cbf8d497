package dev.cotenant.onnx;

import static dev.cotenant.onnx.Protos.floats;
import static dev.cotenant.onnx.Protos.intAttr;
import static dev.cotenant.onnx.Protos.model;
import static dev.cotenant.onnx.Protos.node;
import static dev.cotenant.onnx.Protos.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.onnx.proto.OnnxProto.AttributeProto;
import dev.cotenant.onnx.proto.OnnxProto.FunctionProto;
import dev.cotenant.onnx.proto.OnnxProto.GraphProto;
import dev.cotenant.onnx.proto.OnnxProto.ModelProto;
import dev.cotenant.onnx.proto.OnnxProto.NodeProto;
import dev.cotenant.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.cotenant.onnx.proto.OnnxProto.SparseTensorProto;
import dev.cotenant.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorProto;
import dev.cotenant.runtime.Planner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxImportTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static void assertOneLine(ModelException e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(e.getMessage().contains("com.google"), e.getMessage());
    }

    @Test
    void loadsAValidModel() throws IOException {
        Model m = OnnxImport.load(write("relu.onnx", Protos.relu().toByteArray()));
        assertEquals(13, m.opset());
        assertEquals(1, m.graph().nodes().size());
        Node n = m.graph().nodes().getFirst();
        assertEquals("Relu", n.opType());
        assertEquals(TensorType.of(DataType.FLOAT, 2, 3), m.graph().inputs().getFirst().type());
    }

    @Test
    void truncatedFileIsNotAModel() throws IOException {
        ModelProto m = Protos.model(Protos.relu().getGraph().toBuilder()
                .addInitializer(floats("w", new float[64], 64)).build(), 13);
        byte[] full = m.toByteArray();
        Path f = write("truncated.onnx", Arrays.copyOf(full, full.length - 40));
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(f));
        assertTrue(e.getMessage().startsWith(f + ": not a valid ONNX model: "), e.getMessage());
        assertOneLine(e);
    }

    @Test
    void randomBytesAreNotAModel() throws IOException {
        Random r = new Random(42);
        for (int i = 0; i < 20; i++) {
            byte[] b = new byte[1 + r.nextInt(2000)];
            r.nextBytes(b);
            Path f = write("random" + i + ".onnx", b);
            ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(f));
            assertTrue(e.getMessage().startsWith(f + ": not a valid ONNX model: "), e.getMessage());
            assertOneLine(e);
        }
    }

    @Test
    void textAndEmptyFilesAreNotModels() throws IOException {
        Path text = write("text.onnx", "ir_version: 8\ngraph { }\n".getBytes());
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(text));
        assertTrue(e.getMessage().startsWith(text + ": not a valid ONNX model: "), e.getMessage());
        Path empty = write("empty.onnx", new byte[0]);
        e = assertThrows(ModelException.class, () -> OnnxImport.load(empty));
        assertEquals(empty + ": not a valid ONNX model: it has no graph", e.getMessage());
    }

    @Test
    void modelWithoutGraphIsRefused() {
        byte[] b = ModelProto.newBuilder().setIrVersion(8).build().toByteArray();
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(b, null));
        assertTrue(e.getMessage().endsWith("it has no graph"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("absent.onnx");
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(f));
        assertEquals(f + ": no such file", e.getMessage());
    }

    @Test
    void unknownOperatorIsNamedWhenPlanned() throws IOException {
        GraphProto g = GraphProto.newBuilder().setName("g")
                .addInput(value("x", 1, 2)).addOutput(value("y", 1, 2))
                .addNode(node("mystery_node", "Frobnicate", new String[] {"x"}, new String[] {"y"})).build();
        Model m = OnnxImport.load(write("unknown.onnx", model(g, 17).toByteArray()));
        ModelException e = assertThrows(ModelException.class, () -> Planner.plan(m, Map.of(), Workers.single()));
        String msg = e.getMessage();
        assertTrue(msg.contains("Frobnicate") && msg.contains("ai.onnx") && msg.contains("opset 17") && msg.contains("mystery_node"), msg);

        GraphProto custom = g.toBuilder().setNode(0, g.getNode(0).toBuilder().setDomain("com.example")).build();
        ModelProto cm = model(custom, 17).toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.example").setVersion(3)).build();
        Model m2 = OnnxImport.load(cm.toByteArray(), null);
        msg = assertThrows(ModelException.class, () -> Planner.plan(m2, Map.of(), Workers.single())).getMessage();
        assertTrue(msg.contains("Frobnicate") && msg.contains("com.example") && msg.contains("opset 3") && msg.contains("mystery_node"), msg);
    }

    @Test
    void unsupportedDataTypeOfAnInitializerIsNamed() throws IOException {
        TensorProto w = TensorProto.newBuilder().setName("weights").setDataType(16).addDims(2)
                .setRawData(ByteString.copyFrom(new byte[4])).build();
        GraphProto g = Protos.relu().getGraph().toBuilder().addInitializer(w).build();
        Path f = write("bf16.onnx", model(g, 13).toByteArray());
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(f));
        assertEquals(f + ": initializer 'weights' has unsupported data type bfloat16", e.getMessage());
    }

    @Test
    void unsupportedDataTypeOfAnInputIsNamed() {
        GraphProto g = GraphProto.newBuilder().addInput(value("x", 17, 2)).addOutput(value("y", 1, 2))
                .addNode(node("c", "Cast", new String[] {"x"}, new String[] {"y"}, intAttr("to", 1))).build();
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(model(g, 19).toByteArray(), null));
        assertEquals("model: input 'x' has unsupported data type float8e4m3fn", e.getMessage());
    }

    @Test
    void cycleIsRefused() {
        GraphProto g = GraphProto.newBuilder().addInput(value("x", 1, 2)).addOutput(value("y", 1, 2))
                .addNode(node("a", "Add", new String[] {"x", "c"}, new String[] {"b"}))
                .addNode(node("b", "Relu", new String[] {"b"}, new String[] {"c"}))
                .addNode(node("y", "Relu", new String[] {"c"}, new String[] {"y"})).build();
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(model(g, 13).toByteArray(), null));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void missingInitializerIsNamed() {
        GraphProto g = GraphProto.newBuilder().addInput(value("x", 1, 2)).addOutput(value("y", 1, 2))
                .addNode(node("add", "Add", new String[] {"x", "bias"}, new String[] {"y"})).build();
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(model(g, 13).toByteArray(), null));
        assertTrue(e.getMessage().contains("'bias'") && e.getMessage().contains("missing initializer"), e.getMessage());
    }

    private static TensorProto external(String name, String location, long offset, long length, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)));
        if (length >= 0) {
            t.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)));
        }
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private Path modelWithExternal(Path folder, String location) throws IOException {
        Files.createDirectories(folder);
        GraphProto g = Protos.relu().getGraph().toBuilder().addInitializer(external("w", location, 0, 8, 2)).build();
        Path f = folder.resolve("model.onnx");
        Files.write(f, model(g, 13).toByteArray());
        return f;
    }

    @Test
    void externalDataLoads() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.position(16);
        b.putFloat(1.5f).putFloat(-2f).putFloat(3.25f);
        Path folder = dir.resolve("m");
        Files.createDirectories(folder.resolve("data"));
        Files.write(folder.resolve("data/weights.bin"), b.array());
        GraphProto g = Protos.relu().getGraph().toBuilder()
                .addInitializer(external("w", "data/weights.bin", 16, 12, 3))
                .addInitializer(external("v", "./data/../data/weights.bin", 16, -1, 1, 3)).build();
        Path f = folder.resolve("model.onnx");
        Files.write(f, model(g, 13).toByteArray());
        Graph graph = OnnxImport.load(f).graph();
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, graph.initializers().get("w").floats());
        assertArrayEquals(new int[] {1, 3}, graph.initializers().get("v").shape());
        // Loaded from bytes, the base folder is given explicitly.
        Graph again = OnnxImport.load(Files.readAllBytes(f), folder).graph();
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, again.initializers().get("w").floats());
    }

    @Test
    void weightsLargerThanOneReadSliceArriveIntact() throws IOException {
        // More than one slice of the file reader, both inline (raw_data) and in an external file,
        // with an odd length so the last slice is partial; every value is distinct.
        int n = FileBytes.SLICE / 4 + 12_345;
        ByteBuffer raw = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer halves = ByteBuffer.allocate(2 * 3).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            raw.putFloat(i * 0.5f - 7f);
        }
        halves.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-0.25f)).putShort(Float.floatToFloat16(8f));
        Path folder = dir.resolve("big");
        Files.createDirectories(folder);
        byte[] ext = new byte[3 + 4 * n];
        System.arraycopy(raw.array(), 0, ext, 3, 4 * n);
        Files.write(folder.resolve("w.bin"), ext);
        GraphProto g = Protos.relu().getGraph().toBuilder()
                .addInitializer(TensorProto.newBuilder().setName("inline").setDataType(1).addDims(n)
                        .setRawData(ByteString.copyFrom(raw.array())))
                .addInitializer(TensorProto.newBuilder().setName("half").setDataType(10).addDims(3)
                        .setRawData(ByteString.copyFrom(halves.array())))
                .addInitializer(external("outside", "w.bin", 3, 4L * n, n)).build();
        Path f = folder.resolve("model.onnx");
        Files.write(f, model(g, 13).toByteArray());
        Graph graph = OnnxImport.load(f).graph();
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = i * 0.5f - 7f;
        }
        assertArrayEquals(expected, graph.initializers().get("inline").floats());
        assertArrayEquals(expected, graph.initializers().get("outside").floats());
        assertArrayEquals(new float[] {1.5f, -0.25f, 8f}, graph.initializers().get("half").floats());
    }

    @Test
    void externalDataOutsideTheFolderIsRefused() throws IOException {
        Files.write(dir.resolve("secret.bin"), new byte[8]);
        Path f = modelWithExternal(dir.resolve("m"), "../secret.bin");
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(f));
        assertTrue(e.getMessage().contains("initializer 'w'") && e.getMessage().contains("outside the model's folder"), e.getMessage());

        Path abs = modelWithExternal(dir.resolve("a"), dir.resolve("secret.bin").toAbsolutePath().toString());
        e = assertThrows(ModelException.class, () -> OnnxImport.load(abs));
        assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());

        Path sneaky = modelWithExternal(dir.resolve("s"), "sub/../../secret.bin");
        e = assertThrows(ModelException.class, () -> OnnxImport.load(sneaky));
        assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());
    }

    @Test
    void externalDataThroughALinkOutsideTheFolderIsRefused() throws IOException {
        Files.write(dir.resolve("secret.bin"), new byte[8]);
        Path folder = dir.resolve("l");
        Path f = modelWithExternal(folder, "link.bin");
        try {
            Files.createSymbolicLink(folder.resolve("link.bin"), dir.resolve("secret.bin"));
        } catch (UnsupportedOperationException | IOException e) {
            org.junit.jupiter.api.Assumptions.abort("symbolic links not available: " + e);
        }
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(f));
        assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());
    }

    @Test
    void externalDataOfTheWrongSizeOrMissingIsRefused() throws IOException {
        Path folder = dir.resolve("w");
        Path f = modelWithExternal(folder, "weights.bin");
        Files.write(folder.resolve("weights.bin"), new byte[4]);
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(f));
        assertTrue(e.getMessage().contains("outside 'weights.bin'"), e.getMessage());
        Files.delete(folder.resolve("weights.bin"));
        e = assertThrows(ModelException.class, () -> OnnxImport.load(f));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        ModelException noFolder = assertThrows(ModelException.class, () -> OnnxImport.load(Files.readAllBytes(f), null));
        assertTrue(noFolder.getMessage().contains("not loaded from a folder"), noFolder.getMessage());
    }

    @Test
    void everyTypedFieldDecodes() {
        assertArrayEquals(new float[] {1, -2.5f}, decode(TensorProto.newBuilder().setDataType(1).addDims(2).addFloatData(1).addFloatData(-2.5f)).floats());
        assertArrayEquals(new long[] {-128, 127}, decode(TensorProto.newBuilder().setDataType(3).addDims(2).addInt32Data(-128).addInt32Data(127)).longs());
        assertArrayEquals(new long[] {255, 0}, decode(TensorProto.newBuilder().setDataType(2).addDims(2).addInt32Data(255).addInt32Data(0)).longs());
        assertArrayEquals(new long[] {-32768, 5}, decode(TensorProto.newBuilder().setDataType(5).addDims(2).addInt32Data(-32768).addInt32Data(5)).longs());
        assertArrayEquals(new long[] {65535}, decode(TensorProto.newBuilder().setDataType(4).addDims(1).addInt32Data(65535)).longs());
        assertArrayEquals(new long[] {-7}, decode(TensorProto.newBuilder().setDataType(6).addDims(1).addInt32Data(-7)).longs());
        assertArrayEquals(new long[] {1, 0}, decode(TensorProto.newBuilder().setDataType(9).addDims(2).addInt32Data(1).addInt32Data(0)).longs());
        short half = Float.floatToFloat16(0.5f);
        assertArrayEquals(new float[] {0.5f}, decode(TensorProto.newBuilder().setDataType(10).addDims(1).addInt32Data(half & 0xFFFF)).floats());
        assertArrayEquals(new long[] {Long.MIN_VALUE}, decode(TensorProto.newBuilder().setDataType(7).addDims(1).addInt64Data(Long.MIN_VALUE)).longs());
        assertArrayEquals(new double[] {Math.PI}, decode(TensorProto.newBuilder().setDataType(11).addDims(1).addDoubleData(Math.PI)).doubles());
        assertArrayEquals(new long[] {4294967295L}, decode(TensorProto.newBuilder().setDataType(12).addDims(1).addUint64Data(4294967295L)).longs());
        assertArrayEquals(new long[] {-1L}, decode(TensorProto.newBuilder().setDataType(13).addDims(1).addUint64Data(-1L)).longs());
        Tensor scalar = decode(TensorProto.newBuilder().setDataType(1).addFloatData(3));
        assertEquals(0, scalar.rank());
        assertEquals(0, decode(TensorProto.newBuilder().setDataType(1).addDims(0).addDims(3)).size());
        ModelException e = assertThrows(ModelException.class, () -> decode(TensorProto.newBuilder().setName("t").setDataType(1).addDims(3).addFloatData(1)));
        assertTrue(e.getMessage().contains("1 values in float_data, expected 3"), e.getMessage());
    }

    @Test
    void everyRawTypeDecodesLittleEndian() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(new float[] {-1.25f, 8f}, decode(raw(1, b.clear().putFloat(-1.25f).putFloat(8f))).floats());
        assertArrayEquals(new float[] {1.5f}, decode(raw(10, b.clear().putShort(Float.floatToFloat16(1.5f)))).floats());
        assertArrayEquals(new double[] {-0.1}, decode(raw(11, b.clear().putDouble(-0.1))).doubles());
        assertArrayEquals(new long[] {-3, 200 - 256}, decode(raw(3, b.clear().put((byte) -3).put((byte) 200))).longs());
        assertArrayEquals(new long[] {253, 200}, decode(raw(2, b.clear().put((byte) -3).put((byte) 200))).longs());
        assertArrayEquals(new long[] {-2}, decode(raw(5, b.clear().putShort((short) -2))).longs());
        assertArrayEquals(new long[] {65534}, decode(raw(4, b.clear().putShort((short) -2))).longs());
        assertArrayEquals(new long[] {-9}, decode(raw(6, b.clear().putInt(-9))).longs());
        assertArrayEquals(new long[] {4294967287L}, decode(raw(12, b.clear().putInt(-9))).longs());
        assertArrayEquals(new long[] {-9}, decode(raw(7, b.clear().putLong(-9))).longs());
        assertArrayEquals(new long[] {-9}, decode(raw(13, b.clear().putLong(-9))).longs());
        assertArrayEquals(new long[] {1, 0, 1}, decode(raw(9, b.clear().put((byte) 1).put((byte) 0).put((byte) 1))).longs());
        ModelException e = assertThrows(ModelException.class, () -> decode(TensorProto.newBuilder().setName("t").setDataType(1).addDims(2)
                .setRawData(ByteString.copyFrom(new byte[7]))));
        assertTrue(e.getMessage().contains("7 bytes"), e.getMessage());
    }

    private static TensorProto.Builder raw(int type, ByteBuffer b) {
        byte[] bytes = Arrays.copyOf(b.array(), b.position());
        int size = switch (type) {
            case 1, 6, 12 -> 4;
            case 10, 5, 4 -> 2;
            case 11, 7, 13 -> 8;
            default -> 1;
        };
        return TensorProto.newBuilder().setDataType(type).addDims(bytes.length / size).setRawData(ByteString.copyFrom(bytes));
    }

    private static Tensor decode(TensorProto.Builder t) {
        return OnnxImport.tensor(t.build(), null, "test");
    }

    @Test
    void symbolicDimsAndDomainsAreKept() {
        GraphProto g = GraphProto.newBuilder().addInput(value("x", 1, -1, 3)).addOutput(value("y", 1, -1, 3))
                .addValueInfo(value("mid", 1, -1, 3))
                .addNode(node("r", "Relu", new String[] {"x"}, new String[] {"mid"}).toBuilder().setDomain("ai.onnx").build())
                .addNode(node("s", "Relu", new String[] {"mid"}, new String[] {"y"})).build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx").setVersion(11)).build();
        Model model = OnnxImport.load(m.toByteArray(), null);
        assertEquals(11, model.opset());
        assertEquals("", model.graph().nodes().getFirst().domain());
        TensorType x = model.graph().inputs().getFirst().type();
        assertEquals(-1, x.shape().dim(0));
        assertEquals("N", x.shape().symbols()[0]);
        assertEquals(3, x.shape().dim(1));
        assertEquals(x, model.graph().valueInfo().get("mid").type());
    }

    @Test
    void attributesOfEveryKindDecode() {
        GraphProto body = GraphProto.newBuilder().setName("body").addOutput(value("x", 1, 2)).build();
        NodeProto n = node("n", "Custom", new String[] {"x"}, new String[] {"y"},
                intAttr("i", 7),
                AttributeProto.newBuilder().setName("f").setType(AttributeProto.AttributeType.FLOAT).setF(0.5f).build(),
                AttributeProto.newBuilder().setName("s").setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("héllo")).build(),
                AttributeProto.newBuilder().setName("t").setType(AttributeProto.AttributeType.TENSOR).setT(floats("", new float[] {1, 2}, 2)).build(),
                AttributeProto.newBuilder().setName("g").setType(AttributeProto.AttributeType.GRAPH).setG(body).build(),
                AttributeProto.newBuilder().setName("fs").setType(AttributeProto.AttributeType.FLOATS).addFloats(1).addFloats(2).build(),
                AttributeProto.newBuilder().setName("is").setType(AttributeProto.AttributeType.INTS).addInts(3).addInts(-4).build(),
                AttributeProto.newBuilder().setName("ss").setType(AttributeProto.AttributeType.STRINGS).addStrings(ByteString.copyFromUtf8("a")).build(),
                AttributeProto.newBuilder().setName("ts").setType(AttributeProto.AttributeType.TENSORS).addTensors(floats("", new float[] {3}, 1)).build(),
                AttributeProto.newBuilder().setName("gs").setType(AttributeProto.AttributeType.GRAPHS).addGraphs(body).addGraphs(body).build(),
                // Written before attributes carried their kind: inferred from the field that is set.
                AttributeProto.newBuilder().setName("old").setI(9).build());
        GraphProto g = GraphProto.newBuilder().addInput(value("x", 1, 2)).addOutput(value("y", 1, 2)).addNode(n).build();
        Map<String, Attribute> a = OnnxImport.load(model(g, 13).toByteArray(), null).graph().nodes().getFirst().attributes();
        assertEquals(new Attribute.Int(7), a.get("i"));
        assertEquals(new Attribute.Float(0.5f), a.get("f"));
        assertEquals(new Attribute.Str("héllo"), a.get("s"));
        assertArrayEquals(new float[] {1, 2}, ((Attribute.TensorValue) a.get("t")).value().floats());
        assertEquals("body", ((Attribute.GraphValue) a.get("g")).value().name());
        assertEquals(new Attribute.Floats(List.of(1f, 2f)), a.get("fs"));
        assertEquals(new Attribute.Ints(List.of(3L, -4L)), a.get("is"));
        assertEquals(new Attribute.Strs(List.of("a")), a.get("ss"));
        assertEquals(1, ((Attribute.Tensors) a.get("ts")).values().size());
        assertEquals(2, ((Attribute.Graphs) a.get("gs")).values().size());
        assertEquals(new Attribute.Int(9), a.get("old"));
    }

    @Test
    void sparseInitializerIsDensified() {
        TensorProto values = floats("sp", new float[] {5, 6}, 2);
        TensorProto linear = TensorProto.newBuilder().setDataType(7).addDims(2).addInt64Data(1).addInt64Data(5).build();
        TensorProto coords = TensorProto.newBuilder().setDataType(7).addDims(2).addDims(2)
                .addInt64Data(0).addInt64Data(1).addInt64Data(1).addInt64Data(2).build();
        GraphProto g = Protos.relu().getGraph().toBuilder()
                .addSparseInitializer(SparseTensorProto.newBuilder().setValues(values).setIndices(linear).addDims(2).addDims(3))
                .addSparseInitializer(SparseTensorProto.newBuilder().setValues(values.toBuilder().setName("sp2")).setIndices(coords).addDims(2).addDims(3))
                .build();
        Graph graph = OnnxImport.load(model(g, 13).toByteArray(), null).graph();
        assertArrayEquals(new float[] {0, 5, 0, 0, 0, 6}, graph.initializers().get("sp").floats());
        assertArrayEquals(new float[] {0, 5, 0, 0, 0, 6}, graph.initializers().get("sp2").floats());
    }

    /** {@code Scaled(X) = Mul(X, alpha)}, with {@code alpha} an attribute of the call (default 2). */
    private static FunctionProto scaled() {
        AttributeProto valueRef = AttributeProto.newBuilder().setName("value_float").setType(AttributeProto.AttributeType.FLOAT)
                .setRefAttrName("alpha").build();
        return FunctionProto.newBuilder().setName("Scaled").setDomain("com.example")
                .addInput("X").addOutput("Y")
                .addAttributeProto(AttributeProto.newBuilder().setName("alpha").setType(AttributeProto.AttributeType.FLOAT).setF(2))
                .addAttribute("unused")
                .addNode(node("k", "Constant", new String[0], new String[] {"a"}, valueRef))
                .addNode(node("m", "Mul", new String[] {"X", "a"}, new String[] {"Y"}))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .build();
    }

    @Test
    void modelFunctionsAreInlined() {
        AttributeProto alpha = AttributeProto.newBuilder().setName("alpha").setType(AttributeProto.AttributeType.FLOAT).setF(3).build();
        GraphProto g = GraphProto.newBuilder().addInput(value("x", 1, 2)).addOutput(value("y", 1, 2))
                .addNode(node("first", "Scaled", new String[] {"x"}, new String[] {"a"}).toBuilder().setDomain("com.example").addAttribute(alpha).build())
                .addNode(node("second", "Scaled", new String[] {"a"}, new String[] {"y"}).toBuilder().setDomain("com.example").build())
                .build();
        ModelProto m = model(g, 13).toBuilder().addFunctions(scaled())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.example").setVersion(1)).build();
        Graph graph = OnnxImport.load(m.toByteArray(), null).graph();
        List<Node> nodes = graph.nodes();
        assertEquals(List.of("Constant", "Mul", "Constant", "Mul"), nodes.stream().map(Node::opType).toList());
        // The caller's attribute, then the function's default.
        assertEquals(new Attribute.Float(3), nodes.get(0).attributes().get("value_float"));
        assertEquals(new Attribute.Float(2), nodes.get(2).attributes().get("value_float"));
        // Formal inputs and outputs become the caller's names; the body's own values are renamed apart.
        assertEquals("x", nodes.get(1).inputs().get(0));
        assertEquals("a", nodes.get(1).outputs().getFirst());
        assertEquals("a", nodes.get(3).inputs().get(0));
        assertEquals("y", nodes.get(3).outputs().getFirst());
        Set<String> produced = new HashSet<>();
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                assertTrue(produced.add(o), "produced twice: " + o);
            }
        }
        assertEquals(4, nodes.stream().map(Node::name).distinct().count());
    }

    @Test
    void aFunctionCallingItselfIsRefused() {
        FunctionProto loop = FunctionProto.newBuilder().setName("Loopy").setDomain("d").addInput("X").addOutput("Y")
                .addNode(node("again", "Loopy", new String[] {"X"}, new String[] {"Y"}).toBuilder().setDomain("d").build()).build();
        GraphProto g = GraphProto.newBuilder().addInput(value("x", 1, 2)).addOutput(value("y", 1, 2))
                .addNode(node("call", "Loopy", new String[] {"x"}, new String[] {"y"}).toBuilder().setDomain("d").build()).build();
        ModelProto m = model(g, 13).toBuilder().addFunctions(loop).build();
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.load(m.toByteArray(), null));
        assertTrue(e.getMessage().contains("calls itself"), e.getMessage());
    }

    @Test
    void readsTestDataTensors() throws IOException {
        Path f = write("t.pb", floats("v", new float[] {1, 2, 3}, 3).toByteArray());
        assertArrayEquals(new float[] {1, 2, 3}, OnnxImport.readTensor(f).floats());
        Path bad = write("bad.pb", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        ModelException e = assertThrows(ModelException.class, () -> OnnxImport.readTensor(bad));
        assertOneLine(e);
    }
}
