package dev.cotenant.ops;

import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.CopyPlan;
import java.util.Arrays;

/**
 * Slice: starts, ends and axes as attributes before opset 10, as inputs (with optional axes and
 * steps) from 10. Bounds are clamped as the specification says (to {@code [0, dim]} for positive
 * steps, {@code [-1, dim-1]} for negative ones), so out-of-range starts and ends are fine.
 * The result is a {@link CopyPlan}.
 */
final class SliceOp {

    private SliceOp() {}

    static BoundOp bind(OpContext ctx) {
        int[] in = ctx.inputShape(0);
        int rank = in.length;
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (ctx.opset() < 10) {
            starts = ctx.attrInts("starts");
            ends = ctx.attrInts("ends");
            axes = ctx.attrInts("axes");
            if (starts == null || ends == null) {
                throw ctx.fail("attributes 'starts' and 'ends' are required");
            }
        } else {
            starts = ctx.requireValue(1, "starts").toLongArray();
            ends = ctx.requireValue(2, "ends").toLongArray();
            axes = ctx.hasInput(3) ? ctx.requireValue(3, "axes").toLongArray() : null;
            steps = ctx.hasInput(4) ? ctx.requireValue(4, "steps").toLongArray() : null;
        }
        int n = starts.length;
        if (ends.length != n || (axes != null && axes.length != n) || (steps != null && steps.length != n)) {
            throw ctx.fail("starts, ends, axes and steps differ in length");
        }
        long[] begin = new long[rank];
        long[] step = new long[rank];
        int[] out = in.clone();
        Arrays.fill(step, 1);
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < n; i++) {
            int ax = ctx.axis(axes == null ? i : axes[i], rank, "axis");
            if (seen[ax]) {
                throw ctx.fail("axis " + ax + " is sliced twice");
            }
            seen[ax] = true;
            long st = steps == null ? 1 : steps[i];
            if (st == 0) {
                throw ctx.fail("step of axis " + ax + " is 0");
            }
            long dim = in[ax];
            long s = starts[i];
            long e = ends[i];
            s = s < 0 ? s + dim : s;
            e = e < 0 ? e + dim : e;
            if (st > 0) {
                s = clamp(s, 0, dim);
                e = clamp(e, 0, dim);
            } else {
                s = clamp(s, 0, dim - 1);
                e = clamp(e, -1, dim - 1);
            }
            long len = st > 0 ? (e - s + st - 1) / st : (s - e + (-st) - 1) / (-st);
            out[ax] = (int) Math.max(0, len);
            begin[ax] = s;
            step[ax] = st;
        }
        int[] stride = Broadcast.compactStrides(in);
        int[][] maps = new int[rank][];
        for (int d = 0; d < rank; d++) {
            maps[d] = CopyPlan.stepMap(out[d], begin[d], step[d], stride[d]);
        }
        return new CopyGather(new TensorType(ctx.inputDataType(0), Shape.of(out)), CopyPlan.of(maps));
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
