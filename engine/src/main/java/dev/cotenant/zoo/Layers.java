package dev.cotenant.zoo;

import static dev.cotenant.ir.GraphBuilder.f;
import static dev.cotenant.ir.GraphBuilder.i;
import static dev.cotenant.ir.GraphBuilder.ints;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.GraphBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The layers architectures are written in, over a {@link GraphBuilder}. Weights use He
 * initialisation for convolutions (std = sqrt(2 / fan_in)) and Xavier for linear layers; batch-norm
 * statistics are non-trivial (scale near 1, small shifts, running variance near 1), so folding and
 * fusion are exercised on realistic values.
 */
final class Layers {

    private final GraphBuilder b;

    Layers(GraphBuilder b) {
        this.b = b;
    }

    GraphBuilder builder() {
        return b;
    }

    /** Conv without bias, as networks followed by batch norm have it. */
    String conv(String x, int cin, int cout, int k, int stride, int pad, int group) {
        String name = b.fresh("conv");
        String w = b.normal(name + ".weight", (float) Math.sqrt(2.0 / (cin / group * k * k)), cout, cin / group, k, k);
        Map<String, Attribute> a = new HashMap<>();
        a.put("kernel_shape", ints(k, k));
        a.put("strides", ints(stride, stride));
        a.put("pads", ints(pad, pad, pad, pad));
        a.put("group", i(group));
        return b.nodeNamed(name, "Conv", List.of(x, w), a);
    }

    String batchNorm(String x, int c) {
        String name = b.fresh("bn");
        String scale = b.uniform(name + ".weight", 0.8f, 1.2f, c);
        String shift = b.uniform(name + ".bias", -0.1f, 0.1f, c);
        String mean = b.uniform(name + ".running_mean", -0.1f, 0.1f, c);
        String var = b.uniform(name + ".running_var", 0.5f, 1.5f, c);
        return b.nodeNamed(name, "BatchNormalization", List.of(x, scale, shift, mean, var), Map.of("epsilon", f(1e-5f)));
    }

    String convBn(String x, int cin, int cout, int k, int stride, int pad, int group) {
        return batchNorm(conv(x, cin, cout, k, stride, pad, group), cout);
    }

    String relu(String x) {
        return b.node("Relu", x);
    }

    String add(String x, String y) {
        return b.node("Add", x, y);
    }

    String maxPool(String x, int k, int stride, int pad) {
        return b.node("MaxPool", List.of(x), Map.of("kernel_shape", ints(k, k), "strides", ints(stride, stride), "pads", ints(pad, pad, pad, pad)));
    }

    String globalAvgPool(String x) {
        return b.node("GlobalAveragePool", x);
    }

    String flatten(String x) {
        return b.node("Flatten", List.of(x), Map.of("axis", i(1)));
    }

    /** Fully connected layer as Gemm with transB, as PyTorch exports nn.Linear. */
    String linear(String x, int in, int out) {
        String name = b.fresh("fc");
        String w = b.normal(name + ".weight", (float) Math.sqrt(2.0 / (in + out)), out, in);
        String bias = b.uniform(name + ".bias", -0.01f, 0.01f, out);
        return b.nodeNamed(name, "Gemm", List.of(x, w, bias), Map.of("transB", i(1)));
    }

    /** Conv with a bias input, as a network's last (linear) layer has it. */
    String convBias(String x, int cin, int cout, int k, int stride, int pad) {
        String name = b.fresh("conv");
        String w = b.normal(name + ".weight", (float) Math.sqrt(2.0 / (cin * k * k)), cout, cin, k, k);
        String bias = b.uniform(name + ".bias", -0.01f, 0.01f, cout);
        return b.nodeNamed(name, "Conv", List.of(x, w, bias), Map.of("kernel_shape", ints(k, k), "strides", ints(stride, stride),
                "pads", ints(pad, pad, pad, pad)));
    }

    String leakyRelu(String x, float alpha) {
        return b.node("LeakyRelu", List.of(x), Map.of("alpha", f(alpha)));
    }

    /** SiLU / swish, {@code x * sigmoid(x)}, as exported before opsets had it as one operator. */
    String swish(String x) {
        return b.node("Mul", x, b.node("Sigmoid", x));
    }

    String concat(int axis, String... xs) {
        return b.node("Concat", List.of(xs), Map.of("axis", i(axis)));
    }
}
