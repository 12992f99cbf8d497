package dev.cotenant.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ElementwiseOpsTest {

    /** Binds {@code op} at {@code opset} to {@code ins} (all known when {@code known}) and runs it. */
    static Tensor[] run(String op, int opset, Map<String, Attribute> attrs, boolean known, Workers w, Tensor... ins) {
        List<String> names = new ArrayList<>();
        List<TensorType> types = new ArrayList<>();
        List<Tensor> values = new ArrayList<>();
        for (int i = 0; i < ins.length; i++) {
            names.add(ins[i] == null ? "" : "in" + i);
            types.add(ins[i] == null ? null : ins[i].type());
            values.add(ins[i] == null || !known ? null : ins[i]);
        }
        Node node = new Node("n", op, "", names, List.of("out"), attrs);
        BoundOp b = OpTable.standard().find("", op).bind(new OpContext(node, opset, types, values));
        Tensor[] outs = new Tensor[b.outputTypes().size()];
        for (int i = 0; i < outs.length; i++) {
            TensorType t = b.outputTypes().get(i);
            outs[i] = Tensor.allocate(t.dataType(), t.dims());
        }
        b.run(ins, outs, w);
        return outs;
    }

    static Tensor run(String op, int opset, Map<String, Attribute> attrs, Tensor... ins) {
        return run(op, opset, attrs, true, Workers.single(), ins)[0];
    }

    static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.allocate(DataType.FLOAT, shape);
        for (int i = 0; i < t.size(); i++) {
            t.floats()[i] = (float) r.nextGaussian();
        }
        return t;
    }

    static int[] randomShape(Random r, int rank, int[] like) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            int j = like.length - rank + i;
            s[i] = r.nextInt(3) == 0 ? 1 : (j >= 0 ? like[j] : 1 + r.nextInt(4));
        }
        return s;
    }

    @Test
    void binaryBroadcastAgreesWithIndexArithmetic() {
        Random r = new Random(5);
        try (Workers two = Workers.create(2)) {
            for (int iter = 0; iter < 300; iter++) {
                int rank = r.nextInt(5);
                int[] full = new int[rank];
                for (int i = 0; i < rank; i++) {
                    full[i] = 1 + r.nextInt(iter % 50 == 0 ? 40 : 6);
                }
                int[] sa = randomShape(r, rank - (rank > 0 ? r.nextInt(rank + 1) : 0), full);
                int[] sb = randomShape(r, rank, full);
                Tensor a = random(r, sa);
                Tensor b = random(r, sb);
                int[] out = Broadcast.shape(sa, sb);
                for (String op : new String[] {"Add", "Sub", "Mul", "Div", "Pow", "Greater"}) {
                    Tensor got = run(op, 17, Map.of(), true, iter % 2 == 0 ? two : Workers.single(), a, b)[0];
                    assertArrayEquals(out, got.shape());
                    int[] st = Broadcast.strides(sa, out);
                    int[] stb = Broadcast.strides(sb, out);
                    for (int i = 0; i < got.size(); i++) {
                        double x = a.getDouble(Broadcast.offset(i, out, st));
                        double y = b.getDouble(Broadcast.offset(i, out, stb));
                        double e = switch (op) {
                            case "Add" -> (float) x + (float) y;
                            case "Sub" -> (float) x - (float) y;
                            case "Mul" -> (float) x * (float) y;
                            case "Div" -> (float) x / (float) y;
                            case "Pow" -> (float) Math.pow(x, y);
                            default -> x > y ? 1 : 0;
                        };
                        assertEquals(e, got.getDouble(i), 0, op + " " + Shape.of(sa) + " " + Shape.of(sb) + " at " + i);
                    }
                }
            }
        }
    }

    /**
     * A blocked activation times a per-channel vector (short rows, one vector or a few values each),
     * large enough to be cut among threads, at cuts that fall inside a row.
     */
    @Test
    void shortRowBroadcastsAgreeWithIndexArithmetic() {
        Random r = new Random(7);
        try (Workers two = Workers.create(2)) {
            for (int[][] shapes : new int[][][] {{{1, 5, 37, 41, 8}, {1, 5, 1, 1, 8}}, {{2, 7, 61, 43, 3}, {2, 7, 1, 1, 3}},
                    {{1, 3, 1, 1, 16}, {1, 3, 29, 31, 16}}}) {
                Tensor a = random(r, shapes[0]);
                Tensor b = random(r, shapes[1]);
                int[] out = Broadcast.shape(shapes[0], shapes[1]);
                int[] st = Broadcast.strides(shapes[0], out);
                int[] stb = Broadcast.strides(shapes[1], out);
                for (Workers w : new Workers[] {two, Workers.single()}) {
                    Tensor got = run("Mul", 17, Map.of(), true, w, a, b)[0];
                    for (int i = 0; i < got.size(); i++) {
                        float e = a.floats()[Broadcast.offset(i, out, st)] * b.floats()[Broadcast.offset(i, out, stb)];
                        assertEquals(e, got.floats()[i], 0, Shape.of(shapes[0]) + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void largeBroadcastRunsInParallel() {
        Random r = new Random(6);
        Tensor a = random(r, 8, 64, 17, 19);
        Tensor b = random(r, 64, 1, 1);
        try (Workers two = Workers.create(2)) {
            Tensor p = run("Mul", 14, Map.of(), true, two, a, b)[0];
            Tensor s = run("Mul", 14, Map.of(), a, b);
            assertArrayEquals(s.floats(), p.floats());
            Tensor sp = run("Sigmoid", 14, Map.of(), true, two, a)[0];
            assertEquals(1 / (1 + Math.exp(-a.floats()[12345])), sp.floats()[12345], 1e-6);
        }
    }

    @Test
    void integerArithmeticWrapsAndTruncates() {
        Tensor a = Tensor.ofLongs(DataType.INT8, new long[] {100, -7, 7, -128}, 4);
        Tensor b = Tensor.ofLongs(DataType.INT8, new long[] {100, 2, -2, -1}, 4);
        assertArrayEquals(new long[] {-56, -5, 5, 127}, run("Add", 14, Map.of(), a, b).longs());
        assertArrayEquals(new long[] {1, -3, -3, -128}, run("Div", 14, Map.of(), a, b).longs());
        Tensor u = Tensor.ofLongs(DataType.UINT64, new long[] {-1L, 10}, 2);
        Tensor v = Tensor.ofLongs(DataType.UINT64, new long[] {2, 3}, 2);
        assertArrayEquals(new long[] {Long.MAX_VALUE, 3}, run("Div", 14, Map.of(), u, v).longs());
        assertArrayEquals(new long[] {1, 1}, run("Greater", 13, Map.of(), u, v).longs());
        Tensor m = Tensor.ofLongs(DataType.INT32, new long[] {-7, 7}, 2);
        Tensor d = Tensor.ofLongs(DataType.INT32, new long[] {3, -3}, 2);
        assertArrayEquals(new long[] {2, -2}, run("Mod", 13, Map.of(), m, d).longs());
        assertArrayEquals(new long[] {-1, 1}, run("Mod", 13, Map.of("fmod", new Attribute.Int(1)), m, d).longs());
    }

    @Test
    void mixedPowKeepsBaseType() {
        Tensor x = Tensor.ofLongs(DataType.INT32, new long[] {1, 2, 3}, 3);
        Tensor y = Tensor.of(new float[] {4, 5, 6}, 3);
        Tensor z = run("Pow", 15, Map.of(), x, y);
        assertEquals(DataType.INT32, z.dataType());
        assertArrayEquals(new long[] {1, 32, 729}, z.longs());
    }

    @Test
    void legacyBroadcastAlignsAtAxis() {
        Random r = new Random(7);
        Tensor a = random(r, 2, 3, 4, 5);
        Tensor b = random(r, 3, 4);
        Tensor c = run("Add", 6, Map.of("broadcast", new Attribute.Int(1), "axis", new Attribute.Int(1)), a, b);
        assertArrayEquals(new int[] {2, 3, 4, 5}, c.shape());
        int i = ((1 * 3 + 2) * 4 + 3) * 5 + 4;
        assertEquals(a.floats()[i] + b.floats()[2 * 4 + 3], c.floats()[i]);
    }

    @Test
    void badShapesFailWithTheNodeNamed() {
        Random r = new Random(8);
        ModelException e = assertThrows(ModelException.class, () -> run("Add", 14, Map.of(), random(r, 2, 3), random(r, 4)));
        assertEquals(true, e.getMessage().startsWith("Add node"));
        assertThrows(ModelException.class, () -> run("PRelu", 16, Map.of(), random(r, 3), random(r, 2, 3)));
    }

    @Test
    void casts() {
        Tensor f = Tensor.of(new float[] {-1.7f, 300.9f, Float.NaN, 0.5f}, 4);
        assertArrayEquals(new long[] {-1, 44, 0, 0}, run("Cast", 19, Map.of("to", new Attribute.Int(DataType.INT8.code())), f).longs());
        assertArrayEquals(new long[] {1, 1, 1, 1}, run("Cast", 19, Map.of("to", new Attribute.Int(DataType.BOOL.code())), f).longs());
        // 1 + 2^-11 + 2^-40 lies just above the FP16 tie: rounding through FP32 would give 1
        Tensor d = Tensor.ofDoubles(new double[] {1 + 0x1p-11 + 0x1p-40}, 1);
        Tensor h = run("Cast", 13, Map.of("to", new Attribute.Int(DataType.FLOAT16.code())), d);
        assertEquals(1 + 0x1p-10, h.floats()[0], 0);
        Tensor u = Tensor.ofLongs(DataType.UINT64, new long[] {-1L}, 1);
        assertEquals(0x1p64, run("Cast", 13, Map.of("to", new Attribute.Int(DataType.DOUBLE.code())), u).doubles()[0], 0);
    }

    @Test
    void clipBoundsKnownOnlyAtRunTime() {
        Tensor x = Tensor.of(new float[] {-3, -1, 0, 1, 3, 5, 7, 9, 11}, 9);
        Tensor lo = Tensor.scalar(0f);
        Tensor hi = Tensor.scalar(4f);
        Tensor y = run("Clip", 13, Map.of(), false, Workers.single(), x, lo, hi)[0];
        assertArrayEquals(new float[] {0, 0, 0, 1, 3, 4, 4, 4, 4}, y.floats());
        Tensor z = run("Clip", 13, Map.of(), false, Workers.single(), x, null, hi)[0];
        assertArrayEquals(new float[] {-3, -1, 0, 1, 3, 4, 4, 4, 4}, z.floats());
        Tensor old = run("Clip", 6, Map.of("min", new Attribute.Float(-1)), x);
        assertEquals(-1f, old.floats()[0]);
        assertEquals(11f, old.floats()[8]);
    }

    @Test
    void whereAndVariadic() {
        Tensor c = Tensor.ofLongs(DataType.BOOL, new long[] {1, 0}, 2, 1);
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor y = Tensor.scalar(-1f);
        assertArrayEquals(new float[] {1, 2, 3, -1, -1, -1}, run("Where", 16, Map.of(), c, x, y).floats());
        Tensor a = Tensor.of(new float[] {1, 5}, 2, 1);
        Tensor m = run("Max", 13, Map.of(), a, x, Tensor.scalar(2.5f));
        assertArrayEquals(new float[] {2.5f, 2.5f, 3, 5, 5, 5}, m.floats());
        Tensor mean = run("Mean", 13, Map.of(), a, x);
        assertArrayEquals(new float[] {1, 1.5f, 2, 3, 3.5f, 4}, mean.floats());
        Tensor one = run("Sum", 13, Map.of(), x);
        assertArrayEquals(x.floats(), one.floats());
    }

    @Test
    void reductionsOverScatteredAxes() {
        Random r = new Random(9);
        Tensor x = random(r, 2, 3, 4, 5);
        Tensor s = run("ReduceSum", 11, Map.of("axes", new Attribute.Ints(List.of(0L, 2L)), "keepdims", new Attribute.Int(0)), x);
        assertArrayEquals(new int[] {3, 5}, s.shape());
        double e = 0;
        for (int a = 0; a < 2; a++) {
            for (int c = 0; c < 4; c++) {
                e += x.floats()[((a * 3 + 1) * 4 + c) * 5 + 3];
            }
        }
        assertEquals(e, s.floats()[1 * 5 + 3], 1e-5);
        for (String op : new String[] {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceSumSquare", "ReduceL2"}) {
            for (long[] axes : new long[][] {{1}, {3}, {2, 3}, {0, 1}, {1, 3}}) {
                Tensor axesT = Tensor.ofLongs(DataType.INT64, axes, axes.length);
                Tensor fast = run(op, 18, Map.of(), x, axesT);
                Tensor half = Tensor.allocate(DataType.DOUBLE, x.shape());
                for (int i = 0; i < x.size(); i++) {
                    half.doubles()[i] = x.floats()[i];
                }
                Tensor slow = run(op, 18, Map.of(), half, axesT);
                for (int i = 0; i < fast.size(); i++) {
                    assertEquals(slow.doubles()[i], fast.floats()[i], 1e-5, op + " " + Arrays.toString(axes));
                }
            }
        }
    }

    @Test
    void emptyAndNoopReductions() {
        Tensor empty = Tensor.allocate(DataType.INT8, 2, 0, 3);
        Tensor axes = Tensor.ofLongs(DataType.INT64, new long[] {1}, 1);
        assertArrayEquals(new long[] {-128, -128, -128, -128, -128, -128}, run("ReduceMax", 18, Map.of(), empty, axes).longs());
        Tensor fe = Tensor.allocate(DataType.FLOAT, 2, 0);
        Tensor sum = run("ReduceSum", 13, Map.of(), fe, axes);
        assertArrayEquals(new float[] {0, 0}, sum.floats());
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3);
        Tensor none = Tensor.ofLongs(DataType.INT64, new long[0], 0);
        Tensor noop = run("ReduceSum", 13, Map.of("noop_with_empty_axes", new Attribute.Int(1)), x, none);
        assertArrayEquals(x.floats(), noop.floats());
        assertArrayEquals(new float[] {2}, run("ReduceSum", 13, Map.of("keepdims", new Attribute.Int(1)), x, none).floats());
        Tensor b = Tensor.ofLongs(DataType.BOOL, new long[] {0, 1, 0, 0}, 2, 2);
        assertArrayEquals(new long[] {1, 0}, run("ReduceMax", 20, Map.of(), b, axes).longs());
    }

    @Test
    void softmaxCoercesBeforeOpset13() {
        Random r = new Random(10);
        Tensor x = random(r, 2, 3, 4);
        Tensor old = run("Softmax", 11, Map.of("axis", new Attribute.Int(1)), x);
        Tensor now = run("Softmax", 13, Map.of("axis", new Attribute.Int(1)), x);
        double rowOld = 0;
        double colNow = 0;
        for (int i = 0; i < 12; i++) {
            rowOld += old.floats()[i];
        }
        for (int c = 0; c < 3; c++) {
            colNow += now.floats()[c * 4 + 2];
        }
        assertEquals(1, rowOld, 1e-6);
        assertEquals(1, colNow, 1e-6);
        Tensor ls = run("LogSoftmax", 13, Map.of(), x);
        assertEquals(Math.log(run("Softmax", 13, Map.of(), x).floats()[5]), ls.floats()[5], 1e-6);
    }

    @Test
    void halfPrecisionIsRounded() {
        Tensor h = Tensor.allocate(DataType.FLOAT16, 3);
        h.setDouble(0, 1);
        h.setDouble(1, 2);
        h.setDouble(2, 3);
        Tensor e = run("Exp", 13, Map.of(), h);
        for (int i = 0; i < 3; i++) {
            float v = e.floats()[i];
            assertEquals(DataType.FLOAT16.round(v), v);
        }
        Tensor s = run("Div", 14, Map.of(), h, Tensor.allocate(DataType.FLOAT16, 1));
        assertEquals(Float.POSITIVE_INFINITY, s.floats()[0]);
    }

    @Test
    void stridedSoftmaxMatchesDoublePrecision() {
        Random r = new Random(12);
        Tensor x = random(r, 2, 5, 300);
        Tensor d = Tensor.allocate(DataType.DOUBLE, 2, 5, 300);
        for (int i = 0; i < x.size(); i++) {
            d.doubles()[i] = x.floats()[i];
        }
        for (String op : new String[] {"Softmax", "LogSoftmax"}) {
            try (Workers two = Workers.create(2)) {
                Tensor f = run(op, 13, Map.of("axis", new Attribute.Int(1)), true, two, x)[0];
                Tensor e = run(op, 13, Map.of("axis", new Attribute.Int(1)), d);
                for (int i = 0; i < f.size(); i++) {
                    assertEquals(e.doubles()[i], f.floats()[i], 1e-6 * Math.max(1, Math.abs(e.doubles()[i])), op + " at " + i);
                }
            }
        }
    }

    @Test
    void argExtremesHardmaxShiftShrink() {
        Tensor x = Tensor.of(new float[] {1, 5, 5, -2, Float.NaN, 0}, 2, 3);
        assertArrayEquals(new long[] {1, 1}, run("ArgMax", 13, Map.of("axis", new Attribute.Int(1), "keepdims", new Attribute.Int(0)), x).longs());
        assertArrayEquals(new long[] {2, 1}, run("ArgMax", 13, Map.of("axis", new Attribute.Int(-1), "select_last_index", new Attribute.Int(1)), x).longs());
        assertArrayEquals(new long[] {1, 1, 1}, run("ArgMin", 13, Map.of(), x).longs());
        Tensor h = run("Hardmax", 13, Map.of(), Tensor.of(new float[] {1, 3, 3, 0}, 2, 2));
        assertArrayEquals(new float[] {0, 1, 1, 0}, h.floats());
        Tensor a = Tensor.ofLongs(DataType.UINT8, new long[] {16, 4, 1}, 3);
        Tensor b = Tensor.ofLongs(DataType.UINT8, new long[] {1, 2, 8}, 3);
        assertArrayEquals(new long[] {32, 16, 0}, run("BitShift", 11, Map.of("direction", new Attribute.Str("LEFT")), a, b).longs());
        assertArrayEquals(new long[] {8, 1, 0}, run("BitShift", 11, Map.of("direction", new Attribute.Str("RIGHT")), a, b).longs());
        Tensor s = run("Shrink", 9, Map.of("lambd", new Attribute.Float(1.5f), "bias", new Attribute.Float(1)), Tensor.of(new float[] {-2, -1, 0, 1, 2}, 5));
        assertArrayEquals(new float[] {-1, 0, 0, 0, 1}, s.floats());
    }

    @Test
    void parallelReductionsMatchSingleThreaded() {
        Random r = new Random(13);
        Tensor x = random(r, 4, 33, 17, 29);
        try (Workers two = Workers.create(2)) {
            for (long[] axes : new long[][] {{3}, {2, 3}, {1}, {0, 2}}) {
                Tensor a = Tensor.ofLongs(DataType.INT64, axes, axes.length);
                for (String op : new String[] {"ReduceMean", "ReduceMax", "ReduceLogSumExp"}) {
                    Tensor p = run(op, 18, Map.of(), true, two, x, a)[0];
                    Tensor s = run(op, 18, Map.of(), x, a);
                    assertArrayEquals(s.floats(), p.floats(), op + " " + Arrays.toString(axes));
                }
            }
        }
    }
}
