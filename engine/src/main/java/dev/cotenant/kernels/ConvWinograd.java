package dev.cotenant.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 3x3, stride-1 convolution on the channel-blocked layout by Winograd's minimal filtering
 * algorithm F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks",
 * CVPR 2016): each 2x2 block of output pixels comes from a 4x4 tile of input through 16 products
 * per channel pair instead of 36, 2.25 times fewer multiply-adds.
 *
 * <p>Why. On a core with 16 vector registers the direct kernels ({@link ConvBlocked}) stop at about
 * three quarters of the FMA peak (bench/RESULTS.md), and a 3x3 layer is where ResNets, YOLO and
 * segmentation networks spend half to nine tenths of their time. The transforms cost a few
 * additions per value; the 2.25x is what is left to win once the kernels are near the peak.
 *
 * <p>How. The output is cut into tiles of 2x2 pixels ({@code tilesH x tilesW}); tile rows are
 * taken in chunks small enough that a chunk's transformed input and products stay near L2. For a
 * chunk:
 * <ol>
 * <li>the input transform {@code V = B^T d B} of every tile and channel block, L channels to a
 * vector, stored as 16 blocked planes {@code [16][C/L][tiles][L]};
 * <li>16 independent products {@code P_xi = V_xi . U_xi} over channels, where {@code U = G g G^T}
 * are the weights transformed once at bind time. Each is a 1x1 convolution of a blocked plane of
 * {@code tiles} pixels, so it runs on {@link ConvBlocked}'s kernels (the register tiles tuned for
 * each register budget) with no code of its own;
 * <li>the output transform {@code Y = A^T P A}, with the bias, the residual and the activation, into
 * the blocked output.
 * </ol>
 * Step 2 runs plane by plane, so a worker keeps one plane of transformed input in its cache across
 * every output block (taken pair by pair instead, every pair re-read the chunk's whole transformed
 * input); step 3 runs block by block. F(2x2, 3x3)'s transforms use only 0, 1 and 1/2, so its results
 * stay within about 1e-5 of the outputs' size of the direct sum (ConvWinogradTest bounds it); the
 * larger tiles F(4x4, 3x3) and up trade more of that accuracy for more speed and are not used.
 */
public final class ConvWinograd {

    static final VectorSpecies<Float> S = ConvBlocked.S;
    static final int L = ConvBlocked.L;
    /** Products per tile: the 4x4 transformed input. */
    static final int XI = 16;
    /**
     * What one chunk's transformed input (and its products) may take. 128 KiB to 2 MiB measured
     * alike on a Zen 3 core (bench/RESULTS.md); smaller chunks re-read the weights more often.
     */
    static final long CHUNK_BYTES = 1L << 20;
    /**
     * Whether planners use this kernel where it suits ({@code -Dcotenant.winograd=false} turns it
     * off, to measure the direct kernels in its place).
     */
    public static final boolean ENABLED = !"false".equals(System.getProperty("cotenant.winograd"));

    private ConvWinograd() {}

    /**
     * A 3x3 convolution at stride 1 and dilation 1 of a blocked input {@code c x h x w} into
     * {@code m x oh x ow}, {@code pt}, {@code pl} leading padding (the trailing padding is what
     * {@code oh} and {@code ow} imply), taken {@code chunkRows} tile rows at a time.
     */
    public record Geometry(int c, int h, int w, int m, int pt, int pl, int oh, int ow, int chunkRows) {

        public Geometry {
            if (c < 1 || m < 1 || oh < 1 || ow < 1 || pt < 0 || pl < 0 || chunkRows < 1) {
                throw new IllegalArgumentException("no Winograd convolution for " + c + " > " + m + " channels, output "
                        + oh + "x" + ow + ", pads " + pt + "," + pl + ", " + chunkRows + " tile rows a chunk");
            }
        }

        /**
         * The geometry of a direct convolution this one computes (see {@link #suits}), in equal
         * chunks of at most as many tile rows as {@link #CHUNK_BYTES} holds, at least one. Equal,
         * because workers take whole chunks: 28 tile rows cut 9, 9, 9, 1 gave one of two threads 18
         * rows and the other 10 (ResNet-50's 3x3 layers at 56x56 ran 1.14-1.30x faster on two
         * threads than on one); cut 7, 7, 7, 7, each takes 14.
         */
        public static Geometry of(ConvBlocked.Geometry g) {
            long perRow = 4L * XI * Math.max(g.inBlocks(), g.outBlocks()) * L * ((g.ow() + 1) / 2);
            int tilesH = (g.oh() + 1) / 2;
            int most = (int) Math.max(1, Math.min(tilesH, CHUNK_BYTES / perRow));
            int count = (tilesH + most - 1) / most;
            int rows = (tilesH + count - 1) / count;
            return new Geometry(g.c(), g.h(), g.w(), g.m(), g.pt(), g.pl(), g.oh(), g.ow(), rows);
        }

        int tilesH() {
            return (oh + 1) / 2;
        }

        int tilesW() {
            return (ow + 1) / 2;
        }

        int inBlocks() {
            return (c + L - 1) / L;
        }

        int outBlocks() {
            return (m + L - 1) / L;
        }

        int pairs() {
            return (outBlocks() + 1) / 2;
        }

        /** The products of a chunk of {@code tiles} tiles, as a 1x1 convolution of a one-row plane. */
        ConvBlocked.Geometry product(int tiles) {
            return new ConvBlocked.Geometry(c, 1, tiles, m, 1, 1, 1, 1, 1, 1, 0, 0, 1, tiles, true);
        }

        public int inputImage() {
            return inBlocks() * h * w * L;
        }

        public int outputImage() {
            return outBlocks() * oh * ow * L;
        }

        /** Floats of the buffer of transformed input (one chunk). */
        public int transformed() {
            return XI * inBlocks() * L * Math.min(chunkRows, tilesH()) * tilesW();
        }

        /** Floats of the buffer of products (one chunk). */
        public int products() {
            return XI * outBlocks() * L * Math.min(chunkRows, tilesH()) * tilesW();
        }
    }

    /**
     * Whether a direct convolution is one this class computes, and one where it pays: 3x3, stride 1,
     * dilation 1, blocked input, and at least {@code minChannels} channels in and out. Thin layers
     * (a stem's three channels, a few blocks) spend more on the transforms than they save.
     */
    public static boolean suits(ConvBlocked.Geometry g, int minChannels) {
        return g.blockedInput() && g.kh() == 3 && g.kw() == 3 && g.sh() == 1 && g.sw() == 1 && g.dh() == 1 && g.dw() == 1
                && g.c() >= minChannels && g.m() >= minChannels;
    }

    /** Weights transformed and packed once ({@link #packWeights}), with the geometry of their products. */
    public record Weights(float[][] packed, ConvBlocked.Geometry chunk, int[] chunkOffsets, ConvBlocked.Geometry last,
                          int[] lastOffsets, float[] zeros) {}

    /**
     * Transforms ONNX weights {@code [M][C][3][3]} (read from {@code w} at {@code off}) into
     * {@code U = G g G^T} and packs each of the 16 planes for {@link ConvBlocked}'s 1x1 kernels.
     */
    public static Weights packWeights(float[] w, int off, Geometry g) {
        int c = g.c();
        int m = g.m();
        int rows = Math.min(g.chunkRows(), g.tilesH());
        int lastRows = g.tilesH() - (g.tilesH() - 1) / rows * rows;
        ConvBlocked.Geometry chunk = g.product(rows * g.tilesW());
        ConvBlocked.Geometry last = g.product(lastRows * g.tilesW());
        double[][] gg = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
        float[][] packed = new float[XI][chunk.packedWeights()];
        // One plane at a time, so binding holds one plane of unpacked values beside the packed ones.
        float[] u = new float[m * c];
        for (int xi = 0; xi < XI; xi++) {
            double[] gr = gg[xi / 4];
            double[] gs = gg[xi % 4];
            for (int o = 0; o < m; o++) {
                for (int i = 0; i < c; i++) {
                    int at = off + (o * c + i) * 9;
                    double sum = 0;
                    for (int a = 0; a < 3; a++) {
                        for (int b = 0; b < 3; b++) {
                            sum += gr[a] * w[at + a * 3 + b] * gs[b];
                        }
                    }
                    u[o * c + i] = (float) sum;
                }
            }
            ConvBlocked.packWeights(u, 0, chunk, packed[xi]);
        }
        // The products take no bias: it is added once, after the output transform.
        return new Weights(packed, chunk, ConvBlocked.offsets(chunk), last, ConvBlocked.offsets(last),
                new float[chunk.packedBias()]);
    }

    /** Output-channel block pairs: the parts one image can be cut into. */
    public static int pairs(Geometry g) {
        return g.pairs();
    }

    /**
     * Convolves images {@code [n0, n1)} of blocked {@code x} (at {@code xOff}) into blocked
     * {@code y} (at {@code yOff}), output block pairs {@code [q0, q1)} only. {@code bias} holds one
     * value per output channel (or is {@code null}); {@code res} (or {@code null}) a blocked
     * residual of the output's shape, added before the activation, which may be {@code y} itself
     * at the same offset. {@code v} and {@code p} are the buffers of one or more workers:
     * {@link Geometry#transformed} and {@link Geometry#products} floats for each.
     *
     * <p>Three ways to share the work. With as many buffers as threads and chunks that divide among
     * them evenly (wide planes: ResNet's first stages, a U-Net's outer levels), each worker takes
     * whole chunks, transforms, multiplies and transforms back in its own buffers, in its own cache,
     * with no barrier between the steps. With one chunk (deep layers), each worker takes the whole
     * chunk for its share of the output block pairs: every worker transforms the whole input, a
     * small part of the work, and none waits for another. Otherwise the workers share each step of
     * each chunk, a barrier after each, and read what the others wrote. On two Zen 3 cores,
     * ResNet-50's 3x3 layers at 28x28 went from 1.24 to 0.91 ms with the first way (they took the
     * third); bench/RESULTS.md has the rest.
     */
    public static void run(float[] x, int xOff, int n0, int n1, int q0, int q1, Geometry g, Weights wt, float[] bias,
                           GemmEpilogue ep, float[] res, int resOff, float[] y, int yOff, float[] v, float[] p, Workers w) {
        int rows = Math.min(g.chunkRows(), g.tilesH());
        int perImage = (g.tilesH() + rows - 1) / rows;
        int units = (n1 - n0) * perImage;
        int slots = Math.min(w.threads(), Math.min(v.length / g.transformed(), p.length / g.products()));
        float[] b = wholeBlocks(bias, g);
        Chunks c = new Chunks(x, xOff, n0, q0, q1, g, wt, b, ep, res, resOff, y, yOff, rows, perImage);
        int pairs = q1 - q0;
        if (slots > 1 && (units >= 2 * slots || units % slots == 0 && g.tilesH() % rows == 0)) {
            AtomicInteger next = new AtomicInteger();
            w.parallelFor(slots, 1, (s, e) -> {
                for (int slot = s; slot < e; slot++) {
                    for (int u = next.getAndIncrement(); u < units; u = next.getAndIncrement()) {
                        c.chunk(u, v, slot * g.transformed(), p, slot * g.products(), Workers.single());
                    }
                }
            });
        } else if (slots > 1 && units == 1 && pairs >= 2 * slots) {
            w.parallelFor(slots, 1, (s, e) -> {
                for (int slot = s; slot < e; slot++) {
                    int a = q0 + pairs * slot / slots;
                    int z = q0 + pairs * (slot + 1) / slots;
                    new Chunks(x, xOff, n0, a, z, g, wt, b, ep, res, resOff, y, yOff, rows, perImage)
                            .chunk(0, v, slot * g.transformed(), p, slot * g.products(), Workers.single());
                }
            });
        } else {
            for (int u = 0; u < units; u++) {
                c.chunk(u, v, 0, p, 0, w);
            }
        }
    }

    /** One call's chunks: what {@link #run} was given, and the three steps of chunk {@code u}. */
    private record Chunks(float[] x, int xOff, int n0, int q0, int q1, Geometry g, Weights wt, float[] bias, GemmEpilogue ep,
                          float[] res, int resOff, float[] y, int yOff, int rows, int perImage) {

        void chunk(int u, float[] v, int vOff, float[] p, int pOff, Workers w) {
            int n = n0 + u / perImage;
            int r0 = u % perImage * rows;
            int r1 = Math.min(g.tilesH(), r0 + rows);
            int xi0 = xOff + n * g.inputImage();
            int yo = yOff + n * g.outputImage();
            int ro = resOff + n * g.outputImage();
            boolean whole = r1 - r0 == rows;
            ConvBlocked.Geometry pg = whole ? wt.chunk() : wt.last();
            int[] koff = whole ? wt.chunkOffsets() : wt.lastOffsets();
            int tiles = (r1 - r0) * g.tilesW();
            w.parallelFor(g.inBlocks() * (r1 - r0), 1, (s, e) -> {
                float[] rowsBuf = new float[rowsScratch(g)];
                for (int t = s; t < e; t++) {
                    input(x, xi0, g, t / (r1 - r0), r0 + t % (r1 - r0), r0, tiles, v, vOff, rowsBuf);
                }
            });
            int vPlane = g.inBlocks() * L * tiles;
            int pPlane = g.outBlocks() * L * tiles;
            // The products plane by plane: each worker keeps one plane of transformed input in its
            // cache across every output block; then the output transform block by block.
            w.parallelFor(XI, 1, (s, e) -> {
                for (int xi = s; xi < e; xi++) {
                    ConvBlocked.run(v, vOff + xi * vPlane, 0, 1, q0, q1, pg, koff, wt.packed()[xi], wt.zeros(), null, null,
                            p, pOff + xi * pPlane, null, 0, Workers.single());
                }
            });
            w.parallelFor(Math.min(g.outBlocks(), 2 * q1) - 2 * q0, 1, (s, e) -> {
                for (int blk = 2 * q0 + s; blk < 2 * q0 + e; blk++) {
                    output(p, pOff, pPlane, tiles, g, blk, r0, r1, bias, ep, res, ro, y, yo);
                }
            });
        }
    }

    /** Floats of the per-worker rows an input transform reads ({@link #input}). */
    static int rowsScratch(Geometry g) {
        return 4 * (2 * g.tilesW() + 2) * L;
    }

    /**
     * The transform of tile row {@code ty}, channel block {@code cb}, into {@code v}. The tile row's
     * four input rows are first copied into {@code rows} with their padding as zeros, so the loop
     * over tiles reads without a bounds check; it then works one column of the 4x4 tile at a time
     * (eight loads from L1 for four results), which keeps a dozen vectors live: with all sixteen
     * input values and their sixteen partial sums at once, C2 spilled most of them.
     */
    private static void input(float[] x, int xOff, Geometry g, int cb, int ty, int r0, int tiles, float[] v, int vOff,
                              float[] rows) {
        int h = g.h();
        int w = g.w();
        int plane = xOff + cb * h * w * L;
        int vPlane = g.inBlocks() * L * tiles;
        int rowLen = (2 * g.tilesW() + 2) * L;
        int cols = Math.min(w, 2 * g.tilesW() + 2 - g.pl()) * L;
        for (int i = 0; i < 4; i++) {
            int iy = 2 * ty - g.pt() + i;
            if (iy >= 0 && iy < h) {
                System.arraycopy(x, plane + iy * w * L, rows, i * rowLen + g.pl() * L, cols);
            } else {
                java.util.Arrays.fill(rows, i * rowLen, (i + 1) * rowLen, 0f);
            }
        }
        int to = vOff + cb * tiles * L + (ty - r0) * g.tilesW() * L;
        for (int tx = 0; tx < g.tilesW(); tx++, to += L) {
            inputTile(rows, 2 * tx * L, rowLen, v, to, vPlane);
        }
    }

    /**
     * One tile's transform, {@code B^T d B}, from the four rows at {@code c} to the sixteen planes
     * at {@code to}. A method of its own, with no vector crossing its boundary: inside the loop over
     * tiles it outgrew C2's inlining budget (NodeCountInliningCutoff), the Vector API calls stayed
     * calls and every vector was boxed (1.2 ms for ResNet's 64-channel layer, 0.15 expected).
     * Column by column: d B on each row (d0 - d2, d1 + d2, d2 - d1, d1 - d3), then B^T on the
     * column; eight loads from L1 for four results keep a dozen vectors live.
     */
    private static void inputTile(float[] r, int c, int rowLen, float[] v, int to, int plane) {
        int a0 = c, a1 = c + rowLen, a2 = c + 2 * rowLen, a3 = c + 3 * rowLen;
        for (int j = 0; j < 4; j++) {
            // Column j reads columns p and q of the tile: (0, 2), (1, 2), (2, 1), (1, 3); column 1 adds.
            int p = (j == 0 ? 0 : j == 2 ? 2 : 1) * L;
            int q = (j == 0 || j == 1 ? 2 : j == 2 ? 1 : 3) * L;
            FloatVector e0, e1, e2, e3;
            if (j == 1) {
                e0 = FloatVector.fromArray(S, r, a0 + p).add(FloatVector.fromArray(S, r, a0 + q));
                e1 = FloatVector.fromArray(S, r, a1 + p).add(FloatVector.fromArray(S, r, a1 + q));
                e2 = FloatVector.fromArray(S, r, a2 + p).add(FloatVector.fromArray(S, r, a2 + q));
                e3 = FloatVector.fromArray(S, r, a3 + p).add(FloatVector.fromArray(S, r, a3 + q));
            } else {
                e0 = FloatVector.fromArray(S, r, a0 + p).sub(FloatVector.fromArray(S, r, a0 + q));
                e1 = FloatVector.fromArray(S, r, a1 + p).sub(FloatVector.fromArray(S, r, a1 + q));
                e2 = FloatVector.fromArray(S, r, a2 + p).sub(FloatVector.fromArray(S, r, a2 + q));
                e3 = FloatVector.fromArray(S, r, a3 + p).sub(FloatVector.fromArray(S, r, a3 + q));
            }
            // B^T on the column: e0 - e2, e1 + e2, e2 - e1, e1 - e3, to planes j, 4 + j, 8 + j, 12 + j.
            e0.sub(e2).intoArray(v, to + j * plane);
            e1.add(e2).intoArray(v, to + (4 + j) * plane);
            e2.sub(e1).intoArray(v, to + (8 + j) * plane);
            e1.sub(e3).intoArray(v, to + (12 + j) * plane);
        }
    }

    /** The output transform of tile rows {@code [r0, r1)}, output block {@code blk}, with its epilogue. */
    private static void output(float[] p, int pOff, int pPlane, int tiles, Geometry g, int blk, int r0, int r1, float[] bias,
                               GemmEpilogue ep, float[] res, int resOff, float[] y, int yOff) {
        int oh = g.oh();
        int ow = g.ow();
        int tw = g.tilesW();
        int plane = blk * oh * ow * L;
        boolean clamps = ep != null && ep.clamps;
        float lo = clamps ? ep.lo : Float.NEGATIVE_INFINITY;
        float hi = clamps ? ep.hi : Float.POSITIVE_INFINITY;
        int from = pOff + blk * tiles * L;
        for (int ty = r0; ty < r1; ty++) {
            int oy = 2 * ty;
            int down = oy + 1 < oh ? ow * L : -1;
            for (int tx = 0; tx < tw; tx++) {
                int o = plane + (oy * ow + 2 * tx) * L;
                outputTile(p, from + ((ty - r0) * tw + tx) * L, pPlane, bias, blk * L, res, resOff + o, y, yOff + o,
                        2 * tx + 1 < ow ? L : -1, down, lo, hi);
            }
        }
        if (ep != null && ep.pointwise) {
            int first = Math.min(oh, 2 * r0);
            int end = Math.min(oh, 2 * r1);
            ep.activate(y, yOff + plane + first * ow * L, (end - first) * ow * L);
        }
    }

    /**
     * One tile's {@code A^T P A} from the sixteen planes at {@code at} into the pixel at {@code o}
     * and, where {@code right} / {@code down} are not -1, the pixels that far from it: the bias, the
     * residual (when {@code res} is not null) and the clamp to {@code [lo, hi]}. A method of its own
     * for the reason {@link #inputTile} is. Column by column (m0 + m1 + m2 and m1 - m2 - m3), each
     * column's two sums going straight into the four outputs, so eight vectors are live.
     */
    private static void outputTile(float[] p, int at, int plane, float[] bias, int bo, float[] res, int r, float[] y, int o,
                                   int right, int down, float lo, float hi) {
        FloatVector y00 = FloatVector.fromArray(S, bias, bo);
        FloatVector y01 = y00, y10 = y00, y11 = y00;
        for (int j = 0; j < 4; j++) {
            FloatVector m0 = FloatVector.fromArray(S, p, at + j * plane);
            FloatVector m1 = FloatVector.fromArray(S, p, at + (4 + j) * plane);
            FloatVector m2 = FloatVector.fromArray(S, p, at + (8 + j) * plane);
            FloatVector m3 = FloatVector.fromArray(S, p, at + (12 + j) * plane);
            FloatVector s0 = m0.add(m1).add(m2);
            FloatVector s1 = m1.sub(m2).sub(m3);
            // Row sums times A: column 0 and 2 add to the left pixels, 1 and 2 to the right ones (2 subtracted, 3 too).
            if (j < 3) {
                y00 = y00.add(s0);
                y10 = y10.add(s1);
            }
            if (j == 1) {
                y01 = y01.add(s0);
                y11 = y11.add(s1);
            } else if (j > 1) {
                y01 = y01.sub(s0);
                y11 = y11.sub(s1);
            }
        }
        if (res != null) {
            y00 = y00.add(FloatVector.fromArray(S, res, r));
        }
        y00.max(lo).min(hi).intoArray(y, o);
        if (right >= 0) {
            if (res != null) {
                y01 = y01.add(FloatVector.fromArray(S, res, r + right));
            }
            y01.max(lo).min(hi).intoArray(y, o + right);
        }
        if (down >= 0) {
            if (res != null) {
                y10 = y10.add(FloatVector.fromArray(S, res, r + down));
            }
            y10.max(lo).min(hi).intoArray(y, o + down);
            if (right >= 0) {
                if (res != null) {
                    y11 = y11.add(FloatVector.fromArray(S, res, r + down + right));
                }
                y11.max(lo).min(hi).intoArray(y, o + down + right);
            }
        }
    }

    /** The bias over whole output blocks, zeros past the last channel (and for no bias): once per call, not per block. */
    private static float[] wholeBlocks(float[] bias, Geometry g) {
        int n = g.outBlocks() * L;
        if (bias != null && bias.length >= n) {
            return bias;
        }
        float[] b = new float[n];
        if (bias != null) {
            System.arraycopy(bias, 0, b, 0, Math.min(bias.length, g.m()));
        }
        return b;
    }
}
