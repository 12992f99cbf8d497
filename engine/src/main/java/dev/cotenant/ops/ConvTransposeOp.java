package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.kernels.ConvReference;
import dev.cotenant.kernels.Workers;
import java.util.Arrays;
import java.util.List;

/**
 * ConvTranspose, every version: the gradient of a convolution, each input pixel scattering a
 * weighted kernel into the output. Output size and padding follow the ONNX rules for
 * {@code output_shape}, {@code output_padding} and {@code auto_pad}. Two-dimensional FP32
 * transposed convolutions (U-Net and FCN decoders) run as SGEMM plus col2im
 * ({@link ConvTransposeGemm}); other ranks run the direct reference kernel.
 */
final class ConvTransposeOp {

    private ConvTransposeOp() {}

    static BoundOp bind(OpContext ctx) {
        TensorType xt = ctx.inputType(0);
        TensorType wt = ctx.inputType(1);
        if (xt.dataType() != DataType.FLOAT || wt.dataType() != DataType.FLOAT) {
            throw ctx.fail("unsupported input types " + xt.dataType().onnxName() + " and " + wt.dataType().onnxName());
        }
        int[] x = xt.dims();
        int[] w = wt.dims();
        if (x.length < 3 || w.length != x.length) {
            throw ctx.fail("input " + xt + " and weights " + wt + " must have the same rank, at least 3");
        }
        int r = x.length - 2;
        int group = (int) ctx.attrInt("group", 1);
        if (group < 1 || x[1] % group != 0 || w[0] != x[1]) {
            throw ctx.fail("weights " + wt + " do not match " + x[1] + " input channels in " + group + " groups");
        }
        int m = w[1] * group;
        int[] kernel = Arrays.copyOfRange(w, 2, w.length);
        int[] strides = ConvGeometry.ints(ctx, "strides", r, 1);
        int[] dil = ConvGeometry.ints(ctx, "dilations", r, 1);
        int[] outPad = ConvGeometry.ints(ctx, "output_padding", r, 0);
        int[] in = Arrays.copyOfRange(x, 2, x.length);
        int[] pb = new int[r];
        int[] pe = new int[r];
        int[] out = new int[r];
        String autoPad = ctx.attrString("auto_pad", "NOTSET");
        long[] outputShape = ctx.attrInts("output_shape");
        long[] pads = ctx.attrInts("pads");
        if (pads != null && pads.length != 2 * r) {
            throw ctx.fail("pads has " + pads.length + " values, expected " + 2 * r);
        }
        boolean same = autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER");
        if (outputShape != null || same) {
            for (int d = 0; d < r; d++) {
                out[d] = outputShape != null ? (int) outputShape[outputShape.length - r + d] : in[d] * strides[d];
                int total = strides[d] * (in[d] - 1) + outPad[d] + (kernel[d] - 1) * dil[d] + 1 - out[d];
                if (outputShape != null && !same && pads != null) {
                    pb[d] = (int) pads[d];
                    pe[d] = (int) pads[d + r];
                } else if (autoPad.equals("SAME_UPPER")) {
                    pb[d] = Math.floorDiv(total, 2);
                    pe[d] = total - pb[d];
                } else {
                    // A negative total (output_shape larger than the full output) pads the end with zeros.
                    pe[d] = Math.floorDiv(total, 2);
                    pb[d] = total - pe[d];
                }
            }
        } else {
            if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID") && !autoPad.isEmpty()) {
                throw ctx.fail("unknown auto_pad '" + autoPad + "'");
            }
            for (int d = 0; d < r; d++) {
                if (pads != null && !autoPad.equals("VALID")) {
                    pb[d] = (int) pads[d];
                    pe[d] = (int) pads[d + r];
                }
                out[d] = strides[d] * (in[d] - 1) + outPad[d] + (kernel[d] - 1) * dil[d] + 1 - pb[d] - pe[d];
            }
        }
        for (int d = 0; d < r; d++) {
            if (out[d] < 1) {
                throw ctx.fail("output size " + Arrays.toString(out) + " is not positive");
            }
        }
        if (ctx.hasInput(2) && ctx.inputType(2).shape().size() != m) {
            throw ctx.fail("bias " + ctx.inputType(2) + " must have " + m + " values");
        }
        int[] y = new int[x.length];
        y[0] = x[0];
        y[1] = m;
        System.arraycopy(out, 0, y, 2, r);
        TensorType yt = TensorType.of(DataType.FLOAT, y);
        ConvReference.Window win = new ConvReference.Window(kernel, strides, dil, pb, out);
        long flops = 2L * xt.shape().size() * w[1] * dev.cotenant.ir.Shape.size(kernel);
        Cost cost = new Cost(flops, 4L * (xt.shape().size() + wt.shape().size() + yt.shape().size()));
        if (ConvTransposeGemm.covers(x)) {
            return new ConvTransposeGemm(List.of(yt), win, group, m, cost, x, ctx.constant(1));
        }
        return new Bound(List.of(yt), win, group, m, cost);
    }

    private record Bound(List<TensorType> outputTypes, ConvReference.Window win, int group, int m, Cost cost) implements BoundOp {

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            double[] y = ConvReference.convTranspose(ConvOp.doubles(in[0]), in[0].shape(), ConvOp.doubles(in[1]), m,
                    in.length > 2 && in[2] != null ? ConvOp.doubles(in[2]) : null, group, win);
            float[] o = out[0].floats();
            for (int i = 0; i < y.length; i++) {
                o[out[0].offset() + i] = (float) y[i];
            }
        }
    }
}
