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
 * <p>The tile kernel exists in four variants that differ only in how a pixel's input is addressed
 * (eight bases through the offset table; the same by tap group; one base with pixels {@code L} or
 * {@code 2L} apart). They are spelled out rather than shared because sixteen accumulators cannot
 * cross a method call without the JIT boxing them, and the single-base forms are what bring the
 * kernel to the packed SGEMM's speed. {@link ConvReference}
 * is its oracle (through the layout conversions of {@link ChannelBlocks}).
 */
public final class ConvBlocked {

    static final VectorSpecies<Float> S = SgemmKernel.S;
    /** Channels per block: one vector. */
    public static final int L = S.length();
    /** Output pixels per tile. */
    static final int P = 8;
    /** K steps per chunk. */
    static final int KC = 256;

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

        /** Whether the input is read through a zero-bordered copy. */
        boolean padded() {
            return pt > 0 || pl > 0 || hp() > h || wp() > w;
        }

        int rows() {
            return padded() ? hp() : h;
        }

        int cols() {
            return padded() ? wp() : w;
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
            return padded() ? planes() * hp() * wp() * lanesIn() : 0;
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
        // Tiles run along the flattened pixels, except on planes narrower than a tile (7x7), where
        // flat tiles would nearly all wrap a row and lose the contiguous-run kernel: there each
        // output row is its own tile.
        boolean byRow = g.ow() < P;
        int perImage = byRow ? g.oh() : (pixels + P - 1) / P;
        int runStride = g.sw() * L;
        boolean runs = g.blockedInput() && (g.sw() == 1 || g.sw() == 2);
        int reach = koff.length == 0 ? 0 : koff[koff.length - 1] + (P - 1) * runStride;
        int tiles = images * perImage;
        int pairs = q1 - q0;
        if (pairs <= 0) {
            return;
        }
        // Enough units for every thread to have several (a pair's tiles cut into groups when there
        // are few pairs); each unit walks all of K for its tiles. One thread keeps whole pairs.
        int groups = w.threads() == 1 ? 1 : Math.min(tiles, Math.max(1, (4 * w.threads() + pairs - 1) / pairs));
        boolean clamps = ep != null && ep.clamps;
        boolean pointwise = ep != null && ep.pointwise;
        float lo = ep != null ? ep.lo : 0f;
        float hi = ep != null ? ep.hi : 0f;
        int steps = g.steps();
        int lanes = g.lanesIn();
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
        w.parallelFor(pairs * groups, 1, (s, e) -> {
            int[] base = new int[P];
            float[] scratch = new float[2 * P * L];
            for (int u = s; u < e; u++) {
                int q = q0 + u / groups;
                int grp = u % groups;
                int t0 = (int) ((long) tiles * grp / groups);
                int t1 = (int) ((long) tiles * (grp + 1) / groups);
                boolean two = 2 * q + 1 < g.outBlocks();
                for (int k0 = 0; k0 < steps; k0 += KC) {
                    int k1 = Math.min(steps, k0 + KC);
                    boolean last = k1 == steps;
                    int init = k0 > 0 ? 2 : 1;
                    for (int t = t0; t < t1; t++) {
                        int n = t / perImage;
                        int p0 = byRow ? (t - n * perImage) * g.ow() : (t - n * perImage) * P;
                        int rows = byRow ? g.ow() : Math.min(P, pixels - p0);
                        int at = srcOff + n * srcImage;
                        for (int r = 0; r < P; r++) {
                            int p = p0 + Math.min(r, rows - 1);
                            int oy = p / g.ow();
                            int ox = p - oy * g.ow();
                            base[r] = at + (oy * g.sh() * g.cols() + ox * g.sw()) * lanes;
                        }
                        int y0 = yFirst + n * outImage + (2 * q * pixels + p0) * L;
                        int y1 = two ? y0 + pixels * L : -1;
                        int r0 = res == null ? -1 : rFirst + n * outImage + (2 * q * pixels + p0) * L;
                        int r1 = res == null || !two ? -1 : r0 + pixels * L;
                        if (runs && base[rows - 1] - base[0] == (rows - 1) * runStride && base[0] + reach < src.length) {
                            if (runStride == L) {
                                tileRun(src, base[0], L, koff, k0, k1, wt, q * steps * 2 * L, y, y0, y1, rows, init, bias, q * 2 * L,
                                        last && clamps, lo, hi, res, r0, r1, scratch);
                            } else {
                                tileRun2(src, base[0], L, koff, k0, k1, wt, q * steps * 2 * L, y, y0, y1, rows, init, bias, q * 2 * L,
                                        last && clamps, lo, hi, res, r0, r1, scratch);
                            }
                        } else if (lanes == L) {
                            tileLanes(src, base[0], base[1], base[2], base[3], base[4], base[5], base[6], base[7], koff, k0, k1,
                                    wt, q * steps * 2 * L, y, y0, y1, rows, init, bias, q * 2 * L, last && clamps, lo, hi, res, r0, r1, scratch);
                        } else {
                            tile(src, base[0], base[1], base[2], base[3], base[4], base[5], base[6], base[7], koff, k0, k1,
                                    wt, q * steps * 2 * L, y, y0, y1, rows, init, bias, q * 2 * L, last && clamps, lo, hi, res, r0, r1, scratch);
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

    /**
     * One tile: output pixels {@code p0..p0+rows} (their input offsets {@code b0..b7}; a partial tile
     * repeats its last pixel, never read past) times the {@code 2L} output channels of one block pair,
     * over steps {@code [k0, k1)}. {@code init}: 0 starts from zero, 1 from the bias, 2 from what y
     * holds (an earlier chunk). {@code y1 < 0}: the pair's second block does not exist. {@code r0},
     * {@code r1}: where the tile's residual is in {@code res}, added with the bias ({@code r0 < 0}: none).
     * The accumulators start from and end in {@code acc} ({@code 2 P L} floats, in L1): the start and
     * the store of a partial tile are loops there, not sixteen unrolled vector operations each,
     * which kept the compiled kernel (and the JIT's memory while compiling it) twice as large.
     */
    static void tile(float[] x, int b0, int b1, int b2, int b3, int b4, int b5, int b6, int b7, int[] koff, int k0, int k1,
                     float[] wt, int wo, float[] y, int y0, int y1, int rows, int init, float[] bias, int bo,
                     boolean clamp, float lo, float hi, float[] res, int r0, int r1, float[] acc) {
        start(y, y0, y1, rows, init, bias, bo, res, r0, r1, acc);
        FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
        FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
        FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
        FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
        FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
        FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
        FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
        FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
        FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
        for (int k = k0; k < k1; k++) {
            int o = koff[k];
            int wk = wo + k * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, x[b0 + o]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[b1 + o]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[b2 + o]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[b3 + o]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
            FloatVector a4 = FloatVector.broadcast(S, x[b4 + o]);
            c40 = a4.fma(v0, c40);
            c41 = a4.fma(v1, c41);
            FloatVector a5 = FloatVector.broadcast(S, x[b5 + o]);
            c50 = a5.fma(v0, c50);
            c51 = a5.fma(v1, c51);
            FloatVector a6 = FloatVector.broadcast(S, x[b6 + o]);
            c60 = a6.fma(v0, c60);
            c61 = a6.fma(v1, c61);
            FloatVector a7 = FloatVector.broadcast(S, x[b7 + o]);
            c70 = a7.fma(v0, c70);
            c71 = a7.fma(v1, c71);
        }
        c00.intoArray(acc, 0 * L);
        c01.intoArray(acc, 1 * L);
        c10.intoArray(acc, 2 * L);
        c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L);
        c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L);
        c41.intoArray(acc, 9 * L);
        c50.intoArray(acc, 10 * L);
        c51.intoArray(acc, 11 * L);
        c60.intoArray(acc, 12 * L);
        c61.intoArray(acc, 13 * L);
        c70.intoArray(acc, 14 * L);
        c71.intoArray(acc, 15 * L);
        finish(acc, y, y0, y1, rows, clamp, lo, hi);
    }

    /**
     * {@link #tile} for a blocked input, where the steps come in groups of L lanes at consecutive
     * offsets ({@code k0}, {@code k1} multiples of L): the inner loop over a group's lanes has a
     * linear index, so the JIT checks the eight pixels' bounds once per group instead of per step.
     * One tile: output pixels {@code p0..p0+rows} (their input offsets {@code b0..b7}; a partial tile
     * repeats its last pixel, never read past) times the {@code 2L} output channels of one block pair,
     * over steps {@code [k0, k1)}. {@code init}: 0 starts from zero, 1 from the bias, 2 from what y
     * holds (an earlier chunk). {@code y1 < 0}: the pair's second block does not exist. {@code r0},
     * {@code r1}: where the tile's residual is in {@code res}, added with the bias ({@code r0 < 0}: none).
     * The accumulators start from and end in {@code acc} ({@code 2 P L} floats, in L1): the start and
     * the store of a partial tile are loops there, not sixteen unrolled vector operations each,
     * which kept the compiled kernel (and the JIT's memory while compiling it) twice as large.
     */
    static void tileLanes(float[] x, int b0, int b1, int b2, int b3, int b4, int b5, int b6, int b7, int[] koff, int k0, int k1,
                     float[] wt, int wo, float[] y, int y0, int y1, int rows, int init, float[] bias, int bo,
                     boolean clamp, float lo, float hi, float[] res, int r0, int r1, float[] acc) {
        start(y, y0, y1, rows, init, bias, bo, res, r0, r1, acc);
        FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
        FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
        FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
        FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
        FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
        FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
        FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
        FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
        FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
        for (int gi = k0 / L; gi < k1 / L; gi++) {
          int t = koff[gi * L];
          int q0 = b0 + t, q1 = b1 + t, q2 = b2 + t, q3 = b3 + t, q4 = b4 + t, q5 = b5 + t, q6 = b6 + t, q7 = b7 + t;
          int wg = wo + gi * L * 2 * L;
          for (int l = 0; l < L; l++) {
            int wk = wg + l * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, x[q0 + l]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[q1 + l]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[q2 + l]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[q3 + l]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
            FloatVector a4 = FloatVector.broadcast(S, x[q4 + l]);
            c40 = a4.fma(v0, c40);
            c41 = a4.fma(v1, c41);
            FloatVector a5 = FloatVector.broadcast(S, x[q5 + l]);
            c50 = a5.fma(v0, c50);
            c51 = a5.fma(v1, c51);
            FloatVector a6 = FloatVector.broadcast(S, x[q6 + l]);
            c60 = a6.fma(v0, c60);
            c61 = a6.fma(v1, c61);
            FloatVector a7 = FloatVector.broadcast(S, x[q7 + l]);
            c70 = a7.fma(v0, c70);
            c71 = a7.fma(v1, c71);
          }
        }
        c00.intoArray(acc, 0 * L);
        c01.intoArray(acc, 1 * L);
        c10.intoArray(acc, 2 * L);
        c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L);
        c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L);
        c41.intoArray(acc, 9 * L);
        c50.intoArray(acc, 10 * L);
        c51.intoArray(acc, 11 * L);
        c60.intoArray(acc, 12 * L);
        c61.intoArray(acc, 13 * L);
        c70.intoArray(acc, 14 * L);
        c71.intoArray(acc, 15 * L);
        finish(acc, y, y0, y1, rows, clamp, lo, hi);
    }

    /**
     * {@link #tileLanes} for a tile whose pixels follow one another in a blocked input (offsets
     * {@code b0 + r * L}; rows beyond {@code rows} are read, in bounds, and dropped): a 1x1
     * convolution's, or a row of a plane. One base and constant offsets, as in the SGEMM kernel,
     * instead of eight bases: measured 100 -> 130 GFLOP/s on ResNet-50's 56x56 layers. One tile: output pixels {@code p0..p0+rows} (their input offsets {@code b0..b7}; a partial tile
     * repeats its last pixel, never read past) times the {@code 2L} output channels of one block pair,
     * over steps {@code [k0, k1)}. {@code init}: 0 starts from zero, 1 from the bias, 2 from what y
     * holds (an earlier chunk). {@code y1 < 0}: the pair's second block does not exist. {@code r0},
     * {@code r1}: where the tile's residual is in {@code res}, added with the bias ({@code r0 < 0}: none).
     * The accumulators start from and end in {@code acc} ({@code 2 P L} floats, in L1): the start and
     * the store of a partial tile are loops there, not sixteen unrolled vector operations each,
     * which kept the compiled kernel (and the JIT's memory while compiling it) twice as large.
     */
    static void tileRun(float[] x, int b0, int lanes, int[] koff, int k0, int k1,
                     float[] wt, int wo, float[] y, int y0, int y1, int rows, int init, float[] bias, int bo,
                     boolean clamp, float lo, float hi, float[] res, int r0, int r1, float[] acc) {
        start(y, y0, y1, rows, init, bias, bo, res, r0, r1, acc);
        FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
        FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
        FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
        FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
        FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
        FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
        FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
        FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
        FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
        for (int gi = k0 / L; gi < k1 / L; gi++) {
          int q = b0 + koff[gi * L];
          int wg = wo + gi * L * 2 * L;
          // lanes == L, passed in: a trip count the JIT does not know keeps it from unrolling the
          // loop sixteen times (which cost 80 MiB of compiler memory for no speed).
          for (int l = 0; l < lanes; l++, q++) {
            int wk = wg + l * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, x[q + 0 * L]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[q + 1 * L]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[q + 2 * L]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[q + 3 * L]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
            FloatVector a4 = FloatVector.broadcast(S, x[q + 4 * L]);
            c40 = a4.fma(v0, c40);
            c41 = a4.fma(v1, c41);
            FloatVector a5 = FloatVector.broadcast(S, x[q + 5 * L]);
            c50 = a5.fma(v0, c50);
            c51 = a5.fma(v1, c51);
            FloatVector a6 = FloatVector.broadcast(S, x[q + 6 * L]);
            c60 = a6.fma(v0, c60);
            c61 = a6.fma(v1, c61);
            FloatVector a7 = FloatVector.broadcast(S, x[q + 7 * L]);
            c70 = a7.fma(v0, c70);
            c71 = a7.fma(v1, c71);
          }
        }
        c00.intoArray(acc, 0 * L);
        c01.intoArray(acc, 1 * L);
        c10.intoArray(acc, 2 * L);
        c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L);
        c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L);
        c41.intoArray(acc, 9 * L);
        c50.intoArray(acc, 10 * L);
        c51.intoArray(acc, 11 * L);
        c60.intoArray(acc, 12 * L);
        c61.intoArray(acc, 13 * L);
        c70.intoArray(acc, 14 * L);
        c71.intoArray(acc, 15 * L);
        finish(acc, y, y0, y1, rows, clamp, lo, hi);
    }

    /**
     * {@link #tileLanes} for a tile whose pixels follow one another in a blocked input (offsets
     * {@code b0 + r * L}; rows beyond {@code rows} are read, in bounds, and dropped): a 1x1
     * convolution's, or a row of a plane. One base and constant offsets, as in the SGEMM kernel,
     * instead of eight bases: measured 100 -> 130 GFLOP/s on ResNet-50's 56x56 layers. One tile: output pixels {@code p0..p0+rows} (their input offsets {@code b0..b7}; a partial tile
     * repeats its last pixel, never read past) times the {@code 2L} output channels of one block pair,
     * over steps {@code [k0, k1)}. {@code init}: 0 starts from zero, 1 from the bias, 2 from what y
     * holds (an earlier chunk). {@code y1 < 0}: the pair's second block does not exist. {@code r0},
     * {@code r1}: where the tile's residual is in {@code res}, added with the bias ({@code r0 < 0}: none).
     * The accumulators start from and end in {@code acc} ({@code 2 P L} floats, in L1): the start and
     * the store of a partial tile are loops there, not sixteen unrolled vector operations each,
     * which kept the compiled kernel (and the JIT's memory while compiling it) twice as large.
     */
    static void tileRun2(float[] x, int b0, int lanes, int[] koff, int k0, int k1,
                     float[] wt, int wo, float[] y, int y0, int y1, int rows, int init, float[] bias, int bo,
                     boolean clamp, float lo, float hi, float[] res, int r0, int r1, float[] acc) {
        start(y, y0, y1, rows, init, bias, bo, res, r0, r1, acc);
        FloatVector c00 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, 7 * L);
        FloatVector c40 = FloatVector.fromArray(S, acc, 8 * L);
        FloatVector c41 = FloatVector.fromArray(S, acc, 9 * L);
        FloatVector c50 = FloatVector.fromArray(S, acc, 10 * L);
        FloatVector c51 = FloatVector.fromArray(S, acc, 11 * L);
        FloatVector c60 = FloatVector.fromArray(S, acc, 12 * L);
        FloatVector c61 = FloatVector.fromArray(S, acc, 13 * L);
        FloatVector c70 = FloatVector.fromArray(S, acc, 14 * L);
        FloatVector c71 = FloatVector.fromArray(S, acc, 15 * L);
        for (int gi = k0 / L; gi < k1 / L; gi++) {
          int q = b0 + koff[gi * L];
          int wg = wo + gi * L * 2 * L;
          // lanes == L, passed in: a trip count the JIT does not know keeps it from unrolling the
          // loop sixteen times (which cost 80 MiB of compiler memory for no speed).
          for (int l = 0; l < lanes; l++, q++) {
            int wk = wg + l * 2 * L;
            FloatVector v0 = FloatVector.fromArray(S, wt, wk);
            FloatVector v1 = FloatVector.fromArray(S, wt, wk + L);
            FloatVector a0 = FloatVector.broadcast(S, x[q + 0 * 2 * L]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[q + 1 * 2 * L]);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[q + 2 * 2 * L]);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[q + 3 * 2 * L]);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
            FloatVector a4 = FloatVector.broadcast(S, x[q + 4 * 2 * L]);
            c40 = a4.fma(v0, c40);
            c41 = a4.fma(v1, c41);
            FloatVector a5 = FloatVector.broadcast(S, x[q + 5 * 2 * L]);
            c50 = a5.fma(v0, c50);
            c51 = a5.fma(v1, c51);
            FloatVector a6 = FloatVector.broadcast(S, x[q + 6 * 2 * L]);
            c60 = a6.fma(v0, c60);
            c61 = a6.fma(v1, c61);
            FloatVector a7 = FloatVector.broadcast(S, x[q + 7 * 2 * L]);
            c70 = a7.fma(v0, c70);
            c71 = a7.fma(v1, c71);
          }
        }
        c00.intoArray(acc, 0 * L);
        c01.intoArray(acc, 1 * L);
        c10.intoArray(acc, 2 * L);
        c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L);
        c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L);
        c41.intoArray(acc, 9 * L);
        c50.intoArray(acc, 10 * L);
        c51.intoArray(acc, 11 * L);
        c60.intoArray(acc, 12 * L);
        c61.intoArray(acc, 13 * L);
        c70.intoArray(acc, 14 * L);
        c71.intoArray(acc, 15 * L);
        finish(acc, y, y0, y1, rows, clamp, lo, hi);
    }
}
