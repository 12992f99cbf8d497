package dev.cotenant.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Winograd F(2x2, 3x3) convolution against the direct reference, through the layout
 * conversions: odd and even output sizes (tiles cut by the border), padding 0, 1 and 2 on either
 * side, partial channel blocks, an odd number of output blocks, chunks of tile rows with a shorter
 * last one, taken whole by each worker or shared by the workers, split into parts as a scheduler
 * splits it, every kind of epilogue, and the residual written over itself.
 */
class ConvWinogradTest {

    private static final int L = ConvBlocked.L;
    private final Random r = new Random(5);

    @Test
    void agreesWithReference() {
        // c, h, w, m, padTop, padLeft, padBottom, padRight, batch, chunkRows
        int[][] cases = {
                {L, 6, 6, L, 1, 1, 1, 1, 1, 8},
                {L + 3, 7, 9, 2 * L + 5, 1, 1, 1, 1, 2, 8},
                {2 * L, 14, 14, 3 * L, 1, 1, 1, 1, 1, 2},
                {3 * L, 7, 7, 2 * L, 1, 1, 1, 1, 2, 3},
                {L - 3, 9, 5, 5, 0, 0, 0, 0, 1, 1},
                {L, 8, 11, L + 1, 2, 0, 1, 2, 1, 2},
                {4 * L, 5, 5, 4 * L, 1, 1, 1, 1, 3, 1},
                {2 * L, 28, 28, 2 * L, 1, 1, 1, 1, 1, 3},
                {40 * L, 4, 4, L, 1, 1, 1, 1, 1, 4},
                // Two workers: one chunk, each worker its share of the block pairs (cases 9, 13);
                // two equal chunks, a worker each (case 11).
                {2 * L, 6, 6, 9 * L, 1, 1, 1, 1, 1, 8},
                {L, 5, 5, 2 * L, 1, 1, 1, 1, 1, 8},
                {L, 12, 12, L + 2, 1, 1, 1, 1, 1, 3},
                {L, 6, 6, L, 0, 0, 0, 0, 1, 8},
                {L + 1, 7, 7, 8 * L + 3, 1, 1, 1, 1, 1, 8},
        };
        Activation[] acts = {null, new Activation.Relu(), new Activation.Clip(0f, 6f), new Activation.Sigmoid()};
        try (Workers two = Workers.create(2)) {
            for (int t = 0; t < cases.length; t++) {
                int[] cs = cases[t];
                int c = cs[0], h = cs[1], w = cs[2], m = cs[3], pt = cs[4], pl = cs[5], pb = cs[6], pr = cs[7];
                int batch = cs[8];
                int oh = h + pt + pb - 2;
                int ow = w + pl + pr - 2;
                ConvWinograd.Geometry g = new ConvWinograd.Geometry(c, h, w, m, pt, pl, oh, ow, cs[9]);
                Activation act = acts[t % acts.length];
                GemmEpilogue ep = act == null ? null : new GemmEpilogue(null, null, act);
                boolean withResidual = t % 3 == 1;
                float[] x = random(batch * c * h * w);
                float[] wt = random(m * c * 9);
                float[] bias = t % 2 == 0 ? random(m) : null;
                float[] res = withResidual ? random(batch * m * oh * ow) : null;
                Workers pool = t % 2 == 0 ? Workers.single() : two;
                float[] xb = new float[2 + batch * g.inputImage()];
                ChannelBlocks.toBlocked(x, 0, batch, c, h * w, xb, 2, pool);
                // The residual sits where the output goes: the sum is written over it.
                float[] yb = new float[3 + batch * g.outputImage()];
                if (withResidual) {
                    ChannelBlocks.toBlocked(res, 0, batch, m, oh * ow, yb, 3, pool);
                }
                ConvWinograd.Weights packed = ConvWinograd.packWeights(wt, 0, g);
                // With the two-worker pool, a buffer per worker: cases 3, 7 and 11 have chunks
                // enough for each worker to take whole ones, 9 and 13 one chunk cut by block pairs,
                // the others share each chunk's steps.
                int slots = pool.threads();
                float[] v = new float[g.transformed() * slots];
                float[] p = new float[g.products() * slots];
                float[] rb = withResidual ? yb : null;
                // In two parts, as a scheduler cuts one image: the first output block pair, then the rest.
                int pairs = ConvWinograd.pairs(g);
                int cut = Math.min(1, pairs);
                ConvWinograd.run(xb, 2, 0, batch, 0, cut, g, packed, bias, ep, rb, 3, yb, 3, v, p, pool);
                ConvWinograd.run(xb, 2, 0, batch, cut, pairs, g, packed, bias, ep, rb, 3, yb, 3, v, p, pool);
                float[] y = new float[batch * m * oh * ow];
                ChannelBlocks.fromBlocked(yb, 3, batch, m, oh * ow, y, 0, pool);
                double[] want = ConvReference.conv(TestArrays.toDouble(x), new int[] {batch, c, h, w}, TestArrays.toDouble(wt), m,
                        bias == null ? null : TestArrays.toDouble(bias), 1,
                        new ConvReference.Window(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {pt, pl},
                                new int[] {oh, ow}));
                for (int i = 0; i < want.length; i++) {
                    double sum = want[i] + (withResidual ? res[i] : 0);
                    double v0 = act == null ? sum : act.at(sum);
                    // The transforms add values before multiplying: a few ulps of the terms' size.
                    assertEquals(v0, y[i], 2e-5 * Math.sqrt(9.0 * c) + 1e-5 * Math.abs(v0),
                            "case " + t + " " + Arrays.toString(cs) + " at " + i);
                }
            }
        }
    }

    @Test
    void choosesOnlyConvolutionsItComputes() {
        ConvBlocked.Geometry fits = new ConvBlocked.Geometry(64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 14, 14, true);
        assertTrue(ConvWinograd.suits(fits, 16));
        assertFalse(ConvWinograd.suits(fits, 128), "fewer channels than asked");
        assertFalse(ConvWinograd.suits(new ConvBlocked.Geometry(64, 14, 14, 64, 3, 3, 2, 2, 1, 1, 1, 1, 7, 7, true), 16),
                "stride 2");
        assertFalse(ConvWinograd.suits(new ConvBlocked.Geometry(64, 14, 14, 64, 3, 3, 1, 1, 2, 2, 2, 2, 14, 14, true), 16),
                "dilation 2");
        assertFalse(ConvWinograd.suits(new ConvBlocked.Geometry(64, 14, 14, 64, 1, 1, 1, 1, 1, 1, 0, 0, 14, 14, true), 16),
                "1x1");
        assertFalse(ConvWinograd.suits(new ConvBlocked.Geometry(64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 14, 14, false), 16),
                "NCHW input");
        // A chunk holds what CHUNK_BYTES allows, at least one tile row and at most all of them.
        ConvWinograd.Geometry big = ConvWinograd.Geometry.of(new ConvBlocked.Geometry(64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 56, 56, true));
        assertTrue(4L * big.transformed() <= ConvWinograd.CHUNK_BYTES && big.chunkRows() >= 1, big.toString());
        ConvWinograd.Geometry small = ConvWinograd.Geometry.of(new ConvBlocked.Geometry(16, 5, 5, 16, 3, 3, 1, 1, 1, 1, 1, 1, 5, 5, true));
        assertEquals(3, small.chunkRows());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConvWinograd.Geometry(8, 4, 4, 8, 1, 1, 4, 4, 0));
        assertTrue(e.getMessage().contains("0 tile rows"), e.getMessage());
    }

    private float[] random(int n) {
        return TestArrays.uniform(r, n);
    }
}
