package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Activation;
import dev.cotenant.kernels.GemmEpilogue;
import dev.cotenant.kernels.Sgemm;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * ONNX Gemm, {@code Y = alpha * op(A) . op(B) + beta * C} (every version), and {@code FusedGemm},
 * the same followed by an activation (see {@link ConvActivation}).
 *
 * <p>A constant operand (usually B, the weights) is packed once here, alpha folded into A's
 * packing. {@code beta * C} becomes the GEMM epilogue's row or column bias when C broadcasts along
 * one axis (the usual bias vector); a full C is written into Y first and accumulated onto.
 */
final class GemmOp {

    private GemmOp() {}

    /** How C enters the result. */
    enum Bias { NONE, ROW, COLUMN, SCALAR, FULL }

    static BoundOp bind(OpContext ctx, boolean fused) {
        TensorType at = ctx.inputType(0);
        TensorType bt = ctx.inputType(1);
        if (at.dataType() != DataType.FLOAT || bt.dataType() != DataType.FLOAT) {
            throw ctx.fail("unsupported input types " + at.dataType().onnxName() + " and " + bt.dataType().onnxName());
        }
        if (at.rank() != 2 || bt.rank() != 2) {
            throw ctx.fail("A " + at + " and B " + bt + " must be matrices");
        }
        boolean ta = ctx.attrInt("transA", 0) != 0;
        boolean tb = ctx.attrInt("transB", 0) != 0;
        float alpha = ctx.attrFloat("alpha", 1f);
        float beta = ctx.attrFloat("beta", 1f);
        int m = ta ? at.dims()[1] : at.dims()[0];
        int k = ta ? at.dims()[0] : at.dims()[1];
        int kb = tb ? bt.dims()[1] : bt.dims()[0];
        int n = tb ? bt.dims()[0] : bt.dims()[1];
        if (k != kb) {
            throw ctx.fail("inner dimensions differ: A " + at + (ta ? " (transposed)" : "") + ", B " + bt + (tb ? " (transposed)" : ""));
        }
        Bias bias = Bias.NONE;
        if (ctx.hasInput(2) && beta != 0f) {
            int[] cs = ctx.inputShape(2);
            int[] b = Broadcast.shape(cs, new int[] {m, n});
            if (b == null || b.length != 2 || b[0] != m || b[1] != n) {
                throw ctx.fail("C " + ctx.inputType(2) + " does not broadcast to [" + m + "," + n + "]");
            }
            long size = ctx.inputType(2).shape().size();
            int last = cs.length == 0 ? 1 : cs[cs.length - 1];
            int first = cs.length < 2 ? 1 : cs[0];
            bias = size == 1 ? Bias.SCALAR : first == 1 && last == n ? Bias.COLUMN : last == 1 && first == m ? Bias.ROW : Bias.FULL;
        }
        Activation act = ConvActivation.of(ctx, fused);
        float[] rowBias = bias == Bias.ROW ? new float[m] : null;
        float[] colBias = bias == Bias.COLUMN || bias == Bias.SCALAR ? new float[Sgemm.packedBSize(1, n)] : null;
        Tensor ck = ctx.hasInput(2) ? ctx.constant(2) : null;
        if (ck != null) {
            fillBias(bias, ck, beta, n, rowBias, colBias);
        }
        Tensor ak = ctx.constant(0);
        Tensor bk = ctx.constant(1);
        float[] pa = new float[Sgemm.packedASize(m, k)];
        float[] pb = new float[Sgemm.packedBSize(k, n)];
        if (ak != null) {
            Sgemm.packA(ak.floats(), ak.offset(), at.dims()[1], ta, m, k, alpha, pa, 0, Workers.single());
        }
        if (bk != null) {
            Sgemm.packB(bk.floats(), bk.offset(), bt.dims()[1], tb, k, n, pb, 0, Workers.single());
        }
        TensorType yt = TensorType.of(DataType.FLOAT, m, n);
        Cost cost = new Cost(2L * m * n * k, 4L * ((long) m * k + (long) k * n + 2L * m * n));
        return new Bound(List.of(yt), m, n, k, ta, tb, alpha, beta, bias, new GemmEpilogue(rowBias, colBias, act),
                rowBias, colBias, ck != null, pa, ak != null, pb, bk != null, cost);
    }

    static void fillBias(Bias bias, Tensor c, float beta, int n, float[] rowBias, float[] colBias) {
        switch (bias) {
            case ROW -> {
                for (int i = 0; i < rowBias.length; i++) {
                    rowBias[i] = beta * (float) c.getDouble(i);
                }
            }
            case COLUMN -> {
                for (int j = 0; j < n; j++) {
                    colBias[j] = beta * (float) c.getDouble(j);
                }
            }
            case SCALAR -> java.util.Arrays.fill(colBias, 0, n, beta * (float) c.getDouble(0));
            case NONE, FULL -> { }
        }
    }

    private record Bound(List<TensorType> outputTypes, int m, int n, int k, boolean ta, boolean tb, float alpha, float beta,
                         Bias bias, GemmEpilogue ep, float[] rowBias, float[] colBias, boolean biasKnown,
                         float[] pa, boolean aKnown, float[] pb, boolean bKnown, Cost cost) implements BoundOp {

        /** Row blocks of whole register panels; not when C is added in full (it is read as a whole). */
        @Override
        public int maxParts() {
            return bias == Bias.FULL ? 1 : (m + Sgemm.MR - 1) / Sgemm.MR;
        }

        @Override
        public void runPart(Tensor[] in, Tensor[] out, int part, int parts, Workers workers) {
            if (parts == 1) {
                run(in, out, workers);
                return;
            }
            if (bias == Bias.FULL) {
                BoundOp.super.runPart(in, out, part, parts, workers);
                return;
            }
            int panels = maxParts();
            int r0 = BoundOp.partStart(panels, part, parts) * Sgemm.MR;
            int r1 = Math.min(m, BoundOp.partStart(panels, part + 1, parts) * Sgemm.MR);
            if (!aKnown) {
                // Packed A keeps each panel of MR rows contiguous: rows from r0 (a panel boundary) start at r0 * k.
                int lda = in[0].dim(1);
                Sgemm.packA(in[0].floats(), in[0].offset() + (ta ? r0 : r0 * lda), lda, ta, r1 - r0, k, alpha, pa, r0 * k, workers);
            }
            if (!bKnown) {
                Sgemm.packB(in[1].floats(), in[1].offset(), in[1].dim(1), tb, k, n, pb, 0, workers);
            }
            if (!biasKnown && bias != Bias.NONE) {
                fillBias(bias, in[2], beta, n, rowBias, colBias);
            }
            Tensor y = out[0];
            Sgemm.multiply(r1 - r0, n, k, pa, r0 * k, pb, 0, y.floats(), y.offset() + r0 * n, n, false, ep, r0, workers);
        }

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            if (!aKnown) {
                Sgemm.packA(in[0].floats(), in[0].offset(), in[0].dim(1), ta, m, k, alpha, pa, 0, workers);
            }
            if (!bKnown) {
                Sgemm.packB(in[1].floats(), in[1].offset(), in[1].dim(1), tb, k, n, pb, 0, workers);
            }
            if (!biasKnown && bias != Bias.NONE && bias != Bias.FULL) {
                fillBias(bias, in[2], beta, n, rowBias, colBias);
            }
            Tensor y = out[0];
            boolean accumulate = bias == Bias.FULL;
            if (accumulate) {
                Tensor c = in[2];
                int[] st = Broadcast.strides(c.shape(), new int[] {m, n});
                float[] cf = c.floats();
                float[] yf = y.floats();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        yf[y.offset() + i * n + j] = beta * cf[c.offset() + i * st[0] + j * st[1]];
                    }
                }
            }
            Sgemm.multiply(m, n, k, pa, 0, pb, 0, y.floats(), y.offset(), n, accumulate, ep, 0, workers);
        }
    }
}
