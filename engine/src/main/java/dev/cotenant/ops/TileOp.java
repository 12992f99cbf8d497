package dev.cotenant.ops;

import dev.cotenant.ir.Shape;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.CopyPlan;
import java.util.Arrays;

/** Tile: output index j of axis d reads input index {@code j mod dim}, a {@link CopyPlan}. */
final class TileOp {

    private TileOp() {}

    static BoundOp bind(OpContext ctx) {
        int[] in = ctx.inputShape(0);
        long[] reps = ctx.requireValue(1, "repeats").toLongArray();
        if (reps.length != in.length) {
            throw ctx.fail("repeats " + Arrays.toString(reps) + " has " + reps.length + " entries for an input of rank " + in.length);
        }
        int[] out = new int[in.length];
        int[] stride = Broadcast.compactStrides(in);
        int[][] maps = new int[in.length][];
        for (int d = 0; d < in.length; d++) {
            if (reps[d] < 0) {
                throw ctx.fail("repeats " + Arrays.toString(reps) + " has a negative entry");
            }
            out[d] = Math.toIntExact(in[d] * reps[d]);
            maps[d] = new int[out[d]];
            for (int j = 0; j < out[d]; j++) {
                maps[d][j] = (j % in[d]) * stride[d];
            }
        }
        return new CopyGather(new TensorType(ctx.inputDataType(0), Shape.of(out)), CopyPlan.of(maps));
    }
}
