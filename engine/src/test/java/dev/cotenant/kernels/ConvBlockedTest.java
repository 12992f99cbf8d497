package dev.cotenant.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The channel-blocked convolution, depthwise convolution and pools against the direct reference,
 * through the layout conversions, on geometries that exercise partial channel blocks, an odd
 * number of output blocks, partial pixel tiles, K chunks, strides, dilations and asymmetric padding.
 */
class ConvBlockedTest {

    private static final int L = ConvBlocked.L;
    private final Random r = new Random(11);

    @Test
    void denseAgreesWithReference() {
        // c, h, w, m, kh, kw, stride, dilation, padTop, padLeft, batch, blockedInput
        int[][] cases = {
                {L, 7, 7, 2 * L, 1, 1, 1, 1, 0, 0, 1, 1},
                {L + 3, 9, 11, L + 5, 3, 3, 1, 1, 1, 1, 2, 1},
                {3, 15, 15, L, 7, 7, 2, 1, 3, 3, 1, 0},
                {3, 10, 9, 2 * L + 1, 3, 3, 2, 1, 1, 0, 1, 0},
                {2 * L, 14, 14, 3 * L, 3, 3, 2, 1, 1, 1, 1, 1},
                {20 * L, 4, 4, L, 3, 3, 1, 1, 1, 1, 1, 1},
                {36 * L, 3, 3, 2 * L, 3, 3, 1, 1, 1, 1, 2, 1},
                {L, 8, 8, L, 3, 3, 1, 2, 2, 2, 1, 1},
                {2 * L, 9, 9, 2 * L, 1, 1, 2, 1, 0, 0, 3, 1},
                {L - 1, 5, 6, 7, 2, 3, 1, 1, 0, 1, 1, 1},
                // Planes 7, 14 and 28 wide: rows cut into tiles of seven (stride 1 and 2, two K chunks).
                {L + 1, 13, 13, 2 * L + 3, 3, 3, 1, 1, 1, 1, 2, 1},
                {L, 27, 27, L, 3, 3, 2, 1, 1, 1, 1, 1},
                {2 * L, 6, 6, L, 1, 1, 1, 1, 0, 0, 2, 1},
                {17 * L, 27, 27, 2 * L, 1, 1, 1, 1, 0, 0, 1, 1},
                // An NCHW input at stride 1, 18 wide: tiles within a row and tiles that wrap.
                {5, 9, 17, L, 3, 3, 1, 1, 1, 1, 1, 0},
                // K in one chunk, full tiles of both blocks of a pair: bias to output in registers,
                // for every run kernel (blocked stride 1 and 2 at 8 and 7 pixels, NCHW stride 1 and 2).
                {L, 9, 15, 2 * L, 3, 3, 1, 1, 1, 1, 1, 1},
                {L, 31, 31, 2 * L, 3, 3, 2, 1, 1, 1, 1, 1},
                {3, 8, 15, 2 * L, 3, 3, 1, 1, 1, 1, 1, 0},
                {3, 15, 31, 2 * L, 3, 3, 2, 1, 1, 1, 2, 0},
                {L, 13, 13, 2 * L, 3, 3, 1, 1, 1, 1, 1, 1},
                {L, 27, 27, 2 * L, 3, 3, 2, 1, 1, 1, 1, 1},
                // 1x1 at stride 2 through the compact copy (7 and 14 wide), and one that reads the
                // end padding, which keeps the zero-bordered copy.
                {3 * L, 13, 13, 2 * L + 1, 1, 1, 2, 1, 0, 0, 2, 1},
                {2 * L, 27, 27, 3 * L, 1, 1, 2, 1, 0, 0, 1, 1},
                {2 * L, 10, 10, 2 * L, 1, 1, 2, 1, 0, 0, 1, 1},
                // An odd number of output blocks: the last pair's one block in a one-block kernel,
                // for each blocked run kernel (8 and 7 pixels, stride 1 and 2).
                {2 * L, 5, 15, L, 1, 1, 1, 1, 0, 0, 2, 1},
                {L + 2, 5, 13, 3 * L, 1, 1, 1, 1, 0, 0, 1, 1},
                {L, 9, 14, L, 3, 3, 2, 1, 1, 1, 1, 1},
                {L, 9, 26, 3 * L - 4, 3, 3, 2, 1, 1, 1, 2, 1},
                // Planes 14 and 28 wide in flat tiles of 8 with the 16-register kernels: 1x1 layers
                // whose pixels run on across rows (two K chunks, an odd block count), and a bordered
                // 3x3 layer whose tiles that wrap a row take a base per pixel.
                {40 * L, 14, 14, 3 * L, 1, 1, 1, 1, 0, 0, 2, 1},
                {2 * L, 28, 28, 2 * L + 1, 1, 1, 1, 1, 0, 0, 1, 1},
                {L, 28, 28, 2 * L, 3, 3, 1, 1, 1, 1, 1, 1},
                // 1x1 layers with 12 output blocks or more, whose tiles are packed first
                // (16 registers): a last tile of four pixels and of one, two K chunks, full tiles
                // only, and one cut between block pairs.
                {2 * L, 14, 14, 12 * L, 1, 1, 1, 1, 0, 0, 2, 1},
                {ConvBlocked.KC + L, 7, 7, 14 * L, 1, 1, 1, 1, 0, 0, 1, 1},
                {L, 16, 16, 12 * L, 1, 1, 1, 1, 0, 0, 1, 1},
                {3 * L, 8, 12, 16 * L, 1, 1, 1, 1, 0, 0, 3, 1},
        };
        Activation[] acts = {null, new Activation.Relu(), new Activation.Clip(0f, 6f), new Activation.Sigmoid()};
        try (Workers two = Workers.create(2)) {
            for (int t = 0; t < cases.length; t++) {
                int[] cs = cases[t];
                int c = cs[0], h = cs[1], w = cs[2], m = cs[3], kh = cs[4], kw = cs[5], s = cs[6], d = cs[7], pt = cs[8], pl = cs[9];
                int batch = cs[10];
                boolean blockedIn = cs[11] == 1;
                // Asymmetric: one more pad at the end than at the start.
                int oh = (h + 2 * pt + 1 - d * (kh - 1) - 1) / s + 1;
                int ow = (w + 2 * pl + 1 - d * (kw - 1) - 1) / s + 1;
                Activation act = acts[t % acts.length];
                ConvBlocked.Geometry g = new ConvBlocked.Geometry(c, h, w, m, kh, kw, s, s, d, d, pt, pl, oh, ow, blockedIn);
                float[] x = random(batch * c * h * w);
                float[] wt = random(m * c * kh * kw);
                float[] bias = t % 2 == 0 ? random(m) : null;
                float[] packed = new float[g.packedWeights()];
                ConvBlocked.packWeights(wt, 0, g, packed);
                float[] pb = new float[g.packedBias()];
                ConvBlocked.packBias(bias, g, pb);
                Workers pool = t % 2 == 0 ? Workers.single() : two;
                float[] in = x;
                if (blockedIn) {
                    in = new float[3 + batch * g.inputImage()];
                    ChannelBlocks.toBlocked(x, 0, batch, c, h * w, in, 3, pool);
                }
                float[] yb = new float[1 + batch * g.outputImage()];
                GemmEpilogue ep = act == null ? null : new GemmEpilogue(null, null, act);
                float[] pad = new float[g.paddedImage() * batch];
                // In two parts, as a scheduler splits it: image 0 then the rest, or for one image the
                // first output block pair then the rest.
                int[] koff = ConvBlocked.offsets(g);
                int xo = blockedIn ? 3 : 0;
                if (batch > 1) {
                    ConvBlocked.run(in, xo, 0, 1, g, koff, packed, pb, ep, pad, yb, 1, pool);
                    ConvBlocked.run(in, xo, 1, batch, g, koff, packed, pb, ep, pad, yb, 1, pool);
                } else {
                    int pairs = ConvBlocked.pairs(g);
                    int cut = Math.min(1, pairs);
                    ConvBlocked.run(in, xo, 0, 1, 0, cut, g, koff, packed, pb, ep, pad, yb, 1, null, 0, pool);
                    ConvBlocked.run(in, xo, 0, 1, cut, pairs, g, koff, packed, pb, ep, pad, yb, 1, null, 0, pool);
                }
                float[] y = new float[batch * m * oh * ow];
                ChannelBlocks.fromBlocked(yb, 1, batch, m, oh * ow, y, 0, pool);
                double[] want = ConvReference.conv(TestArrays.toDouble(x), new int[] {batch, c, h, w}, TestArrays.toDouble(wt), m,
                        bias == null ? null : TestArrays.toDouble(bias), 1,
                        new ConvReference.Window(new int[] {kh, kw}, new int[] {s, s}, new int[] {d, d}, new int[] {pt, pl}, new int[] {oh, ow}));
                for (int i = 0; i < want.length; i++) {
                    double v = act == null ? want[i] : act.at(want[i]);
                    assertEquals(v, y[i], 1e-4 * Math.max(1, Math.abs(v)), "case " + t + " " + java.util.Arrays.toString(cs) + " at " + i);
                }
            }
        }
    }

    @Test
    void pointwiseReadsItsInputInPlace() {
        // 1x1 at stride 1 without padding: flat tiles of 8 that run on across rows, read from the
        // input itself. c, h, w, m, batch. The last tile of a plane holds 1 (7x7, 5x5) or 4 (14x14,
        // 6x6) pixels and takes one part of the tile; K in several equal chunks (100 blocks); an odd
        // block count. Odd cases leave room after the input, so that last tile reads past its
        // pixels in bounds; even ones end the array there, where it takes the kernel with a base per pixel.
        int[][] cases = {
                {L, 7, 7, 2 * L, 1},
                {100 * L, 7, 7, 3 * L, 2},
                {3 * L, 14, 14, 2 * L, 1},
                {2 * L, 5, 5, 2 * L + 1, 1},
                {L, 6, 6, 2 * L, 2},
                {50 * L + 3, 7, 7, 4 * L, 1},
                // An input beyond half of L2: groups of tiles, read ahead plane by plane from 32
                // planes up (ConvUnits.READ_AHEAD_PLANES), read as they are below.
                {32 * L, 56, 56, 2 * L, 2},
                {16 * L, 56, 56, 2 * L, 2},
        };
        Activation six = new Activation.Clip(0f, 6f);
        try (Workers two = Workers.create(2)) {
            for (int t = 0; t < cases.length; t++) {
                int c = cases[t][0], h = cases[t][1], w = cases[t][2], m = cases[t][3], batch = cases[t][4];
                ConvBlocked.Geometry g = new ConvBlocked.Geometry(c, h, w, m, 1, 1, 1, 1, 1, 1, 0, 0, h, w, true);
                float[] x = random(batch * c * h * w);
                float[] wt = random(m * c);
                float[] bias = random(m);
                float[] packed = new float[g.packedWeights()];
                ConvBlocked.packWeights(wt, 0, g, packed);
                float[] pb = new float[g.packedBias()];
                ConvBlocked.packBias(bias, g, pb);
                Workers pool = t % 3 == 0 ? two : Workers.single();
                float[] in = new float[3 + batch * g.inputImage() + (t % 2) * 8 * L];
                ChannelBlocks.toBlocked(x, 0, batch, c, h * w, in, 3, pool);
                float[] yb = new float[batch * g.outputImage()];
                ConvBlocked.run(in, 3, 0, batch, g, ConvBlocked.offsets(g), packed, pb, new GemmEpilogue(null, null, six),
                        new float[0], yb, 0, pool);
                float[] y = new float[batch * m * h * w];
                ChannelBlocks.fromBlocked(yb, 0, batch, m, h * w, y, 0, pool);
                double[] want = ConvReference.conv(TestArrays.toDouble(x), new int[] {batch, c, h, w}, TestArrays.toDouble(wt), m,
                        TestArrays.toDouble(bias), 1, new ConvReference.Window(new int[] {1, 1}, new int[] {1, 1},
                                new int[] {1, 1}, new int[] {0, 0}, new int[] {h, w}));
                for (int i = 0; i < want.length; i++) {
                    double v = six.at(want[i]);
                    assertEquals(v, y[i], 1e-4 * Math.max(1, Math.abs(v)), "case " + t + " " + java.util.Arrays.toString(cases[t]) + " at " + i);
                }
            }
        }
    }

    @Test
    void residualIsAddedBeforeTheActivation() {
        // K in two chunks through the scratch tile; then one chunk, bias to output in registers.
        residual(L + 2, 6, 7, 3 * L - 1);
        residual(L, 6, 7, 2 * L);
        // One chunk and an odd last block: the one-block kernel adds the residual too.
        residual(L, 6, 7, 3 * L);
        residual(L, 6, 7, L);
        // 1x1 with packed tiles: one chunk (a last tile of four pixels), then two.
        residual(2 * L, 14, 14, 12 * L, 1);
        residual(ConvBlocked.KC + L, 7, 7, 12 * L, 1);
    }

    private void residual(int c, int h, int w, int m) {
        residual(c, h, w, m, 3);
    }

    private void residual(int c, int h, int w, int m, int k) {
        int p = k / 2;
        ConvBlocked.Geometry g = new ConvBlocked.Geometry(c, h, w, m, k, k, 1, 1, 1, 1, p, p, h, w, true);
        float[] x = random(c * h * w);
        float[] wt = random(m * c * k * k);
        float[] bias = random(m);
        float[] res = random(m * h * w);
        float[] packed = new float[g.packedWeights()];
        ConvBlocked.packWeights(wt, 0, g, packed);
        float[] pb = new float[g.packedBias()];
        ConvBlocked.packBias(bias, g, pb);
        float[] xb = new float[g.inputImage()];
        ChannelBlocks.toBlocked(x, 0, 1, c, h * w, xb, 0, Workers.single());
        float[] rb = new float[2 + g.outputImage()];
        ChannelBlocks.toBlocked(res, 0, 1, m, h * w, rb, 2, Workers.single());
        float[] yb = new float[g.outputImage()];
        ConvBlocked.run(xb, 0, 0, 1, g, ConvBlocked.offsets(g), packed, pb, new GemmEpilogue(null, null, new Activation.Relu()),
                new float[g.paddedImage()], yb, 0, rb, 2, Workers.single());
        float[] y = new float[m * h * w];
        ChannelBlocks.fromBlocked(yb, 0, 1, m, h * w, y, 0, Workers.single());
        double[] want = ConvReference.conv(TestArrays.toDouble(x), new int[] {1, c, h, w}, TestArrays.toDouble(wt), m, TestArrays.toDouble(bias), 1,
                new ConvReference.Window(new int[] {k, k}, new int[] {1, 1}, new int[] {1, 1}, new int[] {p, p}, new int[] {h, w}));
        for (int i = 0; i < want.length; i++) {
            assertEquals(Math.max(0, want[i] + res[i]), y[i], 1e-4 * Math.max(1, Math.abs(want[i])), "c=" + c + " m=" + m + " k=" + k + " at " + i);
        }
    }

    @Test
    void depthwiseOnBlockedPlanesAgreesWithReference() {
        // c, h, w, k, stride, dilation, pad, batch
        int[][] cases = {{L, 7, 7, 3, 1, 1, 1, 1}, {2 * L + 3, 9, 11, 3, 2, 1, 1, 2}, {L, 10, 9, 3, 1, 2, 2, 1}, {L + 2, 3, 4, 3, 2, 1, 1, 1}, {L + 1, 12, 12, 5, 1, 2, 4, 1}, {L, 6, 6, 3, 1, 1, 0, 2},
                // planes beyond 28x28 read in place, border pixels tap by tap
                {L + 1, 30, 29, 3, 1, 1, 1, 1}, {L, 31, 30, 3, 2, 1, 1, 2},
                // beyond IN_PLACE_FLOATS at every width: row pairs between border columns, an odd last row, one pixel left per
                // row; stride 2 in place, one pixel at a time
                {L + 1, 57, 59, 3, 1, 1, 1, 1}, {L, 57, 58, 3, 2, 1, 1, 1},
                // row pairs over a zero-bordered copy and over an unpadded plane, with two and three pixels left per row
                {2 * L, 9, 10, 3, 1, 1, 1, 1}, {L, 8, 13, 3, 1, 1, 0, 2},
                // 5x5: rows of four pixels and a remainder of three
                {2 * L, 7, 7, 5, 1, 1, 2, 1}, {L + 3, 14, 15, 5, 2, 1, 2, 2},
                // 5x5 stride 1 in row pairs: an odd last row, one pixel left per row
                {L + 3, 15, 21, 5, 1, 1, 2, 2}};
        try (Workers two = Workers.create(2)) {
            for (int t = 0; t < cases.length; t++) {
                int[] cs = cases[t];
                int c = cs[0], h = cs[1], w = cs[2], k = cs[3], s = cs[4], d = cs[5], p = cs[6], batch = cs[7];
                int oh = (h + 2 * p - d * (k - 1) - 1) / s + 1;
                int ow = (w + 2 * p - d * (k - 1) - 1) / s + 1;
                Im2col.Geometry g = new Im2col.Geometry(c, h, w, k, k, s, s, d, d, p, p, oh, ow);
                float[] x = random(batch * c * h * w);
                float[] wt = random(c * k * k);
                float[] bias = random(c);
                Workers pool = t % 2 == 0 ? Workers.single() : two;
                int blocks = (c + L - 1) / L;
                float[] xb = new float[batch * blocks * h * w * L];
                ChannelBlocks.toBlocked(x, 0, batch, c, h * w, xb, 0, pool);
                float[] yb = new float[batch * blocks * oh * ow * L];
                float[][] scratch = new float[2][ConvDepthwiseBlocked.blockedScratchSize(g)];
                Activation act = new Activation.Clip(0f, 6f);
                float[] pw = ConvDepthwiseBlocked.packBlocked(wt, bias, g);
                GemmEpilogue ep = new GemmEpilogue(null, null, act);
                if (blocks > 1) {
                    // In two parts of channel blocks, as a scheduler may split it.
                    ConvDepthwiseBlocked.runBlocked(xb, 0, batch, 0, 1, g, pw, ep, yb, 0, scratch, pool);
                    ConvDepthwiseBlocked.runBlocked(xb, 0, batch, 1, blocks, g, pw, ep, yb, 0, scratch, pool);
                } else {
                    ConvDepthwiseBlocked.runBlocked(xb, 0, batch, g, pw, ep, yb, 0, scratch, pool);
                }
                float[] y = new float[batch * c * oh * ow];
                ChannelBlocks.fromBlocked(yb, 0, batch, c, oh * ow, y, 0, pool);
                double[] want = ConvReference.conv(TestArrays.toDouble(x), new int[] {batch, c, h, w}, TestArrays.toDouble(wt), c, TestArrays.toDouble(bias), c,
                        new ConvReference.Window(new int[] {k, k}, new int[] {s, s}, new int[] {d, d}, new int[] {p, p}, new int[] {oh, ow}));
                for (int i = 0; i < want.length; i++) {
                    assertEquals(act.at(want[i]), y[i], 1e-4, "case " + t + " at " + i);
                }
            }
        }
    }

    @Test
    void poolsAndConversionsAgreeWithDefinitions() {
        int batch = 2, c = L + 3, h = 9, w = 8;
        float[] x = random(batch * c * h * w);
        int blocks = (c + L - 1) / L;
        float[] xb = new float[batch * blocks * h * w * L];
        ChannelBlocks.toBlocked(x, 0, batch, c, h * w, xb, 0, Workers.single());
        for (int i = 0; i < xb.length; i++) {
            int lane = i % L;
            int block = i / (h * w * L) % blocks;
            if (block * L + lane >= c) {
                assertEquals(0f, xb[i], "padding lanes are zero");
            }
        }
        float[] back = new float[x.length];
        ChannelBlocks.fromBlocked(xb, 0, batch, c, h * w, back, 0, Workers.single());
        assertEquals(java.util.Arrays.toString(x), java.util.Arrays.toString(back));

        // 3x3 max pool, stride 2, pad 1.
        int oh = (h + 2 - 3) / 2 + 1, ow = (w + 2 - 3) / 2 + 1;
        float[] pb = new float[batch * blocks * oh * ow * L];
        ChannelBlocks.maxPool(xb, 0, batch, c, h, w, 3, 3, 2, 2, 1, 1, 1, 1, oh, ow, pb, 0, Workers.single());
        float[] pooled = new float[batch * c * oh * ow];
        ChannelBlocks.fromBlocked(pb, 0, batch, c, oh * ow, pooled, 0, Workers.single());
        float[] avg = new float[batch * c];
        ChannelBlocks.globalAverage(xb, 0, batch, c, h * w, avg, 0, Workers.single());
        for (int n = 0; n < batch; n++) {
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                for (int i = 0; i < h * w; i++) {
                    sum += x[(n * c + ch) * h * w + i];
                }
                assertEquals(sum / (h * w), avg[n * c + ch], 1e-5);
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float want = Float.NEGATIVE_INFINITY;
                        for (int i = 0; i < 3; i++) {
                            for (int j = 0; j < 3; j++) {
                                int iy = oy * 2 - 1 + i, ix = ox * 2 - 1 + j;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    want = Math.max(want, x[((n * c + ch) * h + iy) * w + ix]);
                                }
                            }
                        }
                        assertEquals(want, pooled[((n * c + ch) * oh + oy) * ow + ox]);
                    }
                }
            }
        }
    }

    private float[] random(int n) {
        return TestArrays.uniform(r, n);
    }
}
