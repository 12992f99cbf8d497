package dev.cotenant.ops;

import dev.cotenant.kernels.Activation;

/**
 * The activation a fused node ({@code FusedConv}, {@code FusedGemm}, {@code FusedMatMul} of domain
 * {@link OpTable#COTENANT_DOMAIN}) applies to its output. The contract of those nodes: the inputs
 * and attributes of the ONNX operator they extend, plus a string attribute {@code activation} (the
 * ONNX op type: Relu, LeakyRelu, Clip, Sigmoid, Tanh, HardSigmoid, HardSwish, and the other
 * activations {@link Activation} knows) and its parameters as float attributes under their ONNX
 * names ({@code alpha}, {@code beta}, {@code gamma}, {@code min}, {@code max}).
 */
final class ConvActivation {

    private ConvActivation() {}

    /** The fused activation, or {@code null} when the node names none. */
    static Activation of(OpContext ctx, boolean fused) {
        if (!fused) {
            return null;
        }
        String name = ctx.attrString("activation", "");
        if (name.isEmpty() || name.equals("Identity")) {
            return null;
        }
        if (!Activation.supports(name)) {
            throw ctx.fail("unknown fused activation '" + name + "'");
        }
        return Activation.of(name, ctx::attrFloat);
    }
}
