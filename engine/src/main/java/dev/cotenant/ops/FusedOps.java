package dev.cotenant.ops;

/**
 * Cotenant's own operators, produced by graph passes (domain {@link OpTable#COTENANT_DOMAIN}).
 * {@code Gelu} is the standard operator under our domain, so a fused GELU binds the same way
 * whatever opset the model declares (the standard Gelu only exists from opset 20).
 */
final class FusedOps {

    private FusedOps() {}

    static void register(OpTable t) {
        t.add(OpTable.COTENANT_DOMAIN, "Gelu", 1, ctx -> {
            Op gelu = t.find("", "Gelu");
            if (gelu == null) {
                throw ctx.fail("Gelu is not available");
            }
            return gelu.bind(ctx);
        });
    }
}
