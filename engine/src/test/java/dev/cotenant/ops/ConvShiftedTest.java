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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Stride-1 and (few-channel) stride-2 convolutions on the shifted-window path against the direct
 * reference: one block of all columns for small images, blocks shared among threads for the
 * 32x32 image with 64 channels. The path is forced: whether the planner would pick it depends on
 * the panel width, so on the machine; what is tested here is that it computes right.
 */
class ConvShiftedTest {

    @Test
    void agreesWithReferenceOnPadsKernelsBatchesAndThreads() {
        Random r = new Random(17);
        // n, c, m, h, w, kh, kw, pad top, left, bottom, right, stride
        int[][] cases = {
                {1, 3, 8, 16, 16, 3, 3, 1, 1, 1, 1, 1},
                {2, 5, 11, 20, 18, 3, 3, 0, 0, 2, 2, 1},
                {1, 4, 40, 15, 30, 5, 5, 2, 2, 2, 2, 1},
                {1, 7, 9, 17, 14, 1, 3, 0, 1, 0, 1, 1},
                {2, 2, 3, 14, 16, 3, 2, 1, 1, 0, 0, 1},
                {1, 6, 70, 33, 37, 3, 3, 1, 1, 1, 1, 1},
                {1, 64, 20, 32, 32, 3, 3, 1, 1, 1, 1, 1},
                {1, 3, 16, 45, 43, 7, 7, 3, 3, 3, 3, 2},
                {2, 3, 9, 30, 29, 3, 3, 1, 1, 1, 1, 2},
                {1, 4, 12, 28, 31, 1, 1, 0, 0, 0, 0, 2},
                {1, 4, 7, 33, 36, 3, 3, 0, 1, 2, 0, 2},
                {1, 2, 5, 14, 14, 3, 3, 1, 1, 1, 1, 2},
        };
        try (Workers two = Workers.create(2)) {
            for (int t = 0; t < cases.length * 2; t++) {
                int[] cs = cases[t % cases.length];
                int n = cs[0], c = cs[1], m = cs[2], h = cs[3], w = cs[4], kh = cs[5], kw = cs[6];
                int[] pads = {cs[7], cs[8], cs[9], cs[10]};
                int st = cs[11];
                Tensor x = ConvOpTest.random(r, n, c, h, w);
                Tensor wt = ConvOpTest.random(r, m, c, kh, kw);
                Tensor b = t % 2 == 0 ? ConvOpTest.random(r, m) : null;
                Map<String, Attribute> attrs = new HashMap<>();
                attrs.put("pads", ConvOpTest.ints(pads));
                attrs.put("strides", ConvOpTest.ints(st, st));
                attrs.put("activation", new Attribute.Str("Relu"));
                Node node = new Node("c" + t, "FusedConv", OpTable.COTENANT_DOMAIN, List.of("x", "w", b == null ? "" : "b"), List.of("y"), attrs);
                boolean constant = t < cases.length;
                BoundOp op = bind(node, new Tensor[] {x, wt, b}, constant);
                assertInstanceOf(ConvShifted.class, op, "case " + t);
                Tensor[] out = ConvOpTest.run(op, node, new Tensor[] {x, wt, b}, t % 3 == 0 ? Workers.single() : two);
                int[] os = out[0].shape();
                double[] want = ConvReference.conv(ConvOp.doubles(x), x.shape(), ConvOp.doubles(wt), m, b == null ? null : ConvOp.doubles(b), 1,
                        new ConvReference.Window(new int[] {kh, kw}, new int[] {st, st}, new int[] {1, 1}, new int[] {pads[0], pads[1]},
                                Arrays.copyOfRange(os, 2, 4)));
                assertEquals(want.length, out[0].size());
                for (int i = 0; i < want.length; i++) {
                    assertEquals(Math.max(0, want[i]), out[0].getDouble(i), 1e-4, "case " + t + " " + Arrays.toString(cs) + " at " + i);
                }
            }
        }
    }

    private static BoundOp bind(Node node, Tensor[] in, boolean constant) {
        List<TensorType> types = new ArrayList<>();
        List<Tensor> known = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            types.add(in[i] == null ? null : in[i].type());
            known.add(in[i] != null && constant && i > 0 ? in[i] : null);
        }
        return ConvOp.bind(new OpContext(node, 13, types, known), true, ConvOp.Lowering.SHIFTED);
    }
}
