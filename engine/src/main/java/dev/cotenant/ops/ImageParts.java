package dev.cotenant.ops;

import dev.cotenant.ir.Tensor;
import dev.cotenant.kernels.Workers;

/**
 * A convolution strategy that runs in parts: whole images when the batch has several, else column
 * blocks of the one image when its layout has more than one block. Both GEMM-based strategies cut
 * their work this way, so the rule lives here once.
 */
interface ImageParts extends BoundOp {

    /** Computes images {@code [n0, n1)}; in a blockwise layout, only column blocks {@code [b0, b1)} of each. */
    void images(Tensor[] in, Tensor[] out, int n0, int n1, int b0, int b1, Workers workers);

    /** Column blocks of one image (1 when the layout is not blockwise). */
    int blockCount();

    /** Whether one image can be cut into its column blocks. */
    boolean blockwise();

    @Override
    default void run(Tensor[] in, Tensor[] out, Workers workers) {
        images(in, out, 0, in[0].dim(0), 0, blockCount(), workers);
    }

    @Override
    default int maxParts() {
        int batch = outputTypes().get(0).dims()[0];
        return batch > 1 ? batch : blockwise() ? blockCount() : 1;
    }

    @Override
    default void runPart(Tensor[] in, Tensor[] out, int part, int parts, Workers workers) {
        int batch = in[0].dim(0);
        if (batch > 1) {
            images(in, out, BoundOp.partStart(batch, part, parts), BoundOp.partStart(batch, part + 1, parts), 0, blockCount(), workers);
        } else {
            int count = blockCount();
            images(in, out, 0, batch, BoundOp.partStart(count, part, parts), BoundOp.partStart(count, part + 1, parts), workers);
        }
    }
}
