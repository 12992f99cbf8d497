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
 * per block pair, k-major, 2L output channels per step, zeros for missing channels. K runs in equal
 * chunks of at most {@link #KC_TAPS} steps ({@link #KC} for 1x1 kernels at L = 8) so a chunk's
 * weights (32 KiB at L = 16) stay in L1 while the pixel tiles of a work unit stream past; later
 * chunks start from what the earlier ones stored.
 *
 * <p>Tiles follow the rows of the output: eight pixels where a row holds whole tiles of eight,
 * seven where the width is a multiple of seven (every plane of a 224x224 network), one row per
 * tile on other planes narrower than eight. The pixels of such a tile lie at a constant distance
 * from one another in the input, so the inner loops of {@link ConvTiles} address them from one
 * base; only tiles that wrap a row (other widths) take the kernel with eight bases. With 16
 * registers, planes read without gaps (1x1 at stride 1, 7 and 14 wide included) and others from 28
 * wide take flat tiles of eight that run on across rows, the last one of four pixels or fewer
 * computing half a tile ({@link ConvUnits}).
 * {@link ConvUnits} cuts the work, starts each tile (bias, residual, an earlier chunk) and stores it
 * (clamp, activation); {@link ConvReference} is their oracle, through the layout conversions of
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
    /** The most K steps in a chunk: what the kernels' loops are bounded by. */
    static final int KC = S.length() >= 16 ? 256 : 384;
    /**
     * The most K steps in a chunk of a kernel with taps. At L = 8 a 1x1 kernel keeps K up to 384 in
     * one chunk (24 KiB of weights beside 4 KiB of a tile's input lines: 1x1 320 > 1280 at 7x7,
     * 535 -> 490 us on a Zen 3 core, whose tiles then go from bias to output in registers), while
     * 3x3 layers, whose tiles read three input rows per step, lost 20% at 14x14 and 7x7 with 384.
     */
    static final int KC_TAPS = 256;
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
        if (images <= 0 || q1 <= q0) {
            return;
        }
        // The tiles read the zero-bordered copy where the geometry needs one, else the input itself.
        boolean padded = g.padded();
        float[] src = padded ? pad : x;
        int srcOff = padded ? 0 : xOff + n0 * g.inputImage();
        int outFirst = n0 * g.outputImage();
        ConvUnits units = new ConvUnits(g, koff, wt, bias, ep, src, srcOff, y, yOff + outFirst, res, resOff + outFirst,
                images, q0, q1, w.threads());
        if (padded) {
            border(x, xOff, n0, images, g, pad, w);
        }
        if (units.packs()) {
            w.parallelFor(units.tiles(), 1, units::pack);
        }
        w.parallelFor(units.count(), 1, units::compute);
    }

    /** Floats a chunk of the border copy holds at least, so that short rows go several to a chunk. */
    private static final int COPY_GRAIN = 4096;

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
        int rows = Math.max(0, Math.min(g.h(), hp - g.pt()));
        int perImage = planes * rows;
        // A unit per input row, not per plane: a stem's three planes were one chunk, copied by one
        // thread while the other waited (a 224x224 RGB image on two Zen 3 cores: median 18.9 ->
        // 16.1 us, fastest 18.3 -> 13.6; small beside the stem's 0.27 ms, but serial).
        w.parallelFor(images * perImage, Math.max(1, COPY_GRAIN / Math.max(1, cols)), (s, e) -> {
            for (int u = s; u < e; u++) {
                int n = u / perImage;
                int rest = u - n * perImage;
                int p = rest / rows;
                int ih = rest - p * rows;
                int from = xOff + (n0 + n) * g.inputImage() + (p * g.h() + ih) * g.w() * lanes;
                int to = n * g.paddedImage() + ((p * hp + ih + g.pt()) * wp + g.pl()) * lanes;
                System.arraycopy(x, from, pad, to, cols);
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
}
