package dev.cotenant.ops;

import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import java.util.Arrays;

/**
 * Operators that give their input a new shape without moving an element: Reshape, Flatten,
 * Squeeze, Unsqueeze and Identity. Each binds to a {@link CopyView}, so the plan can make the
 * output a view of the input.
 */
final class ReshapeOps {

    private ReshapeOps() {}

    static void register(OpTable t) {
        t.add("Reshape", 1, ReshapeOps::reshape);
        t.add("Flatten", 1, ReshapeOps::flatten);
        t.add("Squeeze", 1, ReshapeOps::squeeze);
        t.add("Unsqueeze", 1, ReshapeOps::unsqueeze);
        t.add("Identity", 1, ctx -> new CopyView(ctx.inputType(0)));
    }

    private static TensorType typed(OpContext ctx, int[] dims) {
        return new TensorType(ctx.inputDataType(0), Shape.of(dims));
    }

    static BoundOp reshape(OpContext ctx) {
        int[] in = ctx.inputShape(0);
        long[] target;
        if (ctx.opset() < 5 || (!ctx.hasInput(1) && ctx.hasAttribute("shape"))) {
            target = ctx.attrInts("shape");
            if (target == null) {
                throw ctx.fail("attribute 'shape' is required");
            }
        } else {
            Tensor s = ctx.requireValue(1, "shape");
            if (s.rank() != 1) {
                throw ctx.fail("shape must be a 1-D tensor, got rank " + s.rank());
            }
            target = s.toLongArray();
        }
        boolean allowZero = ctx.opset() >= 14 && ctx.attrInt("allowzero", 0) != 0;
        return new CopyView(typed(ctx, reshapeDims(ctx, in, target, allowZero)));
    }

    /** The dims of a Reshape of {@code in} to {@code target}: 0 copies a dim (unless allowzero), -1 is inferred. */
    static int[] reshapeDims(OpContext ctx, int[] in, long[] target, boolean allowZero) {
        int[] out = new int[target.length];
        int inferred = -1;
        long known = 1;
        boolean hasZero = false;
        for (int i = 0; i < target.length; i++) {
            long d = target[i];
            if (d == -1) {
                if (inferred >= 0) {
                    throw ctx.fail("shape " + Arrays.toString(target) + " has more than one -1");
                }
                inferred = i;
                continue;
            }
            if (d == 0 && !allowZero) {
                if (i >= in.length) {
                    throw ctx.fail("shape " + Arrays.toString(target) + " copies dim " + i + " (0) but the input " + Arrays.toString(in) + " has rank " + in.length);
                }
                d = in[i];
            } else if (d < 0) {
                throw ctx.fail("shape " + Arrays.toString(target) + " has invalid dim " + d);
            }
            hasZero |= d == 0;
            out[i] = Math.toIntExact(d);
            known *= d;
        }
        long size = Shape.size(in);
        if (inferred >= 0) {
            if (hasZero && allowZero) {
                throw ctx.fail("shape " + Arrays.toString(target) + " has both 0 and -1 with allowzero=1");
            }
            if (known == 0 || size % known != 0) {
                throw ctx.fail("cannot reshape " + Arrays.toString(in) + " to " + Arrays.toString(target));
            }
            out[inferred] = Math.toIntExact(size / known);
        } else if (known != size) {
            throw ctx.fail("cannot reshape " + Arrays.toString(in) + " (" + size + " elements) to " + Arrays.toString(target));
        }
        return out;
    }

    static BoundOp flatten(OpContext ctx) {
        int[] in = ctx.inputShape(0);
        long axis = ctx.attrInt("axis", 1);
        int r = in.length;
        if (axis < -r || axis > r) {
            throw ctx.fail("axis " + axis + " is out of range for rank " + r);
        }
        int a = (int) (axis < 0 ? axis + r : axis);
        long outer = Shape.size(Arrays.copyOfRange(in, 0, a));
        long inner = Shape.size(Arrays.copyOfRange(in, a, r));
        return new CopyView(typed(ctx, new int[] {Math.toIntExact(outer), Math.toIntExact(inner)}));
    }

    /** Axes from the attribute (before opset 13) or from input 1 (from opset 13); null when absent. */
    private static long[] axes(OpContext ctx) {
        if (ctx.opset() < 13 || (!ctx.hasInput(1) && ctx.hasAttribute("axes"))) {
            return ctx.attrInts("axes");
        }
        if (!ctx.hasInput(1)) {
            return null;
        }
        Tensor t = ctx.requireValue(1, "axes");
        if (t.rank() > 1) {
            throw ctx.fail("axes must be a 1-D tensor, got rank " + t.rank());
        }
        return t.toLongArray();
    }

    static BoundOp squeeze(OpContext ctx) {
        int[] in = ctx.inputShape(0);
        long[] axes = axes(ctx);
        boolean[] drop = new boolean[in.length];
        if (axes == null) {
            for (int i = 0; i < in.length; i++) {
                drop[i] = in[i] == 1;
            }
        } else {
            for (long a : axes) {
                int ax = ctx.axis(a, in.length, "axis");
                if (in[ax] != 1) {
                    throw ctx.fail("cannot squeeze axis " + a + " of shape " + Arrays.toString(in) + ": its size is " + in[ax] + ", not 1");
                }
                drop[ax] = true;
            }
        }
        int[] out = new int[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            if (!drop[i]) {
                out[n++] = in[i];
            }
        }
        return new CopyView(typed(ctx, Arrays.copyOf(out, n)));
    }

    static BoundOp unsqueeze(OpContext ctx) {
        int[] in = ctx.inputShape(0);
        long[] axes = axes(ctx);
        if (axes == null) {
            throw ctx.fail(ctx.opset() < 13 ? "attribute 'axes' is required" : "input 1 (axes) is required");
        }
        int rank = in.length + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int ax = ctx.axis(a, rank, "axis");
            if (inserted[ax]) {
                throw ctx.fail("axis " + a + " is repeated in axes " + Arrays.toString(axes));
            }
            inserted[ax] = true;
        }
        int[] out = new int[rank];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            out[i] = inserted[i] ? 1 : in[k++];
        }
        return new CopyView(typed(ctx, out));
    }
}
