package dev.cotenant.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExportTest {

    @TempDir
    Path dir;

    /** A graph that uses every attribute kind, every supported data type and symbolic dimensions. */
    private static Model sample() {
        GraphBuilder b = new GraphBuilder("sample", 7);
        String x = b.input("x", DataType.FLOAT, new int[] {-1, 3, -1}, "batch", "len");
        String w = b.normal("w", 0.5f, 3, 3);
        b.constant("h", withValues(Tensor.allocate(DataType.FLOAT16, 2), 0.5, -3));
        b.constant("d", Tensor.ofDoubles(new double[] {Math.E, -0.0}, 2));
        long[][] ints = {{-128, 127}, {0, 255}, {-32768, 32767}, {0, 65535}, {Integer.MIN_VALUE, 1}, {0xFFFF_FFFFL, 0}, {Long.MIN_VALUE, Long.MAX_VALUE}, {-1, 3}, {1, 0}};
        DataType[] intTypes = {DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16, DataType.INT32, DataType.UINT32, DataType.INT64, DataType.UINT64, DataType.BOOL};
        for (int i = 0; i < intTypes.length; i++) {
            b.constant("c_" + intTypes[i].onnxName(), Tensor.ofLongs(intTypes[i], ints[i], 2));
        }
        GraphBuilder branch = new GraphBuilder("branch", 1);
        branch.output("w");
        Graph sub = branch.build();
        String m = b.node("MatMul", x, w);
        String r = b.nodeNamed("custom", "Custom", List.of(m, "", "h"), Map.ofEntries(
                Map.entry("i", GraphBuilder.i(-5)),
                Map.entry("f", GraphBuilder.f(0.25f)),
                Map.entry("s", GraphBuilder.s("same_upper")),
                Map.entry("is", GraphBuilder.ints(1, 2, 3)),
                Map.entry("fs", GraphBuilder.floats(0.5f, -1f)),
                Map.entry("ss", new Attribute.Strs(List.of("a", "β"))),
                Map.entry("t", new Attribute.TensorValue(Tensor.scalar(3L))),
                Map.entry("ts", new Attribute.Tensors(List.of(Tensor.scalar(1f), Tensor.of(new float[] {1, 2}, 2)))),
                Map.entry("g", new Attribute.GraphValue(sub)),
                Map.entry("gs", new Attribute.Graphs(List.of(sub, sub)))));
        b.add(new Node("fused", "FusedThing", "dev.cotenant", List.of(r), List.of("y"), Map.of()));
        b.output("y", new TensorType(DataType.FLOAT, new Shape(new int[] {-1, 3, -1}, new String[] {"batch", null, "len"})));
        Graph g = b.build().withValueInfo(Map.of("custom.out", new ValueInfo("custom.out", TensorType.of(DataType.FLOAT, 2, 3, 4))));
        return new Model(g, Map.of("", 17, "dev.cotenant", 1), 9, "test", null);
    }

    private static Tensor withValues(Tensor t, double... v) {
        for (int i = 0; i < v.length; i++) {
            t.setDouble(i, v[i]);
        }
        return t;
    }

    @Test
    void exportThenImportGivesAnEqualGraph() throws IOException {
        Model m = sample();
        Path f = dir.resolve("sample.onnx");
        OnnxExport.write(m, f);
        Model back = OnnxImport.load(f);
        assertEquals(m.opsets(), back.opsets());
        assertEquals(9, back.irVersion());
        assertGraphEquals(m.graph(), back.graph());
        // Deterministic: the same model always gives the same bytes.
        assertArrayEquals(OnnxExport.toBytes(m), OnnxExport.toBytes(back));
    }

    @Test
    void viewsAreWrittenFromTheirOffset() throws IOException {
        float[] arena = {9, 9, 1, 2, 3, 9};
        Tensor view = Tensor.view(DataType.FLOAT, new int[] {3}, arena, 2);
        Tensor back = OnnxImport.tensor(dev.cotenant.onnx.proto.OnnxProto.TensorProto.parseFrom(OnnxExport.tensorBytes("v", view)), null, "v");
        assertArrayEquals(new float[] {1, 2, 3}, back.floats());
    }

    /** ONNX Runtime reads the exported bytes and computes what the graph says, on the exported weights. */
    @Test
    void onnxRuntimeRunsTheExportedModel() throws Exception {
        GraphBuilder b = new GraphBuilder("mlp", 3);
        String x = b.input("x", DataType.FLOAT, new int[] {-1, 4}, "batch");
        String w = b.normal("w", 1f, 4, 3);
        b.output(b.node("Relu", b.node("MatMul", x, w)));
        Model m = b.model(17);
        float[][] in = {{1, 2, 3, 4}, {-1, 0.5f, -3, 2}};
        float[] wv = m.graph().initializers().get(w).floats();
        var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (var session = env.createSession(OnnxExport.toBytes(m), new ai.onnxruntime.OrtSession.SessionOptions());
             var input = ai.onnxruntime.OnnxTensor.createTensor(env, in);
             var result = session.run(Map.of("x", input))) {
            assertEquals("batch", ((ai.onnxruntime.TensorInfo) session.getInputInfo().get("x").getInfo()).getDimensionNames()[0]);
            float[][] out = (float[][]) result.get(0).getValue();
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    float sum = 0;
                    for (int k = 0; k < 4; k++) {
                        sum += in[r][k] * wv[k * 3 + c];
                    }
                    assertEquals(Math.max(0, sum), out[r][c], 1e-5);
                }
            }
        }
    }

    static void assertGraphEquals(Graph a, Graph b) {
        assertEquals(a.name(), b.name());
        assertValuesEqual(a.inputs(), b.inputs());
        assertValuesEqual(a.outputs(), b.outputs());
        assertValuesEqual(List.copyOf(a.valueInfo().values()), List.copyOf(b.valueInfo().values()));
        assertEquals(a.initializers().keySet(), b.initializers().keySet());
        a.initializers().forEach((k, t) -> assertTensorEquals(t, b.initializers().get(k)));
        assertEquals(a.nodes().size(), b.nodes().size());
        for (int i = 0; i < a.nodes().size(); i++) {
            Node x = a.nodes().get(i);
            Node y = b.nodes().get(i);
            assertEquals(x.name(), y.name());
            assertEquals(x.opType(), y.opType());
            assertEquals(x.domain(), y.domain());
            assertEquals(x.inputs(), y.inputs());
            assertEquals(x.outputs(), y.outputs());
            assertEquals(x.attributes().keySet(), y.attributes().keySet());
            x.attributes().forEach((k, v) -> assertAttributeEquals(v, y.attributes().get(k)));
        }
    }

    private static void assertAttributeEquals(Attribute a, Attribute b) {
        switch (a) {
            case Attribute.TensorValue t -> assertTensorEquals(t.value(), assertInstanceOf(Attribute.TensorValue.class, b).value());
            case Attribute.GraphValue g -> assertGraphEquals(g.value(), assertInstanceOf(Attribute.GraphValue.class, b).value());
            case Attribute.Tensors t -> {
                List<Tensor> other = assertInstanceOf(Attribute.Tensors.class, b).values();
                assertEquals(t.values().size(), other.size());
                for (int i = 0; i < other.size(); i++) {
                    assertTensorEquals(t.values().get(i), other.get(i));
                }
            }
            case Attribute.Graphs g -> {
                List<Graph> other = assertInstanceOf(Attribute.Graphs.class, b).values();
                assertEquals(g.values().size(), other.size());
                for (int i = 0; i < other.size(); i++) {
                    assertGraphEquals(g.values().get(i), other.get(i));
                }
            }
            default -> assertEquals(a, b);
        }
    }

    private static void assertValuesEqual(List<ValueInfo> a, List<ValueInfo> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).name(), b.get(i).name());
            assertEquals(a.get(i).type(), b.get(i).type());
            if (a.get(i).type() != null) {
                assertArrayEquals(a.get(i).type().shape().symbols(), b.get(i).type().shape().symbols(), a.get(i).name());
            }
        }
    }

    static void assertTensorEquals(Tensor a, Tensor b) {
        assertEquals(a.dataType(), b.dataType());
        assertArrayEquals(a.shape(), b.shape());
        for (int i = 0; i < a.size(); i++) {
            if (a.dataType().isFloat()) {
                assertEquals(Double.doubleToLongBits(a.getDouble(i)), Double.doubleToLongBits(b.getDouble(i)), "element " + i + " of " + a);
            } else {
                assertEquals(a.getLong(i), b.getLong(i), "element " + i + " of " + a);
            }
        }
        assertEquals(Arrays.toString(a.shape()), Arrays.toString(b.shape()));
    }
}
