package dev.cotenant.kernels;

import dev.cotenant.kernels.ConvBlocked.Geometry;

/**
 * One call of {@link ConvBlocked#run}, cut into work: the output's pixels into tiles, the tiles
 * of every image and the block pairs into units, and the loop a worker runs over a range of units
 * ({@link #compute}), which picks each tile's kernel ({@link ConvTiles} and its kin), starts the
 * tile (bias, residual, an earlier chunk) and stores it (clamp, activation).
 *
 * <p>Why a class: the loop needs some thirty values worked out once per call. {@link #computeChunk}
 * copies them into locals before its loop over tiles, so that loop does not read them through
 * fields on every tile: at a short K the scalar work around a tile costs as much as its steps.
 */
final class ConvUnits {

    private static final int L = ConvBlocked.L;
    private static final int P = ConvBlocked.P;
    private static final int KC = ConvBlocked.KC;
    private static final boolean SPLIT = ConvBlocked.SPLIT;
    private static final long L2_BYTES = ConvBlocked.L2_BYTES;
    /**
     * The fewest input planes for which a group of tiles reads its input ahead ({@link #readAhead}).
     * With fewer, the tiles' own reads are streams enough for the prefetcher, and reading ahead
     * only added a pass: MobileNetV2's 1x1 layers at batch 8, one Zen 3 core, 32 > 16 at 112x112
     * 2.28-2.35 -> 1.61-1.70 ms, 96 > 24 at 56x56 1.94-2.07 -> 1.66-1.70, 16 > 96 at 112x112
     * 6.9-7.2 -> 6.5-6.7; 18 and 24 planes measured alike either way, 32 (ResNet-50's 256 > 64 at
     * 56x56) 11.6 against 20.4 ms for the read ahead.
     */
    private static final int READ_AHEAD_PLANES = 32;
    /**
     * The fewest output blocks for which a 1x1 layer packs its tiles ({@link ConvPackedTiles}): the
     * packing pass costs about a cycle per input value, which the faster loop repays only over
     * enough outputs. One Zen 3 core, old and new engine alternating in one JVM: from 384 outputs
     * every layer tried ran 0-9% faster at batch 1 and 2-20% at batch 8 (ResNet-50's 256 > 1024 at
     * 14x14 9%, MobileNetV2's 320 > 1280 at 7x7 7% and 20%), while 576 > 96 at 14x14 lost 22% at
     * batch 8 and 32 > 192 at 28x28 1-4%. An image whose input is larger than half of L2 is not
     * packed: the pass then adds a trip to memory (16 > 96 at 112x112, 800 KB: 4% slower).
     */
    private static final int PACK_BLOCKS = 384 / 8;

    private final Geometry g;
    // The tiles: `width` pixels along a row (byRow, perRow to a row) or P along the flattened plane.
    private final int pixels;
    private final int ow;
    private final int width;
    private final boolean byRow;
    private final int perRow;
    private final int perImage;
    private final int tiles;
    // The run kernel for the tiles, and what decides whether a tile can take it.
    private final int kind;
    private final int full;
    private final int runStride;
    private final int reach;
    private final boolean oneKernel;
    // The units: block pairs [q0, q0 + pairs) times groups of tiles, tile-major when byTiles.
    private final int q0;
    private final int pairs;
    private final int groups;
    private final boolean byTiles;
    // Whether a group reads its input ahead before its first pair (see READ_AHEAD_PLANES).
    private final boolean readsAhead;
    // Whether the tiles are packed first (ConvPackedTiles), into `packed`, `steps * P` floats a tile.
    private final boolean packs;
    private final float[] packed;
    private final int[] koff;
    // What the tiles read: the input from srcOff, image by image; K chunk by chunk.
    private final float[] src;
    private final int srcOff;
    private final int srcImage;
    private final int rowStep;
    private final int colStep;
    private final int steps;
    private final int kc;
    private final int[][] chunks;
    private final float[] wt;
    private final float[] bias;
    // What they write: the output (and read the residual) from yFirst (rFirst), image by image.
    private final float[] y;
    private final int yFirst;
    private final float[] res;
    private final int rFirst;
    private final int outImage;
    private final GemmEpilogue ep;
    private final boolean clamps;
    private final boolean pointwise;
    private final float lo;
    private final float hi;

    /**
     * Cuts {@code images} images of {@code src} (the input or its zero-bordered copy, the first at
     * {@code srcOff}) for block pairs {@code [q0, q1)}, among {@code threads} threads; the other
     * arguments are those of {@link ConvBlocked#run}, the offsets moved to the first image.
     */
    ConvUnits(Geometry g, int[] koff, float[] wt, float[] bias, GemmEpilogue ep, float[] src, int srcOff,
              float[] y, int yFirst, float[] res, int rFirst, int images, int q0, int q1, int threads) {
        this.g = g;
        this.wt = wt;
        this.bias = bias;
        this.ep = ep;
        this.src = src;
        this.srcOff = srcOff;
        this.y = y;
        this.yFirst = yFirst;
        this.res = res;
        this.rFirst = rFirst;
        this.q0 = q0;
        pixels = g.oh() * g.ow();
        int lanes = g.lanesIn();
        runStride = g.colStride() * lanes;
        boolean runs = g.colStride() == 1 || g.colStride() == 2;
        reach = koff.length == 0 ? 0 : koff[koff.length - 1] + (P - 1) * runStride;
        width = tileWidth(g, runs);
        byRow = width != P;
        perRow = g.ow() / width;
        perImage = byRow ? g.oh() * perRow : (pixels + P - 1) / P;
        tiles = images * perImage;
        // The run kernel for this layer's tiles (-1: none, the eight-base kernel), and how many
        // pixels it computes (a narrower tile reads the rest, in bounds, and drops them).
        full = width == 7 ? 7 : P;
        kind = runs ? ConvTiles.runKind(full, runStride, g.blockedInput()) : -1;
        // A layer with an odd number of output blocks (MobileNetV2's 16 and 144 channels) ends in a
        // pair with one block: its tiles take a one-block kernel, not the pair's with a block of
        // zeros through the scratch tile (conv 32 -> 16 at 112x112, batch 8: 3x ONNX Runtime's time).
        oneKernel = kind >= 0 && ConvWholeTiles.hasOne(kind);
        pairs = q1 - q0;
        steps = g.steps();
        // Units are (block pair, group of tiles), each walking all of K for its tiles, in one of two
        // orders. Pair-major, the input is read once per pair and each pair's weights once: right
        // while the input stays in L2. When it does not (a stride-2 layer reads a plane four times
        // its output) but the weights do, tile-major reads each group's rows of input once while
        // every pair's weights come again from L2: ResNet-50's 1x1 stride-2 layer at 56x56, 1.80 ->
        // 1.66 ms. With both beyond L2, the order that reads less wins: pair-major reads the input
        // once per pair, tile-major the weights once per group. ResNet-50 at batch 8, whose
        // strided and deep layers have both beyond L2, one Zen 3 core: 784-787 -> 746-750 ms, two
        // cores 458-486 -> 431-433 (1x1 512 > 1024 stride 2 at 28x28: 26.6 -> 21.9 ms; at one
        // image, where one pass over a layer had measured the other way, the model moved 1.5%
        // the right way). Both cut enough units for every thread to have several.
        long inBytes = 4L * images * (g.padded() ? g.paddedImage() : g.inputImage());
        long wBytes = 4L * pairs * steps * 2 * L;
        int rowGroups = (int) Math.min(tiles, Math.max(1, (inBytes + L2_BYTES / 4 - 1) / (L2_BYTES / 4)));
        byTiles = rowGroups > 1 && inBytes > L2_BYTES / 2
                && (wBytes <= L2_BYTES / 2 || (long) rowGroups * wBytes < (long) pairs * inBytes);
        int forThreads = threads == 1 ? 1 : (Workers.CHUNKS_PER_THREAD * threads + pairs - 1) / pairs;
        groups = Math.min(tiles, byTiles ? evenGroups(rowGroups, threads) : Math.max(1, forThreads));
        clamps = ep != null && ep.clamps;
        pointwise = ep != null && ep.pointwise;
        lo = ep != null ? ep.lo : 0f;
        hi = ep != null ? ep.hi : 0f;
        srcImage = g.padded() ? g.paddedImage() : g.inputImage();
        outImage = g.outputImage();
        ow = g.ow();
        rowStep = g.rowStride() * g.cols() * lanes;
        colStep = g.colStride() * lanes;
        kc = chunk(g);
        chunks = chunks(koff, steps, kc);
        this.koff = koff;
        // Flat tiles of 8 on a plane read without gaps, a 1x1 kernel: every pair reads the packed tiles.
        packs = SPLIT && !byRow && rowStep == ow * colStep && g.kh() * g.kw() == 1 && g.blockedInput()
                && kind == ConvTiles.runKind(P, L, true) && g.outBlocks() % 2 == 0 && g.outBlocks() >= PACK_BLOCKS
                && 4L * g.inputImage() <= L2_BYTES / 2;
        readsAhead = !packs && byTiles && !byRow && rowStep == ow * colStep && g.planes() >= READ_AHEAD_PLANES;
        packed = packs ? ConvPackedTiles.buffer((long) tiles * steps * P) : null;
    }

    /**
     * Pixels per tile. Tiles run along the flattened pixels when rows hold whole tiles of 8 (or a
     * tile that wraps a row is rare). Planes 7, 14, 28 or 56 wide would make every other flat tile
     * wrap a row and take the eight-base kernel: there each row is cut into tiles of 7, and a plane
     * narrower than 8 of another width gives a tile per row.
     */
    private static int tileWidth(Geometry g, boolean runs) {
        if (flat(g, runs)) {
            return P;
        }
        return runs && g.blockedInput() && g.ow() % P != 0 && g.ow() % 7 == 0 ? 7 : g.ow() < P ? g.ow() : P;
    }

    /**
     * Whether a plane 7, 14 or 28 wide takes flat tiles of 8 anyway, with the 16-register kernels.
     * There a tile of 7 is a part of four pixels and a part of three, the second doing three
     * quarters of the first's work for the same loop; a tile of 8 is two full parts. Where the
     * pixels a layer reads follow one another across rows (a 1x1 kernel at stride 1 without a
     * border, or read through a compact copy) every flat tile is still a run; on a zero-bordered
     * plane the tiles that wrap a row take the kernel with a base per pixel, which only pays where
     * rows are long enough for few tiles to wrap. One thread, best of 1-s rounds, Zen 3
     * (bench/RESULTS.md): 1x1 512 > 128 at 28x28 68-72 -> 75 GFLOP/s, 1024 > 256 at 14x14 63-64 ->
     * 68-69, 3x3 128 > 128 at 28x28 72-73 -> 77-79; 3x3 at 14x14 lost 5% and at 7x7 23%.
     */
    private static boolean flat(Geometry g, boolean runs) {
        if (!SPLIT || !runs || !g.blockedInput() || g.ow() % P == 0) {
            return false;
        }
        boolean straight = g.cols() == g.ow() && g.colStride() == 1 && g.rowStride() == 1;
        return straight || g.ow() > P && g.ow() >= 28;
    }

    /**
     * Steps per chunk: K cut into equal chunks (whole blocks of L) of at most {@link ConvBlocked#KC}
     * for a 1x1 kernel and {@link ConvBlocked#KC_TAPS} for others. Fixed chunks and a remainder left
     * a short last chunk (576 = 256 + 256 + 64) that paid a pass through the scratch tile for a few
     * steps: 1x1 576 > 96 at 14x14, 288 -> 278 us, 960 > 320 at 7x7, 393 -> 382 on a Zen 3 core.
     */
    private static int chunk(Geometry g) {
        int most = g.kh() * g.kw() == 1 ? KC : ConvBlocked.KC_TAPS;
        int steps = g.steps();
        int count = (steps + most - 1) / most;
        int kc = (steps + count - 1) / count;
        return Math.min(most, (kc + L - 1) / L * L);
    }

    /** The offsets chunk by chunk, so a kernel indexes them from 0 and needs no start register. */
    private static int[][] chunks(int[] koff, int steps, int kc) {
        int[][] chunks = new int[(steps + kc - 1) / kc][];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = java.util.Arrays.copyOfRange(koff, c * kc, Math.min(steps, (c + 1) * kc));
        }
        return chunks;
    }

    /**
     * Groups of tiles for the tile-major order on {@code threads} threads: at least
     * {@code rowGroups}, and a multiple of the chunks a pool cuts a loop into
     * ({@link Workers#CHUNKS_PER_THREAD} a thread), so every chunk holds as many groups. A unit is
     * then a whole group, every pair of it: a group cut between two chunks had its input read by
     * both threads, and the ends of the loop waited on the longer chunks (ResNet-50's 1x1 layers at
     * 28x28 and 14x14 ran 1.4-1.6x faster on two threads than on one, where ONNX Runtime's ran
     * 1.7-1.9x).
     */
    private static int evenGroups(int rowGroups, int threads) {
        if (threads == 1) {
            return rowGroups;
        }
        int chunks = Workers.CHUNKS_PER_THREAD * threads;
        return (rowGroups + chunks - 1) / chunks * chunks;
    }

    /** Whether {@link #pack} must run over all {@link #tiles} before {@link #compute}. */
    boolean packs() {
        return packs;
    }

    /** The tiles of the call, what {@link #pack} ranges over. */
    int tiles() {
        return tiles;
    }

    /** Packs tiles {@code [s, e)}, every step of each (see {@link ConvPackedTiles#pack}). */
    void pack(int s, int e) {
        for (int t = s; t < e; t++) {
            int n = t / perImage;
            int p0 = (t - n * perImage) * P;
            ConvPackedTiles.pack(src, srcOff + n * srcImage + p0 * colStep, koff, steps, Math.min(P, pixels - p0), packed,
                    t * steps * P);
        }
    }

    /** The number of units: what {@link #compute} ranges over (whole groups when tile-major). */
    int count() {
        return byTiles ? groups : pairs * groups;
    }

    /** Computes units {@code [s, e)}: one worker's share. */
    void compute(int s, int e) {
        if (byTiles) {
            s *= pairs;
            e *= pairs;
        }
        int[] base = new int[P];
        float[] acc = new float[2 * P * L];
        for (int u = s; u < e; u++) {
            int q = q0 + (byTiles ? u % pairs : u / groups);
            int grp = byTiles ? u / pairs : u % groups;
            int t0 = (int) ((long) tiles * grp / groups);
            int t1 = (int) ((long) tiles * (grp + 1) / groups);
            if (readsAhead && q == q0) {
                readAhead(t0, t1);
            }
            for (int k0 = 0; k0 < steps; k0 += kc) {
                computeChunk(q, t0, t1, k0, base, acc);
            }
        }
    }

    /** Where {@link #readAhead} leaves what it read, so that the JIT keeps the loads. */
    private static float readSink;

    /**
     * Reads the input of tiles {@code [t0, t1)} (flat tiles of a plane read without gaps) one plane
     * after another, a float per cache line, before the first block pair of a group of tiles
     * computes them. The tiles read the group's planes side by side, a line of each in turn: over
     * 32 planes or more, more streams than the hardware prefetcher follows, so every line came from
     * memory at its full latency. Read plane by plane, each is one stream the prefetcher runs ahead
     * of, and the tiles then find the group in L2. ResNet-50 at batch 8, one Zen 3 core: conv
     * 256 -> 64 at 56x56, 14.4-14.8 -> 11.4 ms; the model's dense convolutions 631-646 -> 620-622
     * ms (bench/RESULTS.md).
     */
    private void readAhead(int t0, int t1) {
        float sum = 0f;
        int planes = g.planes();
        int plane = srcImage / planes;
        for (int t = t0; t < t1; ) {
            int n = t / perImage;
            int end = Math.min(t1, (n + 1) * perImage);
            int p0 = (t - n * perImage) * P;
            int p1 = Math.min(pixels, (end - n * perImage) * P);
            int at = srcOff + n * srcImage;
            for (int c = 0; c < planes; c++) {
                int f1 = at + c * plane + p1 * colStep;
                for (int f = at + c * plane + p0 * colStep; f < f1; f += 16) {
                    sum += src[f];
                }
            }
            t = end;
        }
        readSink = sum;
    }

    /**
     * Block pair {@code q}'s tiles {@code [t0, t1)} over the chunk of K from {@code k0}, with the
     * worker's {@code base} (the input offset of each pixel of a tile) and {@code acc} (the scratch
     * tile). The choice of kernel stays in the loop: as a method of its own it would be too large
     * for the JIT to inline, and every tile would pay a call with some twenty arguments.
     */
    private void computeChunk(int q, int t0, int t1, int k0, int[] base, float[] acc) {
        if (packs) {
            computePacked(q, t0, t1, k0, acc);
            return;
        }
        // The loop's values in locals (see the class comment), several to a line to keep the loop in view.
        int perImage = this.perImage, perRow = this.perRow, width = this.width, ow = this.ow, pixels = this.pixels;
        boolean byRow = this.byRow;
        int srcOff = this.srcOff, srcImage = this.srcImage, rowStep = this.rowStep, colStep = this.colStep;
        int yFirst = this.yFirst, rFirst = this.rFirst, outImage = this.outImage;
        int kind = this.kind, full = this.full, runStride = this.runStride, reach = this.reach;
        // Flat tiles on a plane read without gaps (a 1x1 kernel at stride 1, or its compact copy):
        // pixel p is at colStep * p, so no tile needs its bases worked out one by one.
        boolean linear = !byRow && rowStep == ow * colStep;
        float[] src = this.src, wt = this.wt, bias = this.bias, y = this.y, res = this.res;
        boolean clamps = this.clamps, pointwise = this.pointwise;
        float lo = this.lo, hi = this.hi;
        GemmEpilogue ep = this.ep;
        boolean two = 2 * q + 1 < g.outBlocks();
        boolean oneBlock = oneKernel && !two;
        int k1 = Math.min(steps, k0 + kc);
        boolean last = k1 == steps;
        int init = k0 > 0 ? 2 : 1;
        int chunk = k1 - k0;
        int[] ko = chunks[k0 / kc];
        int wo = (q * steps + k0) * 2 * L;
        int n = t0 / perImage;
        int i = t0 - n * perImage;
        for (int t = t0; t < t1; t++, i++) {
            if (i == perImage) {
                i = 0;
                n++;
            }
            int at = srcOff + n * srcImage;
            int p0 = linear ? i * P : bases(i, at, byRow, perRow, width, ow, pixels, rowStep, colStep, base);
            int rows = byRow ? width : Math.min(P, pixels - p0);
            int y0 = yFirst + n * outImage + (2 * q * pixels + p0) * L;
            int y1 = two ? y0 + pixels * L : -1;
            int r0 = res == null ? -1 : rFirst + n * outImage + (2 * q * pixels + p0) * L;
            int r1 = res == null || !two ? -1 : r0 + pixels * L;
            int b = linear ? at + p0 * colStep : base[0];
            boolean run = kind >= 0 && (linear || base[rows - 1] - b == (rows - 1) * runStride)
                    && b + (SPLIT && rows <= 4 ? reach - 4 * runStride : reach) < src.length;
            if (linear && !run) {
                bases(i, at, false, perRow, width, ow, pixels, rowStep, colStep, base);
            }
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
                ScratchTile.start(y, y0, y1, rows, init, bias, q * 2 * L, res, r0, r1, acc);
                if (run && SPLIT && rows <= 4) {
                    ConvSplitTiles.head(kind, src, b, ko, chunk, wt, wo, acc);
                } else if (run && SPLIT) {
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
                ScratchTile.finish(acc, y, y0, y1, rows, last && clamps, lo, hi);
            }
            if (last && pointwise) {
                ep.activate(y, y0, rows * L);
                if (y1 >= 0) {
                    ep.activate(y, y1, rows * L);
                }
            }
        }
    }

    /**
     * {@link #computeChunk} for packed tiles ({@link ConvPackedTiles}): flat tiles of P pixels, both
     * blocks of every pair, each tile's steps at {@code (t steps + k) P} of {@link #packed}.
     */
    private void computePacked(int q, int t0, int t1, int k0, float[] acc) {
        int perImage = this.perImage, pixels = this.pixels, steps = this.steps, yFirst = this.yFirst, rFirst = this.rFirst;
        int outImage = this.outImage;
        float[] packed = this.packed, wt = this.wt, bias = this.bias, y = this.y, res = this.res;
        boolean clamps = this.clamps, pointwise = this.pointwise;
        float lo = this.lo, hi = this.hi;
        int k1 = Math.min(steps, k0 + kc);
        boolean last = k1 == steps;
        int init = k0 > 0 ? 2 : 1;
        int chunk = k1 - k0;
        int wo = (q * steps + k0) * 2 * L;
        for (int t = t0; t < t1; t++) {
            int n = t / perImage;
            int p0 = (t - n * perImage) * P;
            int rows = Math.min(P, pixels - p0);
            int y0 = yFirst + n * outImage + (2 * q * pixels + p0) * L;
            int y1 = y0 + pixels * L;
            int r0 = res == null ? -1 : rFirst + n * outImage + (2 * q * pixels + p0) * L;
            int r1 = res == null ? -1 : r0 + pixels * L;
            int xo = (t * steps + k0) * P;
            if (init == 1 && last && rows == P) {
                ConvPackedTiles.whole(packed, xo, chunk, wt, wo, bias, q * 2 * L, res, r0, r1, y, y0, y1, clamps, lo, hi);
            } else {
                ScratchTile.start(y, y0, y1, rows, init, bias, q * 2 * L, res, r0, r1, acc);
                ConvPackedTiles.acc(packed, xo, chunk, wt, wo, acc, rows);
                ScratchTile.finish(acc, y, y0, y1, rows, last && clamps, lo, hi);
            }
            if (last && pointwise) {
                ep.activate(y, y0, rows * L);
                ep.activate(y, y1, rows * L);
            }
        }
    }

    /**
     * The input offset of each of a tile's P pixels into {@code base}, for tile {@code i} of an
     * image whose input starts at {@code at}; returns the tile's first pixel. It divides once to
     * find the first pixel and walks along the row from there: at a short K, divisions per pixel
     * would cost as much as the steps. Small and static, so the JIT inlines it into the tile loop.
     */
    private static int bases(int i, int at, boolean byRow, int perRow, int width, int ow, int pixels, int rowStep,
                             int colStep, int[] base) {
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
        return p0;
    }
}
