package dev.cotenant.ops;

import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.GemmEpilogue;
import dev.cotenant.kernels.Im2col;
import dev.cotenant.kernels.Sgemm;
import dev.cotenant.kernels.ShiftedWindows;
import dev.cotenant.kernels.Workers;
import java.util.List;

/**
 * A stride-1 or stride-2 convolution (one group) as a GEMM over shifted windows of the zero-bordered input
 * ({@link ShiftedWindows}): the input is padded once per image, then threads take blocks of
 * virtual columns, each packed straight from the padded planes into a cache-resident buffer,
 * multiplied by all the weights into a block of output rows, and copied out without the padding
 * columns. Weights are packed once at bind time, as for the im2col path.
 */
final class ConvShifted implements ImageParts {

    /** Bytes of packed columns per block: a good part of L2, so the multiply reads them from there. */
    private static final int BLOCK_BYTES = 512 * 1024;

    private final List<TensorType> outputTypes;
    private final ShiftedWindows.Grid grid;
    private final int m;
    private final float[] packed;
    private final boolean weightsKnown;
    private final float[] bias;
    private final boolean biasKnown;
    private final GemmEpilogue ep;
    private final Cost cost;
    private final int block;
    private final float[] padded;
    private float[][] columns = new float[0][];
    private float[][] outputs = new float[0][];
    private final boolean whole;

    ConvShifted(List<TensorType> outputTypes, Im2col.Geometry g, int m, float[] packed, boolean weightsKnown, float[] bias,
                boolean biasKnown, GemmEpilogue ep, Cost cost) {
        this.outputTypes = outputTypes;
        this.grid = ShiftedWindows.grid(g);
        this.m = m;
        this.packed = packed;
        this.weightsKnown = weightsKnown;
        this.bias = bias;
        this.biasKnown = biasKnown;
        this.ep = ep;
        this.cost = cost;
        int nr = Sgemm.NR;
        this.block = Math.max(nr, Math.min(16 * nr, BLOCK_BYTES / (4 * grid.rows()) / nr * nr));
        this.padded = new float[ShiftedWindows.paddedSize(grid)];
        // Few columns (deep layers): one block of all of them, multiplied by all threads together,
        // so the large weight matrix streams once instead of once per block.
        this.whole = grid.cols() < 4 * block;
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
        return (grid.cols() + block - 1) / block;
    }

    /** One image splits into column blocks unless all its columns form one block. */
    @Override
    public boolean blockwise() {
        return !whole;
    }

    @Override
    public void images(Tensor[] in, Tensor[] out, int n0, int n1, int b0, int b1, Workers workers) {
        if (!weightsKnown) {
            Sgemm.packA(in[1].floats(), in[1].offset(), grid.rows(), false, m, grid.rows(), 1f, packed, 0, workers);
        }
        if (!biasKnown) {
            ConvOp.copy(in[2], bias);
        }
        Tensor x = in[0];
        Tensor y = out[0];
        int inPlane = grid.c() * grid.h() * grid.w();
        int outPlane = m * grid.oh() * grid.ow();
        int cols = grid.cols();
        if (whole) {
            if (columns.length == 0) {
                columns = new float[][] {new float[Sgemm.packedBSize(grid.rows(), cols)]};
                outputs = new float[][] {new float[m * cols]};
            }
            int panels = (cols + Sgemm.NR - 1) / Sgemm.NR;
            for (int n = n0; n < n1; n++) {
                ShiftedWindows.pad(x.floats(), x.offset() + n * inPlane, grid, padded, workers);
                workers.parallelFor(panels, 1, (s, e) -> ShiftedWindows.packColumns(padded, grid, s * Sgemm.NR,
                        Math.min(cols, e * Sgemm.NR), columns[0], s * Sgemm.NR * grid.rows()));
                Sgemm.multiply(m, cols, grid.rows(), packed, 0, columns[0], 0, outputs[0], 0, cols, false, ep, 0, workers);
                ShiftedWindows.unpad(outputs[0], cols, m, grid, 0, cols, y.floats(), y.offset() + n * outPlane);
            }
            return;
        }
        if (columns.length < workers.threads()) {
            columns = new float[workers.threads()][Sgemm.packedBSize(grid.rows(), block)];
            outputs = new float[workers.threads()][m * block];
        }
        int count = b1 - b0;
        int slots = Math.min(workers.threads(), count);
        for (int n = n0; n < n1 && count > 0; n++) {
            ShiftedWindows.pad(x.floats(), x.offset() + n * inPlane, grid, padded, workers);
            int yOff = y.offset() + n * outPlane;
            workers.parallelFor(slots, 1, (s, e) -> {
                for (int slot = s; slot < e; slot++) {
                    for (int b = b0 + slot; b < b1; b += slots) {
                        int c0 = b * block;
                        int c1 = Math.min(cols, c0 + block);
                        ShiftedWindows.packColumns(padded, grid, c0, c1, columns[slot], 0);
                        Sgemm.multiply(m, c1 - c0, grid.rows(), packed, 0, columns[slot], 0, outputs[slot], 0, block, false, ep, 0,
                                Workers.single());
                        ShiftedWindows.unpad(outputs[slot], block, m, grid, c0, c1, y.floats(), yOff);
                    }
                }
            });
        }
    }
}
