package dev.cotenant.ops;

import dev.cotenant.ir.Shape;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.CopyPlan;
import java.util.Arrays;

/** Expand: bidirectional broadcast of the input to {@code shape}, as a {@link CopyPlan} with stride-0 axes. */
final class ExpandOp {

    private ExpandOp() {}

    static BoundOp bind(OpContext ctx) {
        int[] in = ctx.inputShape(0);
        long[] s = ctx.requireValue(1, "shape").toLongArray();
        int[] target = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0) {
                throw ctx.fail("shape " + Arrays.toString(s) + " has a negative dim");
            }
            target[i] = Math.toIntExact(s[i]);
        }
        int[] out = Broadcast.shape(in, target);
        if (out == null) {
            throw ctx.fail("cannot broadcast " + Arrays.toString(in) + " to " + Arrays.toString(s));
        }
        int[] st = Broadcast.strides(in, out);
        int[][] maps = new int[out.length][];
        for (int d = 0; d < out.length; d++) {
            maps[d] = CopyPlan.stepMap(out[d], 0, 1, st[d]);
        }
        return new CopyGather(new TensorType(ctx.inputDataType(0), Shape.of(out)), CopyPlan.of(maps));
    }
}
