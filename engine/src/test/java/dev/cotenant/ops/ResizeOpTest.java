package dev.cotenant.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast Resize kernels against the general separable evaluator, on random NCHW shapes. */
class ResizeOpTest {

    private static ResizeAxis[] plan(int[] in, int[] out, ResizeAxis.Filter f) {
        ResizeAxis[] p = new ResizeAxis[in.length];
        for (int d = 0; d < in.length; d++) {
            double scale = (double) out[d] / in[d];
            p[d] = ResizeAxis.of(in[d], out[d], scale, scale * in[d], 0, 1, f);
        }
        return p;
    }

    private static Tensor run(BoundOp b, Tensor x, Workers w) {
        TensorType t = b.outputTypes().getFirst();
        Tensor y = Tensor.allocate(t.dataType(), t.dims());
        b.run(new Tensor[] {x}, new Tensor[] {y}, w);
        return y;
    }

    @Test
    void fastPathsMatchTheGeneralEvaluator() {
        SplittableRandom rnd = new SplittableRandom(5);
        ResizeAxis.Coord[] coords = ResizeAxis.Coord.values();
        ResizeAxis.Nearest[] nearest = ResizeAxis.Nearest.values();
        int[] sizes = {1, 2, 3, 5, 8, 13, 32};
        try (Workers w = Workers.create(3)) {
            for (int trial = 0; trial < 200; trial++) {
                int[] in = {1 + rnd.nextInt(2), 1 + rnd.nextInt(3), sizes[rnd.nextInt(sizes.length)], sizes[rnd.nextInt(sizes.length)]};
                int[] out = in.clone();
                out[2] = trial % 3 == 0 ? 2 * in[2] : sizes[rnd.nextInt(sizes.length)];
                out[3] = trial % 3 == 0 ? 2 * in[3] : sizes[rnd.nextInt(sizes.length)];
                ResizeAxis.Coord c = coords[rnd.nextInt(coords.length)];
                if (c == ResizeAxis.Coord.TF_CROP_AND_RESIZE) {
                    c = ResizeAxis.Coord.HALF_PIXEL;
                }
                boolean linear = rnd.nextBoolean();
                ResizeAxis.Filter f = new ResizeAxis.Filter(linear ? ResizeAxis.Kind.LINEAR : ResizeAxis.Kind.NEAREST,
                        nearest[rnd.nextInt(nearest.length)], -0.75, false, false, c);
                ResizeAxis[] p = plan(in, out, f);
                TensorType ot = new TensorType(DataType.FLOAT, Shape.of(out));
                BoundOp fast = ResizeOp.choose(ot, in, p, 0);
                BoundOp ref = new ResizeKernels.General(ot, in, p, 0);
                if (!linear) {
                    assertInstanceOf(CopyGather.class, fast);
                }
                Tensor x = CopyFixtures.random(DataType.FLOAT, rnd, in);
                float[] a = run(fast, x, trial % 2 == 0 ? w : Workers.single()).floats();
                float[] b = run(ref, x, Workers.single()).floats();
                assertArrayEquals(b, a, 1e-5f, "in " + java.util.Arrays.toString(in) + " out " + java.util.Arrays.toString(out) + " " + f);
            }
        }
    }

    @Test
    void nearestTwiceUpsamplingRepeatsPixels() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor scales = Tensor.of(new float[] {1, 1, 2, 2}, 4);
        Tensor y = CopyFixtures.run("Resize", 13, Map.of("mode", CopyFixtures.s("nearest")), 1, x, null, scales)[0];
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, y.floats());
        Tensor u = CopyFixtures.run("Upsample", 9, Map.of(), 1, x, scales)[0];
        assertArrayEquals(y.floats(), u.floats());
        BoundOp bl = CopyFixtures.bind("Resize", 19, Map.of("mode", CopyFixtures.s("linear")), 1, x, null, scales);
        assertInstanceOf(ResizeKernels.Bilinear.class, bl);
    }

    @Test
    void integerTypesSaturate() {
        Tensor x = Tensor.ofLongs(DataType.UINT8, new long[] {0, 255, 255, 0}, 1, 4);
        Tensor y = CopyFixtures.run("Resize", 19, Map.of("mode", CopyFixtures.s("cubic")), 1,
                x, null, null, CopyFixtures.longs(1, 8))[0];
        for (long v : y.longs()) {
            assertEquals(v, Math.max(0, Math.min(255, v)));
        }
    }
}
