package dev.cotenant.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The channel-blocked depthwise kernel against the direct reference, on geometries and activations it must handle. */
class ConvDepthwiseBlockedTest {

    @Test
    void agreesWithReferenceOnStridesDilationsPadsAndPartialBlocks() {
        Random r = new Random(5);
        int lanes = VectorUnit.FLOAT.length();
        // c, h, w, k, stride, dilation, pad (begin), batch
        int[][] cases = {
                {lanes, 7, 7, 3, 1, 1, 1, 1},
                {2 * lanes + 3, 9, 11, 3, 2, 1, 1, 2},
                {lanes + 1, 14, 14, 3, 1, 2, 2, 1},
                {3 * lanes, 8, 5, 5, 2, 1, 2, 1},
                {lanes, 6, 6, 3, 1, 1, 0, 3},
                {lanes + 5, 4, 13, 1, 1, 1, 0, 1},
                {lanes, 10, 10, 3, 2, 1, 0, 1},
        };
        Activation[] acts = {null, new Activation.Relu(), new Activation.Clip(0f, 6f), new Activation.Sigmoid()};
        try (Workers two = Workers.create(2)) {
            for (int t = 0; t < cases.length * acts.length; t++) {
                int[] cs = cases[t % cases.length];
                Activation act = acts[t / cases.length];
                int c = cs[0], h = cs[1], w = cs[2], k = cs[3], s = cs[4], d = cs[5], p = cs[6], batch = cs[7];
                int oh = (h + 2 * p - d * (k - 1) - 1) / s + 1;
                int ow = (w + 2 * p - d * (k - 1) - 1) / s + 1;
                Im2col.Geometry g = new Im2col.Geometry(c, h, w, k, k, s, s, d, d, p, p, oh, ow);
                float[] x = TestArrays.uniform(r, batch * c * h * w + 2);
                float[] wt = TestArrays.uniform(r, c * k * k);
                float[] bias = t % 2 == 0 ? TestArrays.uniform(r, c) : null;
                GemmEpilogue ep = act == null ? null : new GemmEpilogue(null, null, act);
                Workers pool = t % 3 == 0 ? Workers.single() : two;
                float[][] scratch = new float[pool.threads()][ConvDepthwiseBlocked.scratchSize(g)];
                float[] y = new float[batch * c * oh * ow + 1];
                ConvDepthwiseBlocked.run(x, 2, batch, g, wt, bias, ep, y, 1, scratch, pool);

                double[] xd = new double[batch * c * h * w];
                for (int i = 0; i < xd.length; i++) {
                    xd[i] = x[2 + i];
                }
                double[] want = ConvReference.conv(xd, new int[] {batch, c, h, w}, TestArrays.toDouble(wt), c, bias == null ? null : TestArrays.toDouble(bias), c,
                        new ConvReference.Window(new int[] {k, k}, new int[] {s, s}, new int[] {d, d}, new int[] {p, p}, new int[] {oh, ow}));
                for (int i = 0; i < want.length; i++) {
                    double v = act == null ? want[i] : act.at(want[i]);
                    assertEquals(v, y[1 + i], 1e-4, "case " + t + " (" + java.util.Arrays.toString(cs) + ", " + act + ") at " + i);
                }
            }
        }
    }
}
