package dev.cotenant.ops;

import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.ConvReference;
import dev.cotenant.kernels.Sgemm;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * 2-D ConvTranspose as a matrix multiply followed by col2im, the way convolution's gradient is
 * computed in training frameworks.
 *
 * <p>For one image and one group, the weights {@code W[cg, mg, kh, kw]} read as a {@code cg x
 * (mg kh kw)} matrix and the input as {@code cg x (h w)}; {@code cols = W^T X} then holds, for every
 * output channel and kernel tap, the contribution of every input pixel. col2im adds each
 * contribution at its output position ({@code ih * stride - pad + kh * dilation}). The multiply is
 * the packed SGEMM (weights packed once at bind when they are constant), and col2im runs over
 * output channels in parallel, so no two threads write the same plane. The scalar twin is
 * {@link ConvReference#convTranspose}, which the operator used before and the tests compare against.
 */
final class ConvTransposeGemm implements BoundOp {

    private final List<TensorType> outputTypes;
    private final ConvReference.Window win;
    private final int group;
    private final int m;
    private final Cost cost;
    private final int c;
    private final int mg;
    private final int cg;
    private final int h;
    private final int w;
    private final int kSize;
    private final int rows;
    private final float[] packedW;
    private final boolean weightsPacked;
    private final float[] packedX;
    private final float[] cols;

    ConvTransposeGemm(List<TensorType> outputTypes, ConvReference.Window win, int group, int m, Cost cost,
                      int[] xShape, Tensor constantWeights) {
        this.outputTypes = outputTypes;
        this.win = win;
        this.group = group;
        this.m = m;
        this.cost = cost;
        this.c = xShape[1];
        this.h = xShape[2];
        this.w = xShape[3];
        this.cg = c / group;
        this.mg = m / group;
        this.kSize = win.kernel()[0] * win.kernel()[1];
        this.rows = mg * kSize;
        int perGroup = Sgemm.packedASize(rows, cg);
        this.packedW = new float[perGroup * group];
        this.weightsPacked = constantWeights != null;
        if (weightsPacked) {
            packWeights(constantWeights, Workers.single());
        }
        this.packedX = new float[Sgemm.packedBSize(cg, h * w)];
        this.cols = new float[rows * h * w];
    }

    /** 2-D, float, with at most one image plane per call: the shapes this path covers. */
    static boolean covers(int[] xShape) {
        return xShape.length == 4;
    }

    private void packWeights(Tensor wt, Workers workers) {
        int perGroup = Sgemm.packedASize(rows, cg);
        for (int g = 0; g < group; g++) {
            // A[i][p] = W[g cg + p][i]: the transpose of the group's cg x (mg kh kw) block.
            Sgemm.packA(wt.floats(), wt.offset() + g * cg * rows, rows, true, rows, cg, 1f, packedW, g * perGroup, workers);
        }
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
        if (!weightsPacked) {
            packWeights(in[1], workers);
        }
        Tensor x = in[0];
        Tensor bias = in.length > 2 ? in[2] : null;
        float[] xa = x.floats();
        float[] y = out[0].floats();
        int yOff = out[0].offset();
        int[] outSpatial = win.outSpatial();
        int oh = outSpatial[0];
        int ow = outSpatial[1];
        int outPlane = oh * ow;
        int inPlane = h * w;
        int perGroup = Sgemm.packedASize(rows, cg);
        int n = x.shape()[0];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < group; g++) {
                int xOff = x.offset() + (b * c + g * cg) * inPlane;
                Sgemm.packB(xa, xOff, inPlane, false, cg, inPlane, packedX, 0, workers);
                Sgemm.multiply(rows, inPlane, cg, packedW, g * perGroup, packedX, 0, cols, 0, inPlane, false, null, 0, workers);
                int planeBase = yOff + (b * m + g * mg) * outPlane;
                int channel0 = g * mg;
                workers.parallelFor(mg, 1, (s, e) -> {
                    for (int oc = s; oc < e; oc++) {
                        float init = bias == null ? 0f : bias.floats()[bias.offset() + channel0 + oc];
                        col2im(y, planeBase + oc * outPlane, oc, init, oh, ow);
                    }
                });
            }
        }
    }

    /** Adds channel {@code oc}'s contributions into its output plane, which starts at {@code init}. */
    private void col2im(float[] y, int plane, int oc, float init, int oh, int ow) {
        java.util.Arrays.fill(y, plane, plane + oh * ow, init);
        int kh = win.kernel()[0];
        int kw = win.kernel()[1];
        int sh = win.strides()[0];
        int sw = win.strides()[1];
        int dh = win.dilations()[0];
        int dw = win.dilations()[1];
        int ph = win.padsBegin()[0];
        int pw = win.padsBegin()[1];
        int inPlane = h * w;
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int src = ((oc * kh + i) * kw + j) * inPlane;
                for (int ih = 0; ih < h; ih++) {
                    int r = ih * sh - ph + i * dh;
                    if (r < 0 || r >= oh) {
                        continue;
                    }
                    int rowBase = plane + r * ow;
                    int col0 = j * dw - pw;
                    int srcRow = src + ih * w;
                    // The input columns whose output column lands inside [0, ow).
                    int iw0 = col0 >= 0 ? 0 : (-col0 + sw - 1) / sw;
                    int iw1 = Math.min(w, Math.floorDiv(ow - 1 - col0, sw) + 1);
                    for (int iw = iw0; iw < iw1; iw++) {
                        y[rowBase + iw * sw + col0] += cols[srcRow + iw];
                    }
                }
            }
        }
    }
}
