package dev.cotenant.ops;

import dev.cotenant.ir.Shape;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.CopyPlan;
import java.util.Arrays;

/**
 * Pad in the modes constant, reflect, edge and wrap; negative pads crop. Pads (and the constant)
 * are attributes before opset 11 and inputs from 11; {@code axes} (from 18) names the padded axes.
 * Each mode is a per-axis map from output to input index, so the whole operator is one
 * {@link CopyPlan}; the constant is read at run time, as it may be a runtime input.
 */
final class PadOp {

    private PadOp() {}

    static BoundOp bind(OpContext ctx) {
        int[] in = ctx.inputShape(0);
        int rank = in.length;
        String mode = ctx.attrString("mode", "constant");
        long[] pads;
        double fill = 0;
        int fillInput = -1;
        long[] axes = null;
        if (ctx.opset() < 11) {
            pads = ctx.attrInts("pads");
            if (pads == null) {
                pads = ctx.attrInts("paddings");
            }
            if (pads == null) {
                throw ctx.fail("attribute 'pads' is required");
            }
            fill = ctx.attrFloat("value", 0f);
        } else {
            pads = ctx.requireValue(1, "pads").toLongArray();
            if (ctx.hasInput(2)) {
                TensorType ct = ctx.inputType(2);
                if (ct.dataType() != ctx.inputDataType(0)) {
                    throw ctx.fail("constant_value is " + ct.dataType().onnxName() + " but data is " + ctx.inputDataType(0).onnxName());
                }
                if (Shape.size(ct.dims()) > 1) {
                    throw ctx.fail("constant_value must be a scalar, got shape " + Arrays.toString(ct.dims()));
                }
                fillInput = 2;
            }
            if (ctx.opset() >= 18 && ctx.hasInput(3)) {
                axes = ctx.requireValue(3, "axes").toLongArray();
            }
        }
        int[] padAxes = new int[axes == null ? rank : axes.length];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < padAxes.length; i++) {
            padAxes[i] = axes == null ? i : ctx.axis(axes[i], rank, "axis");
            if (seen[padAxes[i]]) {
                throw ctx.fail("axis " + padAxes[i] + " is repeated in axes");
            }
            seen[padAxes[i]] = true;
        }
        int m = padAxes.length;
        if (pads.length != 2 * m) {
            throw ctx.fail("pads " + Arrays.toString(pads) + " must have " + 2 * m + " entries (begin and end for " + m + " axes)");
        }
        long[] begin = new long[rank];
        long[] end = new long[rank];
        for (int i = 0; i < m; i++) {
            begin[padAxes[i]] = pads[i];
            end[padAxes[i]] = pads[i + m];
        }
        Mode md = switch (mode) {
            case "constant" -> Mode.CONSTANT;
            case "reflect" -> Mode.REFLECT;
            case "edge" -> Mode.EDGE;
            case "wrap" -> Mode.WRAP;
            default -> throw ctx.fail("unknown mode '" + mode + "' (expected constant, reflect, edge or wrap)");
        };
        int[] out = new int[rank];
        int[] stride = Broadcast.compactStrides(in);
        int[][] maps = new int[rank][];
        for (int d = 0; d < rank; d++) {
            long o = in[d] + begin[d] + end[d];
            if (o < 0) {
                throw ctx.fail("pads " + Arrays.toString(pads) + " make axis " + d + " of size " + in[d] + " negative");
            }
            out[d] = Math.toIntExact(o);
            maps[d] = new int[out[d]];
            boolean padded = begin[d] > 0 || end[d] > 0;
            if (md != Mode.CONSTANT && padded && in[d] == 0) {
                throw ctx.fail("cannot pad an empty axis " + d + " in " + mode + " mode");
            }
            for (int j = 0; j < out[d]; j++) {
                long src = j - begin[d];
                int k = source(md, src, in[d]);
                maps[d][j] = k < 0 ? CopyPlan.FILL : k * stride[d];
            }
        }
        return new CopyGather(new TensorType(ctx.inputDataType(0), Shape.of(out)), CopyPlan.of(maps), fill, fillInput);
    }

    private enum Mode { CONSTANT, REFLECT, EDGE, WRAP }

    /** The input index that output index {@code src} (already shifted by the begin pad) reads, or -1 for the constant. */
    private static int source(Mode mode, long src, int n) {
        if (src >= 0 && src < n) {
            return (int) src;
        }
        return switch (mode) {
            case CONSTANT -> -1;
            case EDGE -> (int) Math.max(0, Math.min(n - 1, src));
            case WRAP -> (int) Math.floorMod(src, (long) n);
            case REFLECT -> {
                if (n == 1) {
                    yield 0;
                }
                long period = 2L * (n - 1);
                long k = Math.floorMod(src, period);
                yield (int) (k < n ? k : period - k);
            }
        };
    }
}
