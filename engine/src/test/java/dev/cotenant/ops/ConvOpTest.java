package dev.cotenant.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
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

/** The FP32 convolution strategies (GEMM, pointwise, depthwise) against the direct reference. */
class ConvOpTest {

    static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.allocate(DataType.FLOAT, shape);
        float[] f = t.floats();
        for (int i = 0; i < f.length; i++) {
            f[i] = r.nextFloat() * 2 - 1;
        }
        return t;
    }

    static Attribute ints(int... v) {
        return new Attribute.Ints(Arrays.stream(v).mapToObj(i -> (long) i).toList());
    }

    /** Binds {@code node} with these inputs (constants where {@code constant}) and runs it. */
    static Tensor[] run(Node node, int opset, Tensor[] in, boolean constant, Workers w) {
        List<TensorType> types = new ArrayList<>();
        List<Tensor> known = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            types.add(in[i] == null ? null : in[i].type());
            known.add(in[i] != null && (constant && i > 0) ? in[i] : null);
        }
        BoundOp b = OpTable.standard().find(node.domain(), node.opType()).bind(new OpContext(node, opset, types, known));
        return run(b, node, in, w);
    }

    /** Runs an operator already bound, into outputs that are views at an offset. */
    static Tensor[] run(BoundOp b, Node node, Tensor[] in, Workers w) {
        Tensor[] out = new Tensor[node.outputs().size()];
        for (int i = 0; i < out.length; i++) {
            TensorType t = b.outputTypes().get(i);
            // A view at an offset into a larger array, as the arena gives it.
            int n = (int) t.shape().size() + 3;
            Object array = switch (t.dataType().storage()) {
                case F32 -> new float[n];
                case F64 -> new double[n];
                case I64, NONE -> new long[n];
            };
            out[i] = Tensor.view(t.dataType(), t.dims(), array, 3);
        }
        b.run(in, out, w);
        return out;
    }

    @Test
    void fastConvolutionsAgreeWithReference() {
        Random r = new Random(3);
        try (Workers two = Workers.create(2)) {
            for (int t = 0; t < 60; t++) {
                int n = 1 + r.nextInt(2);
                int rank = t % 5 == 0 ? 1 : 2;
                int kind = t % 4; // 0 general, 1 pointwise, 2 depthwise, 3 grouped
                int group = kind == 2 ? 1 + r.nextInt(5) : kind == 3 ? 2 : 1;
                int c = kind == 2 ? group : group * (1 + r.nextInt(7));
                int m = kind == 2 ? c : group * (1 + r.nextInt(9));
                int[] k = new int[rank];
                int[] s = new int[rank];
                int[] d = new int[rank];
                int[] pads = new int[2 * rank];
                int[] in = new int[rank];
                for (int a = 0; a < rank; a++) {
                    k[a] = kind == 1 ? 1 : 1 + r.nextInt(4);
                    s[a] = kind == 1 ? 1 : 1 + r.nextInt(2);
                    d[a] = kind == 1 ? 1 : 1 + r.nextInt(2);
                    pads[a] = kind == 1 ? 0 : r.nextInt(3);
                    pads[a + rank] = kind == 1 ? 0 : r.nextInt(3);
                    in[a] = (k[a] - 1) * d[a] + 1 + r.nextInt(20);
                }
                int[] xs = new int[rank + 2];
                xs[0] = n;
                xs[1] = c;
                System.arraycopy(in, 0, xs, 2, rank);
                int[] ws = new int[rank + 2];
                ws[0] = m;
                ws[1] = c / group;
                System.arraycopy(k, 0, ws, 2, rank);
                Tensor x = random(r, xs);
                Tensor w = random(r, ws);
                Tensor b = r.nextBoolean() ? random(r, m) : null;
                String act = switch (t % 3) {
                    case 0 -> "";
                    case 1 -> "Relu";
                    default -> "HardSwish";
                };
                Map<String, Attribute> attrs = new HashMap<>();
                attrs.put("group", new Attribute.Int(group));
                attrs.put("strides", ints(s));
                attrs.put("dilations", ints(d));
                attrs.put("pads", ints(pads));
                if (!act.isEmpty()) {
                    attrs.put("activation", new Attribute.Str(act));
                }
                Node node = new Node("c" + t, act.isEmpty() ? "Conv" : "FusedConv", act.isEmpty() ? "" : OpTable.COTENANT_DOMAIN,
                        List.of("x", "w", b == null ? "" : "b"), List.of("y"), attrs);
                Tensor[] out = run(node, 13, new Tensor[] {x, w, b}, t % 7 != 6, t % 2 == 0 ? Workers.single() : two);
                int[] os = out[0].shape();
                int[] outSpatial = Arrays.copyOfRange(os, 2, os.length);
                int[] pb = Arrays.copyOf(pads, rank);
                double[] want = ConvReference.conv(ConvOp.doubles(x), xs, ConvOp.doubles(w), m, b == null ? null : ConvOp.doubles(b), group,
                        new ConvReference.Window(k, s, d, pb, outSpatial));
                for (int a = 0; a < rank; a++) {
                    assertEquals((in[a] + pads[a] + pads[a + rank] - (k[a] - 1) * d[a] - 1) / s[a] + 1, outSpatial[a]);
                }
                for (int i = 0; i < want.length; i++) {
                    double v = want[i];
                    if (act.equals("Relu")) {
                        v = Math.max(0, v);
                    } else if (act.equals("HardSwish")) {
                        v = v * Math.max(0, Math.min(1, v / 6 + 0.5));
                    }
                    assertEquals(v, out[0].getDouble(i), 1e-4, "case " + t + " kind " + kind + " at " + i + " x " + Arrays.toString(xs) + " w " + Arrays.toString(ws) + " s " + Arrays.toString(s) + " d " + Arrays.toString(d) + " pads " + Arrays.toString(pads) + " y " + Arrays.toString(os));
                }
            }
        }
    }

    @Test
    void largeImagesTakeTheColumnBlockPath() {
        Random r = new Random(13);
        int[][] shapes = {{1, 5, 37, 41, 3, 1, 1}, {2, 16, 30, 30, 1, 1, 0}, {1, 3, 45, 45, 7, 2, 3}, {1, 7, 33, 35, 3, 2, 1}};
        try (Workers two = Workers.create(2)) {
            for (int[] sh : shapes) {
                int n = sh[0], c = sh[1], h = sh[2], w = sh[3], k = sh[4], s = sh[5], p = sh[6];
                int m = 11;
                Tensor x = random(r, n, c, h, w);
                Tensor wt = random(r, m, c, k, k);
                Tensor b = random(r, m);
                Map<String, Attribute> attrs = new HashMap<>();
                attrs.put("strides", ints(s, s));
                attrs.put("pads", ints(p, p, p, p));
                attrs.put("activation", new Attribute.Str("Clip"));
                attrs.put("min", new Attribute.Float(-0.5f));
                attrs.put("max", new Attribute.Float(0.5f));
                Node node = new Node("big", "FusedConv", OpTable.COTENANT_DOMAIN, List.of("x", "w", "b"), List.of("y"), attrs);
                Tensor y = run(node, 1, new Tensor[] {x, wt, b}, true, two)[0];
                int[] os = y.shape();
                double[] want = ConvReference.conv(ConvOp.doubles(x), x.shape(), ConvOp.doubles(wt), m, ConvOp.doubles(b), 1,
                        new ConvReference.Window(new int[] {k, k}, new int[] {s, s}, new int[] {1, 1}, new int[] {p, p},
                                new int[] {os[2], os[3]}));
                for (int i = 0; i < want.length; i++) {
                    assertEquals(Math.min(0.5, Math.max(-0.5, want[i])), y.getDouble(i), 1e-4, Arrays.toString(sh) + " at " + i);
                }
            }
        }
    }

    @Test
    void otherFloatTypesRunThroughTheFloatKernels() {
        Random r = new Random(17);
        Tensor x = random(r, 1, 2, 6, 6);
        Tensor w = random(r, 3, 2, 3, 3);
        Node conv = new Node("c", "Conv", "", List.of("x", "w"), List.of("y"), Map.of("pads", ints(1, 1, 1, 1)));
        Tensor want = run(conv, 11, new Tensor[] {x, w}, true, Workers.single())[0];
        for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT16}) {
            Tensor xd = Tensor.allocate(t, x.shape());
            Tensor wd = Tensor.allocate(t, w.shape());
            for (int i = 0; i < x.size(); i++) {
                xd.setDouble(i, x.getDouble(i));
            }
            for (int i = 0; i < w.size(); i++) {
                wd.setDouble(i, w.getDouble(i));
            }
            Tensor got = run(conv, 11, new Tensor[] {xd, wd}, true, Workers.single())[0];
            assertEquals(t, got.dataType());
            for (int i = 0; i < want.size(); i++) {
                assertEquals(want.getDouble(i), got.getDouble(i), t == DataType.DOUBLE ? 1e-5 : 2e-2, t + " at " + i);
            }
        }
        Tensor u8 = Tensor.allocate(DataType.UINT8, 1, 1, 4, 4);
        for (int i = 0; i < 16; i++) {
            u8.setLong(i, (i * 37) % 256);
        }
        Node pool = new Node("p", "MaxPool", "", List.of("x"), List.of("y"), Map.of("kernel_shape", ints(2, 2), "strides", ints(2, 2)));
        Tensor got = run(pool, 12, new Tensor[] {u8}, true, Workers.single())[0];
        assertEquals(DataType.UINT8, got.dataType());
        assertEquals(Math.max(Math.max(0, 37), Math.max(148, 185)), got.getLong(0));
    }

    @Test
    void badWeightsFailAtBindWithTheNodeName() {
        Node node = new Node("bad", "Conv", "", List.of("x", "w"), List.of("y"), Map.of());
        Tensor x = Tensor.allocate(DataType.FLOAT, 1, 3, 5, 5);
        Tensor w = Tensor.allocate(DataType.FLOAT, 4, 2, 3, 3);
        ModelException e = assertThrows(ModelException.class, () -> run(node, 11, new Tensor[] {x, w}, true, Workers.single()));
        assertEquals(true, e.getMessage().contains("'bad'"), e.getMessage());
    }
}
