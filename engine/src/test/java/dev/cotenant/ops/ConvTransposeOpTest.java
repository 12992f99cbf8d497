package dev.cotenant.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.ConvReference;
import dev.cotenant.kernels.Workers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SGEMM + col2im ConvTranspose against the direct reference, on random 2-D geometries. */
class ConvTransposeOpTest {

    @Test
    void gemmPathAgreesWithReference() {
        Random r = new Random(17);
        try (Workers two = Workers.create(2)) {
            for (int t = 0; t < 60; t++) {
                int n = 1 + r.nextInt(2);
                int group = t % 3 == 0 ? 2 : 1;
                int c = group * (1 + r.nextInt(5));
                int mg = 1 + r.nextInt(6);
                int[] k = {1 + r.nextInt(4), 1 + r.nextInt(4)};
                int[] s = {1 + r.nextInt(3), 1 + r.nextInt(3)};
                int[] d = {1 + r.nextInt(2), 1 + r.nextInt(2)};
                int[] in = {1 + r.nextInt(9), 1 + r.nextInt(9)};
                int[] pads = new int[4];
                int[] outPad = new int[2];
                for (int a = 0; a < 2; a++) {
                    // Begin plus end padding at most (k - 1) d keeps the output at least one pixel.
                    pads[a] = r.nextInt(1 + (k[a] - 1) * d[a] / 2);
                    pads[a + 2] = r.nextInt(1 + (k[a] - 1) * d[a] / 2);
                    outPad[a] = r.nextInt(Math.max(s[a], d[a]));
                }
                Tensor x = ConvOpTest.random(r, n, c, in[0], in[1]);
                Tensor w = ConvOpTest.random(r, c, mg, k[0], k[1]);
                Tensor bias = t % 2 == 0 ? ConvOpTest.random(r, group * mg) : null;
                Map<String, Attribute> attrs = new HashMap<>();
                attrs.put("kernel_shape", ConvOpTest.ints(k));
                attrs.put("strides", ConvOpTest.ints(s));
                attrs.put("dilations", ConvOpTest.ints(d));
                attrs.put("pads", ConvOpTest.ints(pads));
                attrs.put("output_padding", ConvOpTest.ints(outPad));
                attrs.put("group", new Attribute.Int(group));
                List<String> inputs = new ArrayList<>(List.of("x", "w"));
                if (bias != null) {
                    inputs.add("b");
                }
                Node node = new Node("up", "ConvTranspose", "", inputs, List.of("y"), attrs);
                Tensor[] ins = bias == null ? new Tensor[] {x, w} : new Tensor[] {x, w, bias};
                String where = "trial " + t + " c " + c + " mg " + mg + " group " + group + " k " + k[0] + "x" + k[1]
                        + " s " + s[0] + "x" + s[1] + " d " + d[0] + "x" + d[1];
                for (boolean constant : new boolean[] {true, false}) {
                    Tensor y = ConvOpTest.run(node, 17, ins, constant, t % 2 == 0 ? two : Workers.single())[0];
                    int[] ys = y.shape();
                    ConvReference.Window win = new ConvReference.Window(k, s, d, new int[] {pads[0], pads[1]}, new int[] {ys[2], ys[3]});
                    double[] want = ConvReference.convTranspose(ConvOp.doubles(x), x.shape(), ConvOp.doubles(w), group * mg,
                            bias == null ? null : ConvOp.doubles(bias), group, win);
                    assertEquals(want.length, y.size(), where);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], y.getDouble(i), 1e-4 * (1 + Math.abs(want[i])), where + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void twoDimensionalFloatTakesTheGemmPath() {
        Node node = new Node("up", "ConvTranspose", "", List.of("x", "w"), List.of("y"),
                Map.of("strides", ConvOpTest.ints(2, 2)));
        Tensor w = ConvOpTest.random(new Random(1), 4, 3, 2, 2);
        BoundOp b = OpTable.standard().find("", "ConvTranspose").bind(new OpContext(node, 17,
                List.of(TensorType.of(dev.cotenant.ir.DataType.FLOAT, 1, 4, 5, 5), w.type()), java.util.Arrays.asList(null, w)));
        assertInstanceOf(ConvTransposeGemm.class, b);
        assertEquals(List.of(TensorType.of(dev.cotenant.ir.DataType.FLOAT, 1, 3, 10, 10)), b.outputTypes());
    }
}
