package dev.cotenant.ops;

/**
 * Registration of the tensor and shape operators: data movement (Concat, Split, Slice, Transpose,
 * Gather, Expand, Tile, Pad, Resize, Upsample), views (Reshape, Flatten, Squeeze, Unsqueeze,
 * Identity, Dropout) and value sources (Shape, Constant, ConstantOfShape, Range).
 */
final class TensorOps {

    private TensorOps() {}

    static void register(OpTable t) {
        ReshapeOps.register(t);
        t.add("Concat", 1, ConcatOp::bind);
        t.add("Split", 2, SplitOp::bind);
        t.add("Slice", 1, SliceOp::bind);
        t.add("Transpose", 1, TransposeOp::bind);
        t.add("Gather", 1, GatherOp::bind);
        t.add("Expand", 8, ExpandOp::bind);
        t.add("Tile", 6, TileOp::bind);
        t.add("Pad", 2, PadOp::bind);
        t.add("Resize", 10, ResizeOp::resize);
        t.add("Upsample", 7, TensorOps::upsample);
        t.add("Shape", 1, ShapeOp::bind);
        t.add("Constant", 1, ConstantOps::constant);
        t.add("ConstantOfShape", 9, ConstantOps::constantOfShape);
        t.add("Range", 11, RangeOp::bind);
        t.add("Dropout", 1, DropoutOp::bind);
    }

    /** Upsample (deprecated in opset 10): scales as an attribute before opset 9, as an input from 9. */
    private static BoundOp upsample(OpContext ctx) {
        float[] scales = ctx.opset() < 9 || !ctx.hasInput(1) ? ctx.attrFloats("scales") : ctx.requireValue(1, "scales").toFloatArray();
        if (scales == null) {
            throw ctx.fail(ctx.opset() < 9 ? "attribute 'scales' is required" : "input 1 (scales) is required");
        }
        return ResizeOp.legacy(ctx, ctx.attrString("mode", "nearest"), scales);
    }
}
