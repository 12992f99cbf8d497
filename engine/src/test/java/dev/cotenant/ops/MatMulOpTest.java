package dev.cotenant.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.kernels.Workers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Gemm and MatMul (and their fused forms) on the packed GEMM against plain loops. */
class MatMulOpTest {

    @Test
    void gemmWithEveryBiasShape() {
        Random r = new Random(5);
        int[][] cShapes = {{}, {1}, {9}, {1, 9}, {7, 1}, {7, 9}, null};
        try (Workers two = Workers.create(2)) {
            for (int t = 0; t < 28; t++) {
                int m = 7, n = 9, k = 1 + r.nextInt(40);
                boolean ta = r.nextBoolean(), tb = r.nextBoolean();
                float alpha = 0.5f + r.nextFloat(), beta = t % 5 == 0 ? 0f : 0.3f + r.nextFloat();
                int[] cs = cShapes[t % cShapes.length];
                Tensor a = ConvOpTest.random(r, ta ? new int[] {k, m} : new int[] {m, k});
                Tensor b = ConvOpTest.random(r, tb ? new int[] {n, k} : new int[] {k, n});
                Tensor c = cs == null ? null : ConvOpTest.random(r, cs);
                Map<String, Attribute> attrs = new HashMap<>();
                attrs.put("transA", new Attribute.Int(ta ? 1 : 0));
                attrs.put("transB", new Attribute.Int(tb ? 1 : 0));
                attrs.put("alpha", new Attribute.Float(alpha));
                attrs.put("beta", new Attribute.Float(beta));
                boolean fused = t % 3 == 1;
                if (fused) {
                    attrs.put("activation", new Attribute.Str("LeakyRelu"));
                    attrs.put("alpha", new Attribute.Float(alpha));
                }
                Node node = new Node("g", fused ? "FusedGemm" : "Gemm", fused ? OpTable.COTENANT_DOMAIN : "",
                        List.of("a", "b", c == null ? "" : "c"), List.of("y"), attrs);
                Tensor y = ConvOpTest.run(node, 13, new Tensor[] {a, b, c}, t % 2 == 0, t % 4 < 2 ? Workers.single() : two)[0];
                int[] st = c == null ? null : Broadcast.strides(c.shape(), new int[] {m, n});
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++) {
                            s += a.getDouble(ta ? p * m + i : i * k + p) * b.getDouble(tb ? j * k + p : p * n + j);
                        }
                        double v = alpha * s + (c == null ? 0 : beta * c.getDouble(i * st[0] + j * st[1]));
                        if (fused) {
                            v = v < 0 ? v * alpha : v;
                        }
                        assertEquals(v, y.getDouble(i * n + j), 1e-4, "case " + t);
                    }
                }
            }
        }
    }

    @Test
    void matMulPromotesAndBroadcasts() {
        Random r = new Random(9);
        int[][][] cases = {
            {{5}, {5}, {}}, {{5}, {2, 5, 3}, {2, 3}}, {{4, 5}, {5}, {4}}, {{3, 4, 5}, {5, 6}, {3, 4, 6}},
            {{2, 1, 4, 5}, {3, 5, 7}, {2, 3, 4, 7}}, {{12, 9, 17}, {12, 17, 9}, {12, 9, 9}}, {{1, 1}, {1, 1}, {1, 1}},
        };
        try (Workers two = Workers.create(2)) {
            for (int t = 0; t < cases.length * 2; t++) {
                int[][] cs = cases[t % cases.length];
                Tensor a = ConvOpTest.random(r, cs[0]);
                Tensor b = ConvOpTest.random(r, cs[1]);
                boolean fused = t >= cases.length;
                int n = cs[1].length == 1 ? 1 : cs[1][cs[1].length - 1];
                Tensor bias = fused ? ConvOpTest.random(r, n) : null;
                Map<String, Attribute> attrs = fused ? Map.of("activation", new Attribute.Str("Relu")) : Map.of();
                Node node = new Node("mm", fused ? "FusedMatMul" : "MatMul", fused ? OpTable.COTENANT_DOMAIN : "",
                        fused ? List.of("a", "b", "bias") : List.of("a", "b"), List.of("y"), attrs);
                Tensor y = ConvOpTest.run(node, 13, fused ? new Tensor[] {a, b, bias} : new Tensor[] {a, b}, t % 2 == 0,
                        t % 3 == 0 ? Workers.single() : two)[0];
                assertArrayEquals(cs[2], y.shape(), "case " + t);
                int[] a2 = cs[0].length == 1 ? new int[] {1, cs[0][0]} : cs[0];
                int[] b2 = cs[1].length == 1 ? new int[] {cs[1][0], 1} : cs[1];
                int m = a2[a2.length - 2], k = a2[a2.length - 1];
                int[] batch = Broadcast.shape(java.util.Arrays.copyOf(a2, a2.length - 2), java.util.Arrays.copyOf(b2, b2.length - 2));
                int[] as = Broadcast.strides(java.util.Arrays.copyOf(a2, a2.length - 2), batch);
                int[] bs = Broadcast.strides(java.util.Arrays.copyOf(b2, b2.length - 2), batch);
                int count = (int) dev.cotenant.ir.Shape.size(batch);
                for (int q = 0; q < count; q++) {
                    int ao = Broadcast.offset(q, batch, as) * m * k;
                    int bo = Broadcast.offset(q, batch, bs) * k * n;
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int p = 0; p < k; p++) {
                                s += a.getDouble(ao + i * k + p) * b.getDouble(bo + p * n + j);
                            }
                            if (fused) {
                                s = Math.max(0, s + bias.getDouble(j));
                            }
                            assertEquals(s, y.getDouble((q * m + i) * n + j), 1e-4, "case " + t);
                        }
                    }
                }
            }
        }
    }
}
