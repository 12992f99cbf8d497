package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Activation;
import dev.cotenant.kernels.ConvDepthwise;
import dev.cotenant.kernels.ConvDepthwiseBlocked;
import dev.cotenant.kernels.ShiftedWindows;
import dev.cotenant.kernels.ConvReference;
import dev.cotenant.kernels.GemmEpilogue;
import dev.cotenant.kernels.Im2col;
import dev.cotenant.kernels.Sgemm;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * ONNX Conv (every version), and its fused form {@code FusedConv} (see {@link ConvActivation}).
 *
 * <p>Three FP32 strategies, chosen at bind time. A depthwise convolution (one filter per channel)
 * runs the direct {@link ConvDepthwise} kernel. Any other 1-D or 2-D convolution is one GEMM per
 * group: weights {@code [M/g, C/g * k]} packed once at bind time, times the input windows laid out
 * by {@link Im2col} straight into the packed B layout (for a 1x1, stride-1, unpadded convolution
 * the input already is that matrix and is only packed). Bias and activation run in the GEMM's
 * epilogue. Other ranks use the direct reference convolution. Weights that are not constants are
 * packed at the start of each run into buffers allocated here.
 */
final class ConvOp {

    private ConvOp() {}

    /** Which GEMM lowering a 2-D convolution takes: the planner's choice, or one forced (tests). */
    enum Lowering { CHOSEN, SHIFTED }

    static BoundOp bind(OpContext ctx, boolean fused) {
        return bind(ctx, fused, Lowering.CHOSEN);
    }

    static BoundOp bind(OpContext ctx, boolean fused, Lowering lowering) {
        TensorType xt = ctx.inputType(0);
        TensorType wt = ctx.inputType(1);
        int[] x = xt.dims();
        int[] w = wt.dims();
        if (x.length < 3 || w.length != x.length) {
            throw ctx.fail("input " + xt + " and weights " + wt + " must have the same rank, at least 3");
        }
        if (xt.dataType() != DataType.FLOAT || wt.dataType() != DataType.FLOAT) {
            throw ctx.fail("unsupported input types " + xt.dataType().onnxName() + " and " + wt.dataType().onnxName());
        }
        int r = x.length - 2;
        int group = (int) ctx.attrInt("group", 1);
        int c = x[1];
        int m = w[0];
        if (group < 1 || c % group != 0 || m % group != 0 || w[1] != c / group) {
            throw ctx.fail("weights " + wt + " do not match " + c + " input channels in " + group + " groups");
        }
        int[] kernel = kernel(ctx, wt);
        int[] in = new int[r];
        System.arraycopy(x, 2, in, 0, r);
        ConvGeometry g = ConvGeometry.of(ctx, in, kernel, false);
        checkBias(ctx, m);
        int[] out = new int[x.length];
        out[0] = x[0];
        out[1] = m;
        System.arraycopy(g.out(), 0, out, 2, r);
        Activation act = ConvActivation.of(ctx, fused);
        TensorType yt = TensorType.of(DataType.FLOAT, out);
        long flops = 2L * x[0] * m * g.outSize() * (c / group) * g.kernelSize();
        Cost cost = new Cost(flops, 4L * (xt.shape().size() + wt.shape().size() + yt.shape().size() + m));
        if (r > 2) {
            return new Direct(List.of(yt), g, group, m, act, cost);
        }
        Im2col.Geometry g2 = im2col(g, c / group, in, kernel);
        float[] bias = new float[m];
        Tensor bk = ctx.hasInput(2) ? ctx.constant(2) : null;
        boolean biasKnown = !ctx.hasInput(2) || bk != null;
        if (bk != null) {
            copy(bk, bias);
        }
        GemmEpilogue ep = new GemmEpilogue(ctx.hasInput(2) ? bias : null, null, act);
        Tensor wk = ctx.constant(1);
        if (group == c && m == c) {
            float[] weights = new float[m * g.kernelSize()];
            if (wk != null) {
                copy(wk, weights);
            }
            Im2col.Geometry planes = new Im2col.Geometry(c, g2.h(), g2.w(), g2.kh(), g2.kw(), g2.sh(), g2.sw(), g2.dh(), g2.dw(),
                    g2.ph(), g2.pw(), g2.oh(), g2.ow());
            return new Depthwise(List.of(yt), planes, weights, wk != null, bias, biasKnown, ep, cost);
        }
        int mg = m / group;
        int kg = g2.rows();
        int aSize = Sgemm.packedASize(mg, kg);
        float[] packed = new float[aSize * group];
        if (wk != null) {
            packWeights(wk.floats(), wk.offset(), group, mg, kg, packed, aSize, Workers.single());
        }
        boolean pointwise = g2.kh() == 1 && g2.kw() == 1 && g2.sh() == 1 && g2.sw() == 1 && g2.ph() == 0 && g2.pw() == 0
                && g.padsEnd()[r - 1] == 0 && (r == 1 || g.padsEnd()[0] == 0);
        boolean shifted = switch (lowering) {
            case CHOSEN -> ShiftedWindows.suits(g2);
            case SHIFTED -> ShiftedWindows.applies(g2);
        };
        if (group == 1 && !pointwise && r == 2 && shifted) {
            return new ConvShifted(List.of(yt), g2, mg, packed, wk != null, bias, biasKnown, ep, cost);
        }
        return new Gemm(List.of(yt), g2, group, mg, kg, packed, aSize, wk != null, bias, biasKnown, ep, pointwise, cost);
    }

    /** The kernel's spatial shape: the weights' trailing dims, which {@code kernel_shape} must repeat. */
    private static int[] kernel(OpContext ctx, TensorType wt) {
        int[] w = wt.dims();
        int r = w.length - 2;
        int[] kernel = new int[r];
        System.arraycopy(w, 2, kernel, 0, r);
        long[] ks = ctx.attrInts("kernel_shape");
        if (ks != null) {
            for (int d = 0; d < r; d++) {
                if (ks.length != r || ks[d] != kernel[d]) {
                    throw ctx.fail("kernel_shape " + java.util.Arrays.toString(ks) + " does not match weights " + wt);
                }
            }
        }
        return kernel;
    }

    /** A bias, when given, holds one value per output channel. */
    private static void checkBias(OpContext ctx, int m) {
        if (ctx.hasInput(2)) {
            int[] b = ctx.inputShape(2);
            if (b.length != 1 || b[0] != m) {
                throw ctx.fail("bias " + ctx.inputType(2) + " must have " + m + " values");
            }
        }
    }

    /** The im2col geometry of one group ({@code cg} channels); a 1-D convolution as a plane one row high. */
    private static Im2col.Geometry im2col(ConvGeometry g, int cg, int[] in, int[] kernel) {
        return in.length == 1
                ? new Im2col.Geometry(cg, 1, in[0], 1, kernel[0], 1, g.strides()[0], 1, g.dilations()[0], 0, g.padsBegin()[0], 1, g.out()[0])
                : new Im2col.Geometry(cg, in[0], in[1], kernel[0], kernel[1], g.strides()[0], g.strides()[1],
                        g.dilations()[0], g.dilations()[1], g.padsBegin()[0], g.padsBegin()[1], g.out()[0], g.out()[1]);
    }

    static void copy(Tensor t, float[] dst) {
        System.arraycopy(t.floats(), t.offset(), dst, 0, t.size());
    }

    private static void packWeights(float[] w, int off, int group, int mg, int kg, float[] packed, int aSize, Workers workers) {
        for (int gi = 0; gi < group; gi++) {
            Sgemm.packA(w, off + gi * mg * kg, kg, false, mg, kg, 1f, packed, gi * aSize, workers);
        }
    }

    /**
     * Convolution as im2col + packed GEMM, one GEMM per image and group. With enough output
     * columns, threads take column blocks: each lays out its block's windows into its own buffer
     * (which stays in cache) and multiplies it by all the weights. With few columns (deep layers),
     * the whole matrix is laid out and the GEMM splits its rows among the threads instead.
     */
    private static final class Gemm implements ImageParts {
        /** Columns per block: a multiple of the panel width, small enough that K x block stays in L2. */
        private static final int BLOCK_BYTES = 192 * 1024;

        private final List<TensorType> outputTypes;
        private final Im2col.Geometry g;
        private final int group;
        private final int mg;
        private final int kg;
        private final float[] packed;
        private final int aSize;
        private final boolean weightsKnown;
        private final float[] bias;
        private final boolean biasKnown;
        private final GemmEpilogue ep;
        private final boolean pointwise;
        private final float[] cols;
        private final int block;
        private final Cost cost;
        private float[][] blocks = new float[0][];

        Gemm(List<TensorType> outputTypes, Im2col.Geometry g, int group, int mg, int kg, float[] packed, int aSize,
             boolean weightsKnown, float[] bias, boolean biasKnown, GemmEpilogue ep, boolean pointwise, Cost cost) {
            this.outputTypes = outputTypes;
            this.g = g;
            this.group = group;
            this.mg = mg;
            this.kg = kg;
            this.packed = packed;
            this.aSize = aSize;
            this.weightsKnown = weightsKnown;
            this.bias = bias;
            this.biasKnown = biasKnown;
            this.ep = ep;
            this.pointwise = pointwise;
            this.cost = cost;
            int nr = Sgemm.NR;
            this.block = Math.max(nr, Math.min(8 * nr, BLOCK_BYTES / (4 * Math.max(1, kg)) / nr * nr));
            // The whole-matrix buffer is only for layers with too few column blocks to share out.
            this.cols = g.cols() >= 4 * block ? new float[0] : new float[Sgemm.packedBSize(kg, g.cols())];
        }

        @Override
        public List<TensorType> outputTypes() {
            return outputTypes;
        }

        @Override
        public Cost cost() {
            return cost;
        }

        @Override
        public int blockCount() {
            return (g.cols() + block - 1) / block;
        }

        @Override
        public boolean blockwise() {
            return cols.length == 0;
        }

        @Override
        public void images(Tensor[] in, Tensor[] out, int n0, int n1, int b0, int b1, Workers workers) {
            if (!weightsKnown) {
                packWeights(in[1].floats(), in[1].offset(), group, mg, kg, packed, aSize, workers);
            }
            if (!biasKnown) {
                copy(in[2], bias);
            }
            Tensor x = in[0];
            Tensor y = out[0];
            int inPlane = g.c() * g.h() * g.w();
            int outPlane = g.cols();
            boolean blocked = cols.length == 0;
            if (blocked && blocks.length < workers.threads()) {
                blocks = new float[workers.threads()][Sgemm.packedBSize(kg, block)];
            }
            for (int n = n0; n < n1; n++) {
                for (int gi = 0; gi < group; gi++) {
                    int xOff = x.offset() + (n * group + gi) * inPlane;
                    int yOff = y.offset() + (n * group + gi) * mg * outPlane;
                    if (blocked) {
                        blockwise(x.floats(), xOff, y.floats(), yOff, gi, b0, b1, workers);
                        continue;
                    }
                    if (pointwise) {
                        Sgemm.packB(x.floats(), xOff, outPlane, false, kg, outPlane, cols, 0, workers);
                    } else {
                        Im2col.pack(x.floats(), xOff, g, cols, 0, workers);
                    }
                    Sgemm.multiply(mg, outPlane, kg, packed, gi * aSize, cols, 0, y.floats(), yOff, outPlane, false, ep, gi * mg, workers);
                }
            }
        }

        private void blockwise(float[] x, int xOff, float[] y, int yOff, int gi, int b0, int b1, Workers workers) {
            int outPlane = g.cols();
            int slots = Math.min(workers.threads(), b1 - b0);
            workers.parallelFor(slots, 1, (s, e) -> {
                for (int slot = s; slot < e; slot++) {
                    float[] buf = blocks[slot];
                    // Blocks dealt round-robin: neighbouring blocks cost the same.
                    for (int b = b0 + slot; b < b1; b += slots) {
                        int n0 = b * block;
                        int n1 = Math.min(outPlane, n0 + block);
                        if (pointwise) {
                            Sgemm.packB(x, xOff + n0, outPlane, false, kg, n1 - n0, buf, 0, Workers.single());
                        } else {
                            Im2col.packColumns(x, xOff, g, n0, n1, buf, 0);
                        }
                        Sgemm.multiply(mg, n1 - n0, kg, packed, gi * aSize, buf, 0, y, yOff + n0, outPlane, false, ep, gi * mg,
                                Workers.single());
                    }
                }
            });
        }
    }

    /**
     * Depthwise convolution by a direct kernel: channel-blocked when there are at least a vector's
     * worth of channels, row-vectorised otherwise; per-thread buffers are made on the first run.
     */
    private static final class Depthwise implements BoundOp {
        private final List<TensorType> outputTypes;
        private final Im2col.Geometry g;
        private final ConvDepthwise.Taps taps;
        private final float[] weights;
        private final boolean weightsKnown;
        private final float[] bias;
        private final boolean biasKnown;
        private final GemmEpilogue ep;
        private final Cost cost;
        private float[][] scratch = new float[0][];

        Depthwise(List<TensorType> outputTypes, Im2col.Geometry g, float[] weights, boolean weightsKnown, float[] bias,
                  boolean biasKnown, GemmEpilogue ep, Cost cost) {
            this.outputTypes = outputTypes;
            this.g = g;
            this.taps = ConvDepthwise.Taps.of(g);
            this.weights = weights;
            this.weightsKnown = weightsKnown;
            this.bias = bias;
            this.biasKnown = biasKnown;
            this.ep = ep;
            this.cost = cost;
        }

        @Override
        public List<TensorType> outputTypes() {
            return outputTypes;
        }

        @Override
        public Cost cost() {
            return cost;
        }

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            images(in, out, 0, in[0].dim(0), workers);
        }

        @Override
        public int maxParts() {
            return outputTypes.get(0).dims()[0];
        }

        @Override
        public void runPart(Tensor[] in, Tensor[] out, int part, int parts, Workers workers) {
            int batch = in[0].dim(0);
            images(in, out, BoundOp.partStart(batch, part, parts), BoundOp.partStart(batch, part + 1, parts), workers);
        }

        private void images(Tensor[] in, Tensor[] out, int n0, int n1, Workers workers) {
            if (!weightsKnown) {
                copy(in[1], weights);
            }
            if (!biasKnown) {
                copy(in[2], bias);
            }
            boolean blocked = ConvDepthwiseBlocked.suits(g);
            if (scratch.length < workers.threads()) {
                scratch = new float[workers.threads()][blocked ? ConvDepthwiseBlocked.scratchSize(g) : taps.scratchSize()];
            }
            if (blocked) {
                ConvDepthwiseBlocked.run(in[0].floats(), in[0].offset(), in[0].dim(0), g, weights, in.length > 2 && in[2] != null ? bias : null,
                        ep.activation() == null ? null : ep, out[0].floats(), out[0].offset(), scratch, workers);
                return;
            }
            int inImage = g.c() * g.h() * g.w();
            int outImage = g.c() * g.oh() * g.ow();
            ConvDepthwise.run(in[0].floats(), in[0].offset() + n0 * inImage, n1 - n0, g, taps, weights, in.length > 2 && in[2] != null ? bias : null,
                    ep.activation() == null ? null : ep, out[0].floats(), out[0].offset() + n0 * outImage, scratch, workers);
        }
    }

    /** Convolutions of three or more spatial axes, by the reference kernel. */
    private record Direct(List<TensorType> outputTypes, ConvGeometry g, int group, int m, Activation act, Cost cost) implements BoundOp {

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            double[] y = ConvReference.conv(doubles(in[0]), in[0].shape(), doubles(in[1]), m,
                    in.length > 2 && in[2] != null ? doubles(in[2]) : null, group, g.window());
            float[] o = out[0].floats();
            for (int i = 0; i < y.length; i++) {
                o[out[0].offset() + i] = (float) (act == null ? y[i] : act.at(y[i]));
            }
        }
    }

    static double[] doubles(Tensor t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDouble(i);
        }
        return d;
    }
}
