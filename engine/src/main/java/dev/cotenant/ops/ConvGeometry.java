package dev.cotenant.ops;

import dev.cotenant.kernels.ConvReference;
import java.util.Arrays;

/**
 * The sliding-window geometry shared by convolutions and pools: kernel, strides, dilations, pads
 * (resolved from {@code auto_pad}) and output size along each spatial axis, as the ONNX
 * specification defines them.
 */
record ConvGeometry(int[] in, int[] kernel, int[] strides, int[] dilations, int[] padsBegin, int[] padsEnd, int[] out) {

    /**
     * Reads {@code strides}, {@code dilations}, {@code pads} and {@code auto_pad} for input spatial
     * size {@code in} and kernel {@code kernel}; {@code ceil} rounds partial windows up (pools).
     */
    static ConvGeometry of(OpContext ctx, int[] in, int[] kernel, boolean ceil) {
        int r = in.length;
        int[] strides = ints(ctx, "strides", r, 1);
        int[] dilations = ints(ctx, "dilations", r, 1);
        for (int d = 0; d < r; d++) {
            if (strides[d] < 1 || dilations[d] < 1 || kernel[d] < 1) {
                throw ctx.fail("kernel " + Arrays.toString(kernel) + ", strides " + Arrays.toString(strides)
                        + " and dilations " + Arrays.toString(dilations) + " must be positive");
            }
        }
        String autoPad = ctx.attrString("auto_pad", "NOTSET");
        int[] pb = new int[r];
        int[] pe = new int[r];
        int[] out = new int[r];
        switch (autoPad) {
            case "NOTSET", "" -> {
                long[] pads = ctx.attrInts("pads");
                if (pads != null) {
                    if (pads.length != 2 * r) {
                        throw ctx.fail("pads has " + pads.length + " values, expected " + 2 * r);
                    }
                    for (int d = 0; d < r; d++) {
                        pb[d] = (int) pads[d];
                        pe[d] = (int) pads[d + r];
                        if (pb[d] < 0 || pe[d] < 0) {
                            throw ctx.fail("pads must not be negative: " + Arrays.toString(pads));
                        }
                    }
                }
                for (int d = 0; d < r; d++) {
                    out[d] = outSize(in[d], kernel[d], strides[d], dilations[d], pb[d], pe[d], ceil);
                }
            }
            case "VALID" -> {
                for (int d = 0; d < r; d++) {
                    out[d] = outSize(in[d], kernel[d], strides[d], dilations[d], 0, 0, ceil);
                }
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                for (int d = 0; d < r; d++) {
                    out[d] = (in[d] + strides[d] - 1) / strides[d];
                    int eff = (kernel[d] - 1) * dilations[d] + 1;
                    int total = Math.max(0, (out[d] - 1) * strides[d] + eff - in[d]);
                    pb[d] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                    pe[d] = total - pb[d];
                }
            }
            default -> throw ctx.fail("unknown auto_pad '" + autoPad + "'");
        }
        for (int d = 0; d < r; d++) {
            if (out[d] < 1) {
                throw ctx.fail("the window (kernel " + Arrays.toString(kernel) + ", dilations " + Arrays.toString(dilations)
                        + ") does not fit the padded input " + Arrays.toString(in));
            }
        }
        return new ConvGeometry(in, kernel, strides, dilations, pb, pe, out);
    }

    private static int outSize(int in, int k, int s, int d, int pb, int pe, boolean ceil) {
        int span = in + pb + pe - ((k - 1) * d + 1);
        if (span < 0) {
            return 0;
        }
        int out = (ceil ? (span + s - 1) / s : span / s) + 1;
        // A last window that would start inside the end padding is dropped (as PyTorch and the
        // ONNX reference do).
        if (ceil && (out - 1) * s >= in + pb) {
            out--;
        }
        return out;
    }

    static int[] ints(OpContext ctx, String name, int r, int dflt) {
        long[] v = ctx.attrInts(name);
        int[] res = new int[r];
        if (v == null || v.length == 0) {
            Arrays.fill(res, dflt);
            return res;
        }
        if (v.length != r) {
            throw ctx.fail(name + " has " + v.length + " values, expected " + r);
        }
        for (int i = 0; i < r; i++) {
            res[i] = Math.toIntExact(v[i]);
        }
        return res;
    }

    int rank() {
        return in.length;
    }

    int outSize() {
        int s = 1;
        for (int o : out) {
            s *= o;
        }
        return s;
    }

    int kernelSize() {
        int s = 1;
        for (int k : kernel) {
            s *= k;
        }
        return s;
    }

    ConvReference.Window window() {
        return new ConvReference.Window(kernel, strides, dilations, padsBegin, out);
    }
}
