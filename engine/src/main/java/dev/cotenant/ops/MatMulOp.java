package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Activation;
import dev.cotenant.kernels.GemmEpilogue;
import dev.cotenant.kernels.Sgemm;
import dev.cotenant.kernels.Workers;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX MatMul (numpy matmul: 1-D operands promoted, batch dimensions broadcast), and
 * {@code FusedMatMul}: inputs A, B and an optional bias of N values added to every row, then an
 * activation (see {@link ConvActivation}).
 *
 * <p>When B has no batch (a transformer's weights), A's batch folds into its rows and the product
 * is one GEMM, with B packed once here when it is a constant. Otherwise (attention) each batch
 * element is its own small GEMM; with enough of them, threads take whole batch elements, each
 * with its own packing buffers, rather than splitting every small GEMM.
 */
final class MatMulOp {

    private MatMulOp() {}

    static BoundOp bind(OpContext ctx, boolean fused) {
        TensorType at = ctx.inputType(0);
        TensorType bt = ctx.inputType(1);
        if (at.dataType() != DataType.FLOAT || bt.dataType() != DataType.FLOAT) {
            throw ctx.fail("unsupported input types " + at.dataType().onnxName() + " and " + bt.dataType().onnxName());
        }
        int[] a = at.dims();
        int[] b = bt.dims();
        if (a.length == 0 || b.length == 0) {
            throw ctx.fail("operands must not be scalars: A " + at + ", B " + bt);
        }
        int[] a2 = a.length == 1 ? new int[] {1, a[0]} : a;
        int[] b2 = b.length == 1 ? new int[] {b[0], 1} : b;
        int m = a2[a2.length - 2];
        int k = a2[a2.length - 1];
        int n = b2[b2.length - 1];
        if (b2[b2.length - 2] != k) {
            throw ctx.fail("inner dimensions differ: A " + at + ", B " + bt);
        }
        int[] aBatch = java.util.Arrays.copyOf(a2, a2.length - 2);
        int[] bBatch = java.util.Arrays.copyOf(b2, b2.length - 2);
        int[] batch = Broadcast.shape(aBatch, bBatch);
        if (batch == null) {
            throw ctx.fail("batch dimensions of A " + at + " and B " + bt + " do not broadcast");
        }
        List<Integer> outDims = new ArrayList<>();
        for (int d : batch) {
            outDims.add(d);
        }
        if (a.length > 1) {
            outDims.add(m);
        }
        if (b.length > 1) {
            outDims.add(n);
        }
        int[] out = outDims.stream().mapToInt(Integer::intValue).toArray();
        TensorType yt = TensorType.of(DataType.FLOAT, out);
        Activation act = ConvActivation.of(ctx, fused);
        float[] colBias = null;
        boolean biasKnown = true;
        if (fused && ctx.hasInput(2)) {
            if (ctx.inputType(2).shape().size() != n) {
                throw ctx.fail("bias " + ctx.inputType(2) + " must have " + n + " values");
            }
            colBias = new float[Sgemm.packedBSize(1, n)];
            Tensor bk = ctx.constant(2);
            biasKnown = bk != null;
            if (bk != null) {
                ConvOp.copy(bk, colBias);
            }
        }
        GemmEpilogue ep = new GemmEpilogue(null, colBias, act);
        long batches = Broadcast.compactStrides(batch).length == 0 ? 1 : dev.cotenant.ir.Shape.size(batch);
        Cost cost = new Cost(2L * batches * m * n * k, 4L * (at.shape().size() + bt.shape().size() + yt.shape().size()));
        long bBatches = dev.cotenant.ir.Shape.size(bBatch);
        if (bBatches == 1) {
            int rows = Math.toIntExact(dev.cotenant.ir.Shape.size(aBatch) * m);
            Tensor bk = ctx.constant(1);
            float[] pb = new float[Sgemm.packedBSize(k, n)];
            if (bk != null) {
                Sgemm.packB(bk.floats(), bk.offset(), n, false, k, n, pb, 0, Workers.single());
            }
            return new Folded(List.of(yt), rows, n, k, new float[Sgemm.packedASize(rows, k)], pb, bk != null, ep, colBias, biasKnown, cost);
        }
        int[] aSt = Broadcast.strides(aBatch, batch);
        int[] bSt = Broadcast.strides(bBatch, batch);
        return new Batched(List.of(yt), batch, aSt, bSt, m, n, k, ep, colBias, biasKnown, cost, new float[0][], new float[0][]);
    }

    /** B without batch: one GEMM over all of A's rows. */
    private record Folded(List<TensorType> outputTypes, int rows, int n, int k, float[] pa, float[] pb, boolean bKnown,
                          GemmEpilogue ep, float[] colBias, boolean biasKnown, Cost cost) implements BoundOp {

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            if (!bKnown) {
                Sgemm.packB(in[1].floats(), in[1].offset(), n, false, k, n, pb, 0, workers);
            }
            if (!biasKnown) {
                ConvOp.copy(in[2], colBias);
            }
            rows(in, out, 0, rows, workers);
        }

        /** Row blocks of whole register panels, so that each part packs its own share of A. */
        @Override
        public int maxParts() {
            return (rows + Sgemm.MR - 1) / Sgemm.MR;
        }

        @Override
        public void runPart(Tensor[] in, Tensor[] out, int part, int parts, Workers workers) {
            if (!bKnown) {
                Sgemm.packB(in[1].floats(), in[1].offset(), n, false, k, n, pb, 0, workers);
            }
            if (!biasKnown) {
                ConvOp.copy(in[2], colBias);
            }
            int panels = maxParts();
            int r0 = BoundOp.partStart(panels, part, parts) * Sgemm.MR;
            int r1 = Math.min(rows, BoundOp.partStart(panels, part + 1, parts) * Sgemm.MR);
            rows(in, out, r0, r1, workers);
        }

        private void rows(Tensor[] in, Tensor[] out, int r0, int r1, Workers workers) {
            // Packed A keeps each panel of MR rows contiguous, so rows from r0 (a panel boundary) start at r0 * k.
            Sgemm.packA(in[0].floats(), in[0].offset() + r0 * k, k, false, r1 - r0, k, 1f, pa, r0 * k, workers);
            Sgemm.multiply(r1 - r0, n, k, pa, r0 * k, pb, 0, out[0].floats(), out[0].offset() + r0 * n, n, false, ep, r0, workers);
        }
    }

    /** Batched products; the per-thread packing buffers are made on the first run. */
    private static final class Batched implements BoundOp {
        private final List<TensorType> outputTypes;
        private final int[] batch;
        private final int[] aSt;
        private final int[] bSt;
        private final int m;
        private final int n;
        private final int k;
        private final GemmEpilogue ep;
        private final float[] colBias;
        private final boolean biasKnown;
        private final Cost cost;
        private float[][] pa;
        private float[][] pb;

        Batched(List<TensorType> outputTypes, int[] batch, int[] aSt, int[] bSt, int m, int n, int k, GemmEpilogue ep,
                float[] colBias, boolean biasKnown, Cost cost, float[][] pa, float[][] pb) {
            this.outputTypes = outputTypes;
            this.batch = batch;
            this.aSt = aSt;
            this.bSt = bSt;
            this.m = m;
            this.n = n;
            this.k = k;
            this.ep = ep;
            this.colBias = colBias;
            this.biasKnown = biasKnown;
            this.cost = cost;
            this.pa = pa;
            this.pb = pb;
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
            if (!biasKnown) {
                ConvOp.copy(in[2], colBias);
            }
            int count = (int) dev.cotenant.ir.Shape.size(batch);
            int threads = workers.threads();
            // One product per thread when they divide evenly (BERT-tiny's two heads on two threads)
            // or are many: a small product split across threads pays a hand-off for its packing and
            // another for its multiply, and BERT-tiny's attention products (128 x 64 by 64 x 128)
            // ran slower on two threads that way than on one (0.31 against 0.24 ms a run).
            boolean perBatch = threads > 1 && (count % threads == 0 || count >= 2 * threads);
            int slots = perBatch ? threads : 1;
            if (pa.length < slots) {
                pa = new float[slots][Sgemm.packedASize(m, k)];
                pb = new float[slots][Sgemm.packedBSize(k, n)];
            }
            if (!perBatch) {
                for (int i = 0; i < count; i++) {
                    one(in, out, i, 0, workers);
                }
                return;
            }
            workers.parallelFor(slots, 1, (s, e) -> {
                for (int slot = s; slot < e; slot++) {
                    for (int i = slot; i < count; i += slots) {
                        one(in, out, i, slot, Workers.single());
                    }
                }
            });
        }

        private void one(Tensor[] in, Tensor[] out, int index, int slot, Workers w) {
            int aOff = in[0].offset() + Broadcast.offset(index, batch, aSt) * m * k;
            int bOff = in[1].offset() + Broadcast.offset(index, batch, bSt) * k * n;
            Sgemm.packA(in[0].floats(), aOff, k, false, m, k, 1f, pa[slot], 0, w);
            Sgemm.packB(in[1].floats(), bOff, n, false, k, n, pb[slot], 0, w);
            Sgemm.multiply(m, n, k, pa[slot], 0, pb[slot], 0, out[0].floats(), out[0].offset() + index * m * n, n, false, ep, 0, w);
        }
    }
}
