package dev.cotenant.ops;

/**
 * Cotenant's own operators, produced by graph passes (domain {@link OpTable#COTENANT_DOMAIN}).
 * {@code Gelu} is the standard operator under our domain, so a fused GELU binds the same way
 * whatever opset the model declares (the standard Gelu only exists from opset 20). {@code Swish}
 * is {@code x * sigmoid(x)} as one operator ({@code SwishFusion}).
 */
final class FusedOps {

    private FusedOps() {}

    static void register(OpTable t) {
        // x * sigmoid(x), from SwishFusion: no standard operator before opset 24 (which adds alpha).
        t.add(OpTable.COTENANT_DOMAIN, "Swish", 1, ctx -> new UnaryOp("Swish").bind(ctx));
        t.add(OpTable.COTENANT_DOMAIN, "Gelu", 1, ctx -> {
            Op gelu = t.find("", "Gelu");
            if (gelu == null) {
                throw ctx.fail("Gelu is not available");
            }
            return gelu.bind(ctx);
        });
    }
}
