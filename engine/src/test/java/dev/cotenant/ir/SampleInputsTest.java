package dev.cotenant.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Free dimensions sized or refused with a message that says how to size them; parameters counted wherever they are held. */
class SampleInputsTest {

    /** ids [batch, seq], image [batch, 3, height, width]. */
    private static List<ValueInfo> inputs() {
        GraphBuilder b = new GraphBuilder("g", 1);
        b.input("ids", DataType.INT64, new int[] {-1, -1}, "batch", "seq");
        b.input("image", DataType.FLOAT, new int[] {-1, 3, -1, -1}, "batch", "height", "width");
        return b.build().feeds();
    }

    private static SampleInputs.Sizes cli(Map<String, Integer> sizes) {
        return new SampleInputs.Sizes(sizes, 0, "m.onnx", "--dim ");
    }

    @Test
    void everyFreeDimensionTakesItsSizeAndAnUnsetLeadingOneIsOne() {
        Map<String, int[]> shapes = SampleInputs.shapes(inputs(), cli(Map.of("seq", 7, "height", 5, "width", 6)));
        assertArrayEquals(new int[] {1, 7}, shapes.get("ids"));
        assertArrayEquals(new int[] {1, 3, 5, 6}, shapes.get("image"));
        shapes = SampleInputs.shapes(inputs(), cli(Map.of("batch", 4, "seq", 7, "height", 5, "width", 6)));
        assertArrayEquals(new int[] {4, 3, 5, 6}, shapes.get("image"));
        shapes = SampleInputs.shapes(inputs(), new SampleInputs.Sizes(Map.of("seq", 2, "height", 5, "width", 6), 8, "t", ":dim="));
        assertArrayEquals(new int[] {8, 2}, shapes.get("ids"));
    }

    @Test
    void unsetDimensionsAreNamedWithTheOptionThatSetsThem() {
        ModelException e = assertThrows(ModelException.class, () -> SampleInputs.shapes(inputs(), cli(Map.of("seq", 7))));
        assertEquals("m.onnx: free input dimensions 'height' (input 'image', dimension 2), 'width' (input 'image', dimension 3) "
                + "have no size; set them with --dim height=N --dim width=N", e.getMessage());
        e = assertThrows(ModelException.class, () -> SampleInputs.shapes(inputs(),
                new SampleInputs.Sizes(Map.of("height", 1, "width", 1), 2, "tenant m.onnx:2", ":dim=")));
        assertEquals("tenant m.onnx:2: free input dimension 'seq' (input 'ids', dimension 1) has no size; set it with :dim=seq=N",
                e.getMessage());
    }

    @Test
    void aSizeForASymbolNoInputHasIsRefused() {
        ModelException e = assertThrows(ModelException.class,
                () -> SampleInputs.shapes(inputs(), cli(Map.of("seq", 7, "height", 5, "width", 6, "widht", 3))));
        assertEquals("m.onnx: --dim widht=3: no input has a free dimension 'widht' (free symbols: batch, seq, height, width)", e.getMessage());
        e = assertThrows(ModelException.class, () -> SampleInputs.shapes(inputs(),
                new SampleInputs.Sizes(Map.of("batch", 2, "seq", 1, "height", 1, "width", 1), 2, "b.onnx", "--dim ")));
        assertTrue(e.getMessage().contains("no input has a free dimension 'batch' besides the batch (free symbols: seq, height, width)"),
                e.getMessage());
    }

    @Test
    void samplesAreSeededAndPlausible() {
        GraphBuilder b = new GraphBuilder("g", 1);
        b.input("input_ids", DataType.INT64, 2, 4);
        b.input("attention_mask", DataType.INT64, 2, 4);
        b.input("token_type_ids", DataType.INT64, 2, 4);
        b.input("x", DataType.FLOAT, 3);
        List<ValueInfo> ins = b.build().feeds();
        SampleInputs.Sizes none = cli(Map.of());
        Map<String, Tensor> a = SampleInputs.of(ins, none, new SplittableRandom(5));
        Map<String, Tensor> again = SampleInputs.of(ins, none, new SplittableRandom(5));
        for (int i = 0; i < 8; i++) {
            assertEquals(1, a.get("attention_mask").getLong(i));
            assertEquals(0, a.get("token_type_ids").getLong(i));
            assertTrue(a.get("input_ids").getLong(i) >= 0 && a.get("input_ids").getLong(i) < 100);
            assertEquals(a.get("input_ids").getLong(i), again.get("input_ids").getLong(i));
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(a.get("x").getDouble(i) >= 0 && a.get("x").getDouble(i) < 1);
        }
    }

    @Test
    void parametersHeldInConstantNodesAndSubgraphsCount() {
        GraphBuilder b = new GraphBuilder("g", 1);
        String x = b.input("x", DataType.FLOAT, 2, 3);
        String w = b.normal("w", 1f, 3, 4);
        String shape = b.longs("shape", 4, 2);
        b.node("Constant", List.of(), Map.of("value", new Attribute.TensorValue(Tensor.of(new float[5], 5))));
        b.node("Constant", List.of(), Map.of("value", new Attribute.TensorValue(Tensor.ofLongs(DataType.INT64, new long[9], 9))));
        GraphBuilder body = new GraphBuilder("body", 2);
        body.output(body.node("Constant", List.of(), Map.of("value_floats", GraphBuilder.floats(1, 2, 3))));
        b.node("If", List.of(x), Map.of("then_branch", new Attribute.GraphValue(body.build())));
        b.output(b.node("Reshape", b.node("MatMul", x, w), shape));
        assertEquals(12 + 5 + 3, b.build().parameterCount());
    }
}
