package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dense 2-D convolution into the channel-blocked layout: activations stored as
 * {@code [N][ceil(C/L)][H][W][L]}, L channels (one vector) innermost, the padding lanes of the last
 * block ignored by every reader.
 *
 * <p>Why this layout. In NCHW a convolution is a GEMM whose B operand (the input windows) has to be
 * packed every run, and a depthwise convolution has to gather L channels into lanes and back; both
 * cost as much memory traffic as the arithmetic for MobileNet's small layers (bench/RESULTS.md).
 * Blocked, one output pixel's L channels are one vector: the micro-kernel broadcasts one input value
 * per output pixel and multiplies it by the weight vectors of L output channels, so the input is read
 * in place (no packing), the output tile is stored with whole-vector stores, bias and clamp stay in
 * registers, and depthwise convolutions and pools work on lanes directly. This is the layout oneDNN
 * and ONNX Runtime's MLAS (NCHWc) use on x86 for the same reasons.
 *
 * <p>The kernel is an implicit GEMM: M = output pixels (tiles of {@link #P}), N = output channels (a
 * pair of blocks, 2L), K = input channels x taps. Every k step has a precomputed offset into the
 * input ({@code koff}), and every pixel of a tile its own base offset, so one kernel serves every
 * kernel size, stride, dilation and padding (through a zero-bordered copy of the input), for an input
 * that is blocked or, for stems with a handful of channels, plain NCHW. Weights are packed once:
 * per block pair, k-major, 2L output channels per step, zeros for missing channels. K runs in chunks
 * of {@link #KC} steps so a chunk's weights (32 KiB at L = 16) stay in L1 while the pixel tiles of a
 * work unit stream past; later chunks start from what the earlier ones stored.
 *
 * <p>Tiles follow the rows of the output: eight pixels where a row holds whole tiles of eight,
 * seven where the width is a multiple of seven (every plane of a 224x224 network), one row per
 * tile on other planes narrower than eight. The pixels of such a tile lie at a constant distance
 * from one another in the input, so the inner loops of {@link ConvTiles} address them from one
 * base; only tiles that wrap a row (other widths) take the kernel with eight bases. This class
 * cuts the work, starts each tile (bias, residual, an earlier chunk) and stores it (clamp,
 * activation); {@link ConvReference} is its oracle, through the layout conversions of
 * {@link ChannelBlocks}.
 */
public final class ConvBlocked {

    static final VectorSpecies<Float> S = SgemmKernel.S;
    /** Channels per block: one vector. */
    public static final int L = S.length();
    /** Output pixels per tile (at most). */
    static final int P = 8;
    /** What one core's L2 is taken to hold when choosing a loop order (2 MiB here, 1 MiB on many x86 cores). */
    static final long L2_BYTES = 1L << 20;
    /** K steps per chunk. */
    static final int KC = 256;
    /**
     * Whether tiles take the split kernels ({@link ConvSplitTiles}, one block of the pair at a time):
     * a pair's accumulators do not fit 16 vector registers.
     */
    static final boolean SPLIT = VectorUnit.REGISTERS < 32;

    private ConvBlocked() {}

    /**
     * One convolution's geometry. {@code c}, {@code m}: true input and output channel counts;
     * {@code pt}, {@code pl}: leading padding; {@code blockedInput}: whether the input is blocked
     * (else NCHW).
     */
    public record Geometry(int c, int h, int w, int m, int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl,
                           int oh, int ow, boolean blockedInput) {

        public int inBlocks() {
            return (c + L - 1) / L;
        }

        public int outBlocks() {
            return (m + L - 1) / L;
        }

        int pairs() {
            return (outBlocks() + 1) / 2;
        }

        int hp() {
            return (oh - 1) * sh + (kh - 1) * dh + 1;
        }

        int wp() {
            return (ow - 1) * sw + (kw - 1) * dw + 1;
        }

        /**
         * Whether the input is read through a copy: zero-bordered, or, for a strided 1x1 kernel,
         * only the pixels it reads. ResNet's 1x1 stride-2 layers otherwise read every other line of
         * a plane four times their output, one line per pixel and channel block, in an order no
         * prefetcher follows; on the compact copy they run at the speed of a stride-1 layer
         * (conv 1024 -> 2048 at 14x14, batch 8: 20.2 -> 13.2 ms before the copy's cost).
         */
        boolean padded() {
            return subsampled() || pt > 0 || pl > 0 || hp() > h || wp() > w;
        }

        /** A 1x1 kernel with a stride and no padding, read through a copy of the pixels it reads. */
        boolean subsampled() {
            return blockedInput && kh == 1 && kw == 1 && (sh > 1 || sw > 1) && pt == 0 && pl == 0 && hp() <= h && wp() <= w;
        }

        int rows() {
            return subsampled() ? oh : padded() ? hp() : h;
        }

        int cols() {
            return subsampled() ? ow : padded() ? wp() : w;
        }

        /** The stride the kernel sees along rows and columns of what it reads. */
        int rowStride() {
            return subsampled() ? 1 : sh;
        }

        int colStride() {
            return subsampled() ? 1 : sw;
        }

        int lanesIn() {
            return blockedInput ? L : 1;
        }

        int planes() {
            return blockedInput ? inBlocks() : c;
        }

        /** K: input channels (whole blocks when blocked) times taps. */
        public int steps() {
            return planes() * lanesIn() * kh * kw;
        }

        /** Floats of one input image. */
        public int inputImage() {
            return planes() * h * w * lanesIn();
        }

        /** Floats of one output image. */
        public int outputImage() {
            return outBlocks() * oh * ow * L;
        }

        /** Floats of the zero-bordered copy of one image (0 when none is needed). */
        public int paddedImage() {
            return padded() ? planes() * rows() * cols() * lanesIn() : 0;
        }

        /** Floats of packed weights. */
        public int packedWeights() {
            return pairs() * steps() * 2 * L;
        }

        /** Floats of the packed bias. */
        public int packedBias() {
            return pairs() * 2 * L;
        }
    }

    /** The input offset of every k step, relative to a pixel's base. */
    public static int[] offsets(Geometry g) {
        int[] koff = new int[g.steps()];
        int lanes = g.lanesIn();
        int plane = g.rows() * g.cols() * lanes;
        int k = 0;
        for (int p = 0; p < g.planes(); p++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int at = p * plane + (i * g.dh() * g.cols() + j * g.dw()) * lanes;
                    for (int l = 0; l < lanes; l++) {
                        koff[k++] = at + l;
                    }
                }
            }
        }
        return koff;
    }

    /**
     * Packs ONNX weights {@code [M][C][KH][KW]} (read from {@code w} at {@code off}) in the order of
     * {@link #offsets}.
     */
    public static void packWeights(float[] w, int off, Geometry g, float[] dst) {
        int lanes = g.lanesIn();
        int taps = g.kh() * g.kw();
        int steps = g.steps();
        java.util.Arrays.fill(dst, 0, g.packedWeights(), 0f);
        for (int q = 0; q < g.pairs(); q++) {
            int k = 0;
            for (int p = 0; p < g.planes(); p++) {
                for (int t = 0; t < taps; t++) {
                    for (int l = 0; l < lanes; l++, k++) {
                        int ci = p * lanes + l;
                        if (ci >= g.c()) {
                            continue;
                        }
                        int d = (q * steps + k) * 2 * L;
                        for (int j = 0; j < 2 * L; j++) {
                            int co = q * 2 * L + j;
                            if (co < g.m()) {
                                dst[d + j] = w[off + (co * g.c() + ci) * taps + t];
                            }
                        }
                    }
                }
            }
        }
    }

    /** Packs a per-output-channel bias (or zeros when {@code bias} is null). */
    public static void packBias(float[] bias, Geometry g, float[] dst) {
        java.util.Arrays.fill(dst, 0, g.packedBias(), 0f);
        if (bias != null) {
            System.arraycopy(bias, 0, dst, 0, g.m());
        }
    }

    /**
     * Convolves images {@code [n0, n1)} of {@code x} (at {@code xOff}) into blocked {@code y} (at
     * {@code yOff}). {@code pad} holds {@link Geometry#paddedImage} floats per image of the batch,
     * whose border stays zero (allocated zeroed, only its interior is ever written).
     */
    public static void run(float[] x, int xOff, int n0, int n1, Geometry g, int[] koff, float[] wt, float[] bias,
                           GemmEpilogue ep, float[] pad, float[] y, int yOff, Workers w) {
        run(x, xOff, n0, n1, g, koff, wt, bias, ep, pad, y, yOff, null, 0, w);
    }

    /**
     * As {@link #run(float[], int, int, int, Geometry, int[], float[], float[], GemmEpilogue, float[], float[], int, Workers)},
     * adding a blocked residual of the output's shape ({@code res} at {@code resOff}, or {@code null})
     * before the activation: a ResNet block's shortcut Add (and its Relu) without a pass over memory.
     *
     * <p>Work is cut into units of (block pair, run of pixel tiles), the tiles of all the images in
     * one sequence, so a chunk of a pair's weights is read once for every image of the batch: deep
     * layers have more weights than activations, and streaming them once per image was what kept
     * them below the kernel's speed.
     */
    public static void run(float[] x, int xOff, int n0, int n1, Geometry g, int[] koff, float[] wt, float[] bias,
                           GemmEpilogue ep, float[] pad, float[] y, int yOff, float[] res, int resOff, Workers w) {
        run(x, xOff, n0, n1, 0, g.pairs(), g, koff, wt, bias, ep, pad, y, yOff, res, resOff, w);
    }

    /** Block pairs (of output channels) in the convolution: the parts one image can be cut into. */
    public static int pairs(Geometry g) {
        return g.pairs();
    }

    /**
     * As above, for output-channel block pairs {@code [q0, q1)} only: a part of one image that a
     * scheduler can run beside other work.
     */
    public static void run(float[] x, int xOff, int n0, int n1, int q0, int q1, Geometry g, int[] koff, float[] wt, float[] bias,
                           GemmEpilogue ep, float[] pad, float[] y, int yOff, float[] res, int resOff, Workers w) {
        int images = n1 - n0;
        if (images <= 0) {
            return;
        }
        int pixels = g.oh() * g.ow();
        int lanes = g.lanesIn();
        int runStride = g.colStride() * lanes;
        boolean runs = g.colStride() == 1 || g.colStride() == 2;
        int reach = koff.length == 0 ? 0 : koff[koff.length - 1] + (P - 1) * runStride;
        // Tiles run along the flattened pixels when rows hold whole tiles of 8 (or a tile that
        // wraps a row is rare). Planes 7, 14, 28 or 56 wide would make every other flat tile wrap
        // a row and take the eight-base kernel: there each row is cut into tiles of 7, and a plane
        // narrower than 8 of another width gives a tile per row.
        int width = runs && g.blockedInput() && g.ow() % P != 0 && g.ow() % 7 == 0 ? 7 : g.ow() < P ? g.ow() : P;
        boolean byRow = width != P;
        int perRow = g.ow() / width;
        int perImage = byRow ? g.oh() * perRow : (pixels + P - 1) / P;
        // The run kernel for this layer's tiles (-1: none, the eight-base kernel), and how many
        // pixels it computes (a narrower tile reads the rest, in bounds, and drops them).
        int full = width == 7 ? 7 : P;
        int kind = runs ? ConvTiles.runKind(full, runStride, g.blockedInput()) : -1;
        // A layer with an odd number of output blocks (MobileNetV2's 16 and 144 channels) ends in a
        // pair with one block: its tiles take a one-block kernel, not the pair's with a block of
        // zeros through the scratch tile (conv 32 -> 16 at 112x112, batch 8: 3x ONNX Runtime's time).
        boolean oneKernel = kind >= 0 && ConvWholeTiles.hasOne(kind);
        int tiles = images * perImage;
        int pairs = q1 - q0;
        if (pairs <= 0) {
            return;
        }
        int steps = g.steps();
        // Units are (block pair, group of tiles), each walking all of K for its tiles, in one of two
        // orders. Pair-major, the input is read once per pair and each pair's weights once: right
        // while the input stays in L2. When it does not (a stride-2 layer reads a plane four times
        // its output) but the weights do, tile-major reads each group's rows of input once while
        // every pair's weights come again from L2: ResNet-50's 1x1 stride-2 layer at 56x56, 1.80 ->
        // 1.66 ms. With both beyond L2, re-reading the weights measured slower than re-reading the
        // input, so pair-major stays. Both cut enough units for every thread to have several.
        long inBytes = 4L * images * (g.padded() ? g.paddedImage() : g.inputImage());
        long wBytes = 4L * pairs * steps * 2 * L;
        int rowGroups = (int) Math.min(tiles, Math.max(1, (inBytes + L2_BYTES / 4 - 1) / (L2_BYTES / 4)));
        boolean byTiles = rowGroups > 1 && inBytes > L2_BYTES / 2 && wBytes <= L2_BYTES / 2;
        int forThreads = w.threads() == 1 ? 1 : (4 * w.threads() + pairs - 1) / pairs;
        int groups = Math.min(tiles, Math.max(byTiles ? rowGroups : 1, forThreads));
        boolean clamps = ep != null && ep.clamps;
        boolean pointwise = ep != null && ep.pointwise;
        float lo = ep != null ? ep.lo : 0f;
        float hi = ep != null ? ep.hi : 0f;
        float[] src;
        int srcOff;
        int srcImage;
        if (g.padded()) {
            border(x, xOff, n0, images, g, pad, w);
            src = pad;
            srcOff = 0;
            srcImage = g.paddedImage();
        } else {
            src = x;
            srcOff = xOff + n0 * g.inputImage();
            srcImage = g.inputImage();
        }
        int outImage = g.outputImage();
        int yFirst = yOff + n0 * outImage;
        int rFirst = resOff + n0 * outImage;
        int ow = g.ow();
        int rowStep = g.rowStride() * g.cols() * lanes;
        int colStep = g.colStride() * lanes;
        // The offsets chunk by chunk, so a kernel indexes them from 0 and needs no start register.
        int[][] chunks = new int[(steps + KC - 1) / KC][];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = java.util.Arrays.copyOfRange(koff, c * KC, Math.min(steps, (c + 1) * KC));
        }
        w.parallelFor(pairs * groups, 1, (s, e) -> {
            int[] base = new int[P];
            float[] acc = new float[2 * P * L];
            for (int u = s; u < e; u++) {
                int q = q0 + (byTiles ? u % pairs : u / groups);
                int grp = byTiles ? u / pairs : u % groups;
                int t0 = (int) ((long) tiles * grp / groups);
                int t1 = (int) ((long) tiles * (grp + 1) / groups);
                boolean two = 2 * q + 1 < g.outBlocks();
                boolean oneBlock = oneKernel && !two;
                for (int k0 = 0; k0 < steps; k0 += KC) {
                    int k1 = Math.min(steps, k0 + KC);
                    boolean last = k1 == steps;
                    int init = k0 > 0 ? 2 : 1;
                    int n = t0 / perImage;
                    int i = t0 - n * perImage;
                    for (int t = t0; t < t1; t++, i++) {
                        if (i == perImage) {
                            i = 0;
                            n++;
                        }
                        // The tile's first pixel, then its pixels' input offsets by walking along the
                        // row (one division per tile: at a short K they cost as much as the steps).
                        int oy;
                        int ox;
                        if (byRow) {
                            oy = i / perRow;
                            ox = (i - oy * perRow) * width;
                        } else {
                            oy = i * P / ow;
                            ox = i * P - oy * ow;
                        }
                        int p0 = oy * ow + ox;
                        int rows = byRow ? width : Math.min(P, pixels - p0);
                        int at = srcOff + n * srcImage;
                        int bx = at + oy * rowStep + ox * colStep;
                        for (int r = 0; r < P; r++) {
                            base[r] = bx;
                            if (r < rows - 1) {
                                bx += colStep;
                                if (++ox == ow) {
                                    ox = 0;
                                    bx = at + ++oy * rowStep;
                                }
                            }
                        }
                        int y0 = yFirst + n * outImage + (2 * q * pixels + p0) * L;
                        int y1 = two ? y0 + pixels * L : -1;
                        int r0 = res == null ? -1 : rFirst + n * outImage + (2 * q * pixels + p0) * L;
                        int r1 = res == null || !two ? -1 : r0 + pixels * L;
                        int b = base[0];
                        int chunk = k1 - k0;
                        int[] ko = chunks[k0 / KC];
                        int wo = (q * steps + k0) * 2 * L;
                        boolean run = kind >= 0 && base[rows - 1] - b == (rows - 1) * runStride && b + reach < src.length;
                        if (run && init == 1 && last && rows == full && y1 >= 0) {
                            if (SPLIT) {
                                ConvWholeSplitTiles.run(kind, src, b, ko, chunk, wt, wo, bias, q * 2 * L, res, r0, r1, y, y0, y1,
                                        clamps, lo, hi);
                            } else {
                                ConvWholeTiles.run(kind, src, b, ko, chunk, wt, wo, bias, q * 2 * L, res, r0, r1, y, y0, y1, clamps,
                                        lo, hi);
                            }
                        } else if (run && init == 1 && last && rows == full && oneBlock) {
                            ConvWholeTiles.one(kind, src, b, ko, chunk, wt, wo, bias, q * 2 * L, res, r0, y, y0, clamps, lo, hi);
                        } else {
                            start(y, y0, y1, rows, init, bias, q * 2 * L, res, r0, r1, acc);
                            if (run && SPLIT) {
                                ConvSplitTiles.run(kind, src, b, ko, chunk, wt, wo, acc);
                            } else if (run) {
                                ConvTiles.run(kind, src, b, ko, chunk, wt, wo, acc);
                            } else if (SPLIT) {
                                ConvSplitTiles.tile(src, base[1] - b, base[2] - b, base[3] - b, base[4] - b, base[5] - b,
                                        base[6] - b, base[7] - b, b, ko, chunk, wt, wo, acc);
                            } else {
                                ConvTiles.tile(src, base[1] - b, base[2] - b, base[3] - b, base[4] - b, base[5] - b,
                                        base[6] - b, base[7] - b, b, ko, chunk, wt, wo, acc);
                            }
                            finish(acc, y, y0, y1, rows, last && clamps, lo, hi);
                        }
                        if (last && pointwise) {
                            ep.activate(y, y0, rows * L);
                            if (y1 >= 0) {
                                ep.activate(y, y1, rows * L);
                            }
                        }
                    }
                }
            }
        });
    }

    /** Copies images {@code [n0, n0 + images)} into the interiors of their zero-bordered buffers. */
    private static void border(float[] x, int xOff, int n0, int images, Geometry g, float[] pad, Workers w) {
        if (g.subsampled()) {
            subsample(x, xOff, n0, images, g, pad, w);
            return;
        }
        int lanes = g.lanesIn();
        int hp = g.hp();
        int wp = g.wp();
        int cols = Math.min(g.w(), wp - g.pl()) * lanes;
        int planes = g.planes();
        w.parallelFor(images * planes, 4, (s, e) -> {
            for (int u = s; u < e; u++) {
                int n = u / planes;
                int p = u % planes;
                int from = xOff + (n0 + n) * g.inputImage() + p * g.h() * g.w() * lanes;
                int to = n * g.paddedImage() + p * hp * wp * lanes;
                for (int ih = 0; ih < g.h(); ih++) {
                    int r = ih + g.pt();
                    if (r >= hp) {
                        break;
                    }
                    System.arraycopy(x, from + ih * g.w() * lanes, pad, to + (r * wp + g.pl()) * lanes, cols);
                }
            }
        });
    }

    /** Copies the pixels a strided 1x1 kernel reads of images {@code [n0, n0 + images)}, compactly. */
    private static void subsample(float[] x, int xOff, int n0, int images, Geometry g, float[] pad, Workers w) {
        int planes = g.planes();
        int oh = g.oh();
        int ow = g.ow();
        w.parallelFor(images * planes, 4, (s, e) -> {
            for (int u = s; u < e; u++) {
                int n = u / planes;
                int p = u % planes;
                int from = xOff + (n0 + n) * g.inputImage() + p * g.h() * g.w() * L;
                int to = n * g.paddedImage() + p * oh * ow * L;
                for (int r = 0; r < oh; r++) {
                    int src = from + r * g.sh() * g.w() * L;
                    for (int c = 0; c < ow; c++, to += L) {
                        FloatVector.fromArray(S, x, src + c * g.sw() * L).intoArray(pad, to);
                    }
                }
            }
        });
    }

    /**
     * The tile's starting values into {@code t} (pixel r, block j at {@code (2r + j) L}): the bias
     * plus the residual on the first chunk, what an earlier chunk stored in y on later ones.
     */
    private static void start(float[] y, int y0, int y1, int rows, int init, float[] bias, int bo, float[] res, int r0, int r1,
                              float[] t) {
        for (int j = 0; j < 2; j++) {
            int yj = j == 0 ? y0 : y1;
            int rj = j == 0 ? r0 : r1;
            FloatVector b = init == 1 ? FloatVector.fromArray(S, bias, bo + j * L) : FloatVector.zero(S);
            for (int r = 0; r < P; r++) {
                FloatVector v = b;
                if (r < rows && yj >= 0) {
                    if (init == 2) {
                        v = FloatVector.fromArray(S, y, yj + r * L);
                    } else if (init == 1 && rj >= 0) {
                        v = v.add(FloatVector.fromArray(S, res, rj + r * L));
                    }
                }
                v.intoArray(t, (2 * r + j) * L);
            }
        }
    }

    /** The tile from {@code t} into y: its {@code rows} pixels of each existing block, clamped when asked. */
    private static void finish(float[] t, float[] y, int y0, int y1, int rows, boolean clamp, float lo, float hi) {
        FloatVector lv = FloatVector.broadcast(S, lo);
        FloatVector hv = FloatVector.broadcast(S, hi);
        for (int j = 0; j < 2; j++) {
            int yj = j == 0 ? y0 : y1;
            if (yj < 0) {
                continue;
            }
            for (int r = 0; r < rows; r++) {
                FloatVector v = FloatVector.fromArray(S, t, (2 * r + j) * L);
                if (clamp) {
                    v = v.max(lv).min(hv);
                }
                v.intoArray(y, yj + r * L);
            }
        }
    }
}
