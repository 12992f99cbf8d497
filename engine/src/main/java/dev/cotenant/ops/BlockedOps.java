package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Activation;
import dev.cotenant.kernels.ChannelBlocks;
import dev.cotenant.kernels.ConvBlocked;
import dev.cotenant.kernels.ConvDepthwiseBlocked;
import dev.cotenant.kernels.ConvWinograd;
import dev.cotenant.kernels.GemmEpilogue;
import dev.cotenant.kernels.Im2col;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * The operators of the channel-blocked layout ({@link ConvBlocked}), which the
 * {@code BlockedLayout} pass puts in place of NCHW convolutions and their neighbours. A blocked
 * tensor has the 5-D shape {@code [N, ceil(C/L), H, W, L]}; the true channel count travels in the
 * weights (convolutions) or in a {@code channels} attribute. Element-wise operators need no blocked
 * twin: on two blocked tensors of one shape they do the same thing.
 *
 * <ul>
 *   <li>{@code ToBlocked(x)}: NCHW to blocked;
 *   <li>{@code FromBlocked(x)} with {@code channels}: back to NCHW;
 *   <li>{@code BlockedConv(x, W[, B[, R]])} with Conv's attributes and the fused {@code activation}:
 *       x blocked, or NCHW for a stem with few channels; a depthwise convolution when
 *       {@code group} equals the channel count; R, a blocked residual of the output's shape, is added
 *       before the activation (dense only);
 *   <li>{@code BlockedMaxPool(x)} with MaxPool's attributes and {@code channels};
 *   <li>{@code BlockedGlobalAveragePool(x)} with {@code channels}: into NCHW {@code [N, C, 1, 1]}.
 * </ul>
 */
final class BlockedOps {

    static final int L = ConvBlocked.L;
    /** Channels in and out from which a 3x3 stride-1 convolution runs by Winograd (bench/RESULTS.md). */
    static final int WINOGRAD_MIN_CHANNELS = 32;

    private BlockedOps() {}

    static void register(OpTable t) {
        t.add(OpTable.COTENANT_DOMAIN, "ToBlocked", 1, BlockedOps::toBlocked);
        t.add(OpTable.COTENANT_DOMAIN, "FromBlocked", 1, BlockedOps::fromBlocked);
        t.add(OpTable.COTENANT_DOMAIN, "BlockedConv", 1, BlockedOps::conv);
        t.add(OpTable.COTENANT_DOMAIN, "BlockedMaxPool", 1, BlockedOps::maxPool);
        t.add(OpTable.COTENANT_DOMAIN, "BlockedGlobalAveragePool", 1, BlockedOps::globalAverage);
    }

    static int blocks(int c) {
        return (c + L - 1) / L;
    }

    private static int[] blockedInput(OpContext ctx, int channels) {
        int[] x = ctx.inputShape(0);
        if (ctx.inputDataType(0) != DataType.FLOAT || x.length != 5 || x[4] != L || x[1] != blocks(channels)) {
            throw ctx.fail("input " + ctx.inputType(0) + " is not a blocked float tensor of " + channels + " channels");
        }
        return x;
    }

    private static int channels(OpContext ctx) {
        long c = ctx.attrInt("channels", -1);
        if (c < 1) {
            throw ctx.fail("attribute 'channels' must be positive, got " + c);
        }
        return (int) c;
    }

    private static BoundOp toBlocked(OpContext ctx) {
        int[] x = ctx.inputShape(0);
        if (ctx.inputDataType(0) != DataType.FLOAT || x.length != 4) {
            throw ctx.fail("input " + ctx.inputType(0) + " must be a 4-D float tensor");
        }
        TensorType yt = TensorType.of(DataType.FLOAT, x[0], blocks(x[1]), x[2], x[3], L);
        Cost cost = new Cost(0, 4L * (ctx.inputType(0).shape().size() + yt.shape().size()));
        return new Simple(yt, cost, (in, out, w) -> ChannelBlocks.toBlocked(in[0].floats(), in[0].offset(), x[0], x[1], x[2] * x[3],
                out[0].floats(), out[0].offset(), w));
    }

    private static BoundOp fromBlocked(OpContext ctx) {
        int c = channels(ctx);
        int[] x = blockedInput(ctx, c);
        TensorType yt = TensorType.of(DataType.FLOAT, x[0], c, x[2], x[3]);
        Cost cost = new Cost(0, 4L * (ctx.inputType(0).shape().size() + yt.shape().size()));
        return new Simple(yt, cost, (in, out, w) -> ChannelBlocks.fromBlocked(in[0].floats(), in[0].offset(), x[0], c, x[2] * x[3],
                out[0].floats(), out[0].offset(), w));
    }

    private static BoundOp maxPool(OpContext ctx) {
        int c = channels(ctx);
        int[] x = blockedInput(ctx, c);
        long[] ks = ctx.attrInts("kernel_shape");
        if (ks == null || ks.length != 2) {
            throw ctx.fail("kernel_shape must have 2 values");
        }
        if (ctx.attrInt("ceil_mode", 0) != 0 || ctx.attrInt("storage_order", 0) != 0) {
            throw ctx.fail("ceil_mode and storage_order are not supported in the blocked layout");
        }
        ConvGeometry g = ConvGeometry.of(ctx, new int[] {x[2], x[3]}, new int[] {(int) ks[0], (int) ks[1]}, false);
        int oh = g.out()[0];
        int ow = g.out()[1];
        TensorType yt = TensorType.of(DataType.FLOAT, x[0], x[1], oh, ow, L);
        Cost cost = new Cost((long) x[0] * c * oh * ow * ks[0] * ks[1], 4L * (ctx.inputType(0).shape().size() + yt.shape().size()));
        return new Simple(yt, cost, (in, out, w) -> ChannelBlocks.maxPool(in[0].floats(), in[0].offset(), x[0], c, x[2], x[3],
                (int) ks[0], (int) ks[1], g.strides()[0], g.strides()[1], g.dilations()[0], g.dilations()[1],
                g.padsBegin()[0], g.padsBegin()[1], oh, ow, out[0].floats(), out[0].offset(), w));
    }

    private static BoundOp globalAverage(OpContext ctx) {
        int c = channels(ctx);
        int[] x = blockedInput(ctx, c);
        TensorType yt = TensorType.of(DataType.FLOAT, x[0], c, 1, 1);
        Cost cost = new Cost((long) x[0] * c * x[2] * x[3], 4L * (ctx.inputType(0).shape().size() + yt.shape().size()));
        return new Simple(yt, cost, (in, out, w) -> ChannelBlocks.globalAverage(in[0].floats(), in[0].offset(), x[0], c, x[2] * x[3],
                out[0].floats(), out[0].offset(), w));
    }

    private static BoundOp conv(OpContext ctx) {
        int[] x = ctx.inputShape(0);
        int[] wd = ctx.inputShape(1);
        Tensor wk = ctx.constant(1);
        if (wk == null || wd.length != 4 || ctx.inputDataType(1) != DataType.FLOAT) {
            throw ctx.fail("weights " + ctx.inputType(1) + " must be a constant 4-D float tensor");
        }
        int m = wd[0];
        int group = (int) ctx.attrInt("group", 1);
        boolean blocked = x.length == 5;
        int c = group == 1 ? wd[1] : group;
        if (blocked) {
            blockedInput(ctx, c);
        } else if (x.length != 4 || x[1] != c || ctx.inputDataType(0) != DataType.FLOAT) {
            throw ctx.fail("input " + ctx.inputType(0) + " must be a float NCHW tensor of " + c + " channels");
        }
        boolean depthwise = group > 1;
        if (depthwise && (group != m || wd[1] != 1 || !blocked)) {
            throw ctx.fail("a grouped blocked convolution must be depthwise on a blocked input (group " + group + ", weights "
                    + ctx.inputType(1) + ")");
        }
        float[] bias = null;
        if (ctx.hasInput(2)) {
            Tensor bk = ctx.constant(2);
            if (bk == null || bk.size() != m) {
                throw ctx.fail("bias " + ctx.inputType(2) + " must be a constant of " + m + " values");
            }
            bias = new float[m];
            ConvOp.copy(bk, bias);
        }
        int h = x[2];
        int wdt = x[3];
        ConvGeometry g = ConvGeometry.of(ctx, new int[] {h, wdt}, new int[] {wd[2], wd[3]}, false);
        int oh = g.out()[0];
        int ow = g.out()[1];
        Activation act = ConvActivation.of(ctx, true);
        TensorType yt = TensorType.of(DataType.FLOAT, x[0], blocks(m), oh, ow, L);
        long flops = 2L * x[0] * m * oh * ow * (depthwise ? 1 : c) * wd[2] * wd[3];
        Cost cost = new Cost(flops, 4L * (ctx.inputType(0).shape().size() + ctx.inputType(1).shape().size() + yt.shape().size()));
        if (depthwise) {
            float[] w = new float[wk.size()];
            ConvOp.copy(wk, w);
            Im2col.Geometry dg = new Im2col.Geometry(c, h, wdt, wd[2], wd[3], g.strides()[0], g.strides()[1], g.dilations()[0],
                    g.dilations()[1], g.padsBegin()[0], g.padsBegin()[1], oh, ow);
            return new Depthwise(yt, dg, ConvDepthwiseBlocked.packBlocked(w, bias, dg), new GemmEpilogue(null, null, act), cost);
        }
        boolean residual = ctx.hasInput(3);
        if (residual && (depthwise || !ctx.inputType(3).equals(yt))) {
            throw ctx.fail("residual " + ctx.inputType(3) + " must be a blocked tensor of the output's type " + yt
                    + (depthwise ? " on a dense convolution" : ""));
        }
        ConvBlocked.Geometry cg = new ConvBlocked.Geometry(c, h, wdt, m, wd[2], wd[3], g.strides()[0], g.strides()[1],
                g.dilations()[0], g.dilations()[1], g.padsBegin()[0], g.padsBegin()[1], oh, ow, blocked);
        if (ConvWinograd.ENABLED && ConvWinograd.suits(cg, WINOGRAD_MIN_CHANNELS)) {
            ConvWinograd.Geometry wg = ConvWinograd.Geometry.of(cg);
            return new Winograd(yt, wg, ConvWinograd.packWeights(wk.floats(), wk.offset(), wg), bias,
                    new GemmEpilogue(null, null, act), cost, residual);
        }
        float[] packed = new float[cg.packedWeights()];
        ConvBlocked.packWeights(wk.floats(), wk.offset(), cg, packed);
        float[] pb = new float[cg.packedBias()];
        ConvBlocked.packBias(bias, cg, pb);
        return new Dense(yt, cg, ConvBlocked.offsets(cg), packed, pb, new GemmEpilogue(null, null, act), cost, residual);
    }

    /**
     * Part {@code part} of {@code parts} of a blocked convolution: whole images {@code [n0, n1)} when
     * the batch has several, else channel units {@code [c0, c1)} (block pairs, or blocks) of the one
     * image. Both blocked convolutions cut their work this way.
     */
    private record Part(int n0, int n1, int c0, int c1) {
        static Part of(int images, int units, int part, int parts) {
            if (images > 1) {
                return new Part(BoundOp.partStart(images, part, parts), BoundOp.partStart(images, part + 1, parts), 0, units);
            }
            return new Part(0, images, BoundOp.partStart(units, part, parts), BoundOp.partStart(units, part + 1, parts));
        }
    }

    @FunctionalInterface
    private interface Body {
        void run(Tensor[] in, Tensor[] out, Workers w);
    }

    private record Simple(TensorType type, Cost cost, Body body) implements BoundOp {
        @Override
        public List<TensorType> outputTypes() {
            return List.of(type);
        }

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers w) {
            body.run(in, out, w);
        }
    }

    /**
     * A dense blocked convolution, by either kernel: one output type, a residual it may write over,
     * and parts of whole images, or of output-channel block pairs for one image.
     */
    private abstract static class DenseConv implements BoundOp {
        private final TensorType type;
        private final Cost cost;
        private final boolean residual;

        DenseConv(TensorType type, Cost cost, boolean residual) {
            this.type = type;
            this.cost = cost;
            this.residual = residual;
        }

        /** Output-channel block pairs: the parts one image can be cut into. */
        abstract int pairs();

        /** Computes images {@code [p.n0, p.n1)}, block pairs {@code [p.c0, p.c1)}, adding {@code res} when not null. */
        abstract void compute(Tensor x, Tensor y, Tensor res, Part p, Workers w);

        @Override
        public final List<TensorType> outputTypes() {
            return List.of(type);
        }

        @Override
        public final Cost cost() {
            return cost;
        }

        @Override
        public final void run(Tensor[] in, Tensor[] out, Workers w) {
            runPart(in, out, 0, 1, w);
        }

        /**
         * The residual: each kernel reads an output position's residual before it writes the output
         * there, so the sum can land where the shortcut was. That saves ResNet's widest layers a
         * fresh output buffer (3 MiB at 56x56x256) and the memory traffic of filling it.
         */
        @Override
        public final int overwrites() {
            return residual ? 3 : -1;
        }

        @Override
        public final int maxParts() {
            int n = type.dims()[0];
            return n > 1 ? n : pairs();
        }

        @Override
        public final void runPart(Tensor[] in, Tensor[] out, int part, int parts, Workers w) {
            compute(in[0], out[0], in.length > 3 ? in[3] : null, Part.of(in[0].dim(0), pairs(), part, parts), w);
        }
    }

    /** A dense blocked convolution by the direct kernel ({@link ConvBlocked}). */
    private static final class Dense extends DenseConv {
        private final ConvBlocked.Geometry g;
        private final int[] koff;
        private final float[] weights;
        private final float[] bias;
        private final GemmEpilogue ep;
        private final float[] pad;

        Dense(TensorType type, ConvBlocked.Geometry g, int[] koff, float[] weights, float[] bias, GemmEpilogue ep, Cost cost,
              boolean residual) {
            super(type, cost, residual);
            this.g = g;
            this.koff = koff;
            this.weights = weights;
            this.bias = bias;
            this.ep = ep;
            this.pad = new float[Math.multiplyExact(g.paddedImage(), type.dims()[0])];
        }

        @Override
        int pairs() {
            return ConvBlocked.pairs(g);
        }

        @Override
        void compute(Tensor x, Tensor y, Tensor res, Part p, Workers w) {
            ConvBlocked.run(x.floats(), x.offset(), p.n0(), p.n1(), p.c0(), p.c1(), g, koff, weights, bias, ep, pad,
                    y.floats(), y.offset(), res == null ? null : res.floats(), res == null ? 0 : res.offset(), w);
        }
    }

    /**
     * A 3x3 stride-1 blocked convolution by Winograd's F(2x2, 3x3) ({@link ConvWinograd}).
     *
     * <p>Its buffers (for each worker, a chunk's transformed input and products, about 1 MiB each)
     * belong to the thread that runs the part, not to the operator: parts that run at the same time
     * run on different threads, and one thread runs one part at a time, so every Winograd layer of
     * every plan a thread runs can share them. Per operator they came to 20-25 MiB for ResNet-18.
     */
    private static final class Winograd extends DenseConv {
        private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[][] {{}, {}});

        private final ConvWinograd.Geometry g;
        private final ConvWinograd.Weights weights;
        private final float[] bias;
        private final GemmEpilogue ep;

        Winograd(TensorType type, ConvWinograd.Geometry g, ConvWinograd.Weights weights, float[] bias, GemmEpilogue ep,
                 Cost cost, boolean residual) {
            super(type, cost, residual);
            this.g = g;
            this.weights = weights;
            this.bias = bias;
            this.ep = ep;
        }

        @Override
        int pairs() {
            return ConvWinograd.pairs(g);
        }

        @Override
        void compute(Tensor x, Tensor y, Tensor res, Part p, Workers w) {
            // One pair of buffers per worker, so that on wide planes each worker can take whole chunks.
            float[][] buffers = BUFFERS.get();
            if (buffers[0].length < g.transformed() * w.threads()) {
                buffers[0] = new float[g.transformed() * w.threads()];
            }
            if (buffers[1].length < g.products() * w.threads()) {
                buffers[1] = new float[g.products() * w.threads()];
            }
            ConvWinograd.run(x.floats(), x.offset(), p.n0(), p.n1(), p.c0(), p.c1(), g, weights, bias, ep,
                    res == null ? null : res.floats(), res == null ? 0 : res.offset(), y.floats(), y.offset(),
                    buffers[0], buffers[1], w);
        }
    }

    /** A depthwise blocked convolution; it runs in parts of whole images, or of channel blocks for one image. */
    private static final class Depthwise implements BoundOp {
        private final TensorType type;
        private final Im2col.Geometry g;
        private final float[] packed;
        private final GemmEpilogue ep;
        private final Cost cost;
        private float[][] scratch = new float[0][];

        Depthwise(TensorType type, Im2col.Geometry g, float[] packed, GemmEpilogue ep, Cost cost) {
            this.type = type;
            this.g = g;
            this.packed = packed;
            this.ep = ep;
            this.cost = cost;
        }

        @Override
        public List<TensorType> outputTypes() {
            return List.of(type);
        }

        @Override
        public Cost cost() {
            return cost;
        }

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers w) {
            runPart(in, out, 0, 1, w);
        }

        @Override
        public int maxParts() {
            int n = type.dims()[0];
            return n > 1 ? n : blocks(g.c());
        }

        @Override
        public void runPart(Tensor[] in, Tensor[] out, int part, int parts, Workers w) {
            if (scratch.length < w.threads()) {
                scratch = new float[w.threads()][ConvDepthwiseBlocked.blockedScratchSize(g)];
            }
            int blocks = blocks(g.c());
            Part p = Part.of(in[0].dim(0), blocks, part, parts);
            int image = blocks * g.h() * g.w() * L;
            int outImage = blocks * g.oh() * g.ow() * L;
            ConvDepthwiseBlocked.runBlocked(in[0].floats(), in[0].offset() + p.n0() * image, p.n1() - p.n0(), p.c0(), p.c1(), g,
                    packed, ep, out[0].floats(), out[0].offset() + p.n0() * outImage, scratch, w);
        }
    }
}
