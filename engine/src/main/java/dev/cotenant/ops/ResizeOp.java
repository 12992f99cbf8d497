package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.CopyPlan;
import java.util.Arrays;

/**
 * Resize (opsets 10 to 19 and later) and the deprecated Upsample.
 *
 * <p>Binding works out each axis's output length and scale (from {@code scales} or {@code sizes},
 * restricted to {@code axes}, with {@code keep_aspect_ratio_policy}), then each axis's taps
 * ({@link ResizeAxis}). The kernel is chosen from the taps: nearest (one tap per index) is a
 * {@link CopyPlan}; FP32 resizing of the two innermost axes with at most two taps each (bilinear
 * up- or downsampling of NCHW images, as in YOLO and U-Net) has its own row kernel; everything
 * else (cubic, antialias, extrapolation, more axes, other types) goes through the general separable
 * evaluator in {@link ResizeKernels}, which is also the reference for the fast paths.
 *
 * <p>Resize-10 and Upsample predate the coordinate modes: they map coordinates asymmetrically and
 * pick nearest neighbours by truncation when upsampling and by rounding up when downsampling, as
 * ONNX Runtime does.
 */
final class ResizeOp {

    private ResizeOp() {}

    static BoundOp resize(OpContext ctx) {
        int[] in = ctx.inputShape(0);
        int r = in.length;
        String mode = ctx.attrString("mode", "nearest");
        if (ctx.opset() < 11) {
            float[] scales = ctx.requireValue(1, "scales").toFloatArray();
            return legacy(ctx, mode, scales);
        }
        ResizeAxis.Filter filter = filter(ctx, mode);
        float extrapolation = ctx.attrFloat("extrapolation_value", 0f);
        int[] axes = axes(ctx, r);
        Tensor scalesT = ctx.hasInput(2) ? ctx.requireValue(2, "scales") : null;
        Tensor sizesT = ctx.hasInput(3) ? ctx.requireValue(3, "sizes") : null;
        boolean hasScales = scalesT != null && scalesT.size() > 0;
        boolean hasSizes = sizesT != null && sizesT.size() > 0;
        if (hasScales == hasSizes) {
            throw ctx.fail(hasScales ? "give either scales or sizes, not both" : "needs scales or sizes");
        }
        // Per axis: the scale, the output length and scale x input length (ResizeAxis.of's
        // outWidth); an axis left out of axes keeps scale 1 and its length.
        double[] scale = new double[r];
        double[] width = new double[r];
        int[] out = in.clone();
        Arrays.fill(scale, 1.0);
        for (int d = 0; d < r; d++) {
            width[d] = in[d];
        }
        if (hasScales) {
            fromScales(ctx, scalesT.toFloatArray(), axes, in, scale, width, out);
        } else {
            fromSizes(ctx, sizesT.toLongArray(), axes, in, scale, width, out);
        }
        double[] roiStart = new double[r];
        double[] roiEnd = new double[r];
        Arrays.fill(roiEnd, 1.0);
        if (filter.coord() == ResizeAxis.Coord.TF_CROP_AND_RESIZE) {
            roi(ctx, axes, roiStart, roiEnd);
        }
        ResizeAxis[] plan = new ResizeAxis[r];
        for (int d = 0; d < r; d++) {
            plan[d] = ResizeAxis.of(in[d], out[d], scale[d], width[d], roiStart[d], roiEnd[d], filter);
        }
        return choose(new TensorType(ctx.inputDataType(0), Shape.of(out)), in, plan, extrapolation);
    }

    /** The taps' filter, from the mode and the attributes that shape it. */
    private static ResizeAxis.Filter filter(OpContext ctx, String mode) {
        ResizeAxis.Kind kind = kind(ctx, mode);
        ResizeAxis.Coord coord = coord(ctx, ctx.attrString("coordinate_transformation_mode", "half_pixel"));
        ResizeAxis.Nearest nearest = switch (ctx.attrString("nearest_mode", "round_prefer_floor")) {
            case "round_prefer_floor" -> ResizeAxis.Nearest.ROUND_PREFER_FLOOR;
            case "round_prefer_ceil" -> ResizeAxis.Nearest.ROUND_PREFER_CEIL;
            case "floor" -> ResizeAxis.Nearest.FLOOR;
            case "ceil" -> ResizeAxis.Nearest.CEIL;
            default -> throw ctx.fail("unknown nearest_mode '" + ctx.attrString("nearest_mode", "") + "'");
        };
        boolean antialias = ctx.opset() >= 18 && ctx.attrInt("antialias", 0) != 0;
        return new ResizeAxis.Filter(kind, nearest, ctx.attrFloat("cubic_coeff_a", -0.75f),
                antialias, ctx.attrInt("exclude_outside", 0) != 0, coord);
    }

    /** The axes that scales, sizes and roi refer to: every axis, or the {@code axes} attribute (opset 18). */
    private static int[] axes(OpContext ctx, int r) {
        int[] axes = new int[r];
        for (int i = 0; i < r; i++) {
            axes[i] = i;
        }
        long[] axesAttr = ctx.opset() >= 18 ? ctx.attrInts("axes") : null;
        if (axesAttr != null) {
            axes = new int[axesAttr.length];
            boolean[] seen = new boolean[r];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = ctx.axis(axesAttr[i], r, "axis");
                if (seen[axes[i]]) {
                    throw ctx.fail("axis " + axesAttr[i] + " is repeated in axes");
                }
                seen[axes[i]] = true;
            }
        }
        return axes;
    }

    /** Scale, width and output length of each axis in {@code axes} from the scales input {@code s}. */
    private static void fromScales(OpContext ctx, float[] s, int[] axes, int[] in,
                                   double[] scale, double[] width, int[] out) {
        int m = axes.length;
        if (s.length != m) {
            throw ctx.fail("scales has " + s.length + " entries for " + m + " axes");
        }
        for (int i = 0; i < m; i++) {
            if (!(s[i] > 0)) {
                throw ctx.fail("scale " + s[i] + " must be positive");
            }
            int d = axes[i];
            scale[d] = s[i];
            float w = s[i] * in[d];
            width[d] = w;
            out[d] = Math.toIntExact((long) Math.floor((double) s[i] * in[d]));
        }
    }

    /**
     * Output length, scale and width of each axis in {@code axes} from the sizes input {@code s},
     * one scale for all of them under a {@code keep_aspect_ratio_policy} other than stretch.
     */
    private static void fromSizes(OpContext ctx, long[] s, int[] axes, int[] in,
                                  double[] scale, double[] width, int[] out) {
        int m = axes.length;
        if (s.length != m) {
            throw ctx.fail("sizes has " + s.length + " entries for " + m + " axes");
        }
        String policy = ctx.opset() >= 18 ? ctx.attrString("keep_aspect_ratio_policy", "stretch") : "stretch";
        for (int i = 0; i < m; i++) {
            if (s[i] < 0) {
                throw ctx.fail("size " + s[i] + " must not be negative");
            }
            int d = axes[i];
            out[d] = Math.toIntExact(s[i]);
            scale[d] = (double) s[i] / in[d];
        }
        if (!policy.equals("stretch")) {
            double k = switch (policy) {
                case "not_larger" -> Double.POSITIVE_INFINITY;
                case "not_smaller" -> Double.NEGATIVE_INFINITY;
                default -> throw ctx.fail("unknown keep_aspect_ratio_policy '" + policy + "'");
            };
            for (int d : axes) {
                k = policy.equals("not_larger") ? Math.min(k, scale[d]) : Math.max(k, scale[d]);
            }
            for (int d : axes) {
                scale[d] = k;
                out[d] = (int) (k * in[d] + 0.5);
            }
        }
        for (int d : axes) {
            width[d] = scale[d] * in[d];
        }
    }

    /** The region of interest of tf_crop_and_resize, from the roi input, into the entries of {@code axes}. */
    private static void roi(OpContext ctx, int[] axes, double[] roiStart, double[] roiEnd) {
        int m = axes.length;
        Tensor roi = ctx.hasInput(1) ? ctx.requireValue(1, "roi") : null;
        if (roi == null || roi.size() == 0) {
            throw ctx.fail("tf_crop_and_resize needs the roi input");
        }
        if (roi.size() != 2 * m) {
            throw ctx.fail("roi has " + roi.size() + " entries, expected " + 2 * m);
        }
        for (int i = 0; i < m; i++) {
            roiStart[axes[i]] = roi.getDouble(i);
            roiEnd[axes[i]] = roi.getDouble(m + i);
        }
    }

    /** Resize-10 and Upsample: asymmetric coordinates, nearest or (bi)linear, scales for every axis. */
    static BoundOp legacy(OpContext ctx, String mode, float[] scales) {
        int[] in = ctx.inputShape(0);
        if (scales.length != in.length) {
            throw ctx.fail("scales has " + scales.length + " entries for an input of rank " + in.length);
        }
        ResizeAxis.Kind kind = switch (mode) {
            case "nearest" -> ResizeAxis.Kind.NEAREST;
            case "linear", "bilinear" -> ResizeAxis.Kind.LINEAR;
            default -> throw ctx.fail("unknown mode '" + mode + "' (expected nearest or linear)");
        };
        ResizeAxis.Filter filter = new ResizeAxis.Filter(kind, ResizeAxis.Nearest.SIMPLE, -0.75, false, false, ResizeAxis.Coord.ASYMMETRIC);
        int[] out = new int[in.length];
        ResizeAxis[] plan = new ResizeAxis[in.length];
        for (int d = 0; d < in.length; d++) {
            if (!(scales[d] > 0)) {
                throw ctx.fail("scale " + scales[d] + " must be positive");
            }
            out[d] = Math.toIntExact((long) Math.floor((double) scales[d] * in[d]));
            plan[d] = ResizeAxis.of(in[d], out[d], scales[d], scales[d] * in[d], 0, 1, filter);
        }
        return choose(new TensorType(ctx.inputDataType(0), Shape.of(out)), in, plan, 0);
    }

    private static ResizeAxis.Kind kind(OpContext ctx, String mode) {
        return switch (mode) {
            case "nearest" -> ResizeAxis.Kind.NEAREST;
            case "linear" -> ResizeAxis.Kind.LINEAR;
            case "cubic" -> ResizeAxis.Kind.CUBIC;
            default -> throw ctx.fail("unknown mode '" + mode + "' (expected nearest, linear or cubic)");
        };
    }

    private static ResizeAxis.Coord coord(OpContext ctx, String s) {
        return switch (s) {
            case "half_pixel" -> ResizeAxis.Coord.HALF_PIXEL;
            case "half_pixel_symmetric" -> ResizeAxis.Coord.HALF_PIXEL_SYMMETRIC;
            case "pytorch_half_pixel" -> ResizeAxis.Coord.PYTORCH_HALF_PIXEL;
            case "align_corners" -> ResizeAxis.Coord.ALIGN_CORNERS;
            case "asymmetric" -> ResizeAxis.Coord.ASYMMETRIC;
            case "tf_half_pixel_for_nn" -> ResizeAxis.Coord.TF_HALF_PIXEL_FOR_NN;
            case "tf_crop_and_resize" -> ResizeAxis.Coord.TF_CROP_AND_RESIZE;
            default -> throw ctx.fail("unknown coordinate_transformation_mode '" + s + "'");
        };
    }

    /** Picks the kernel for the taps: a gather, the FP32 two-axis row kernel, or the general evaluator. */
    static BoundOp choose(TensorType out, int[] in, ResizeAxis[] plan, double extrapolation) {
        int r = in.length;
        boolean single = true;
        for (ResizeAxis a : plan) {
            for (int o = 0; o < a.outLen() && single; o++) {
                single = a.outside()[o] || (a.taps(o) == 1 && a.weight()[a.start()[o]] == 1.0);
            }
        }
        if (single) {
            int[] stride = Broadcast.compactStrides(in);
            int[][] maps = new int[r][];
            for (int d = 0; d < r; d++) {
                ResizeAxis a = plan[d];
                maps[d] = new int[a.outLen()];
                for (int o = 0; o < a.outLen(); o++) {
                    maps[d][o] = a.outside()[o] ? CopyPlan.FILL : a.idx()[a.start()[o]] * stride[d];
                }
            }
            return new CopyGather(out, CopyPlan.of(maps), extrapolation, -1);
        }
        if (out.dataType() == DataType.FLOAT && ResizeKernels.Bilinear.fits(plan)) {
            return new ResizeKernels.Bilinear(out, in, plan);
        }
        return new ResizeKernels.General(out, in, plan, extrapolation);
    }
}
