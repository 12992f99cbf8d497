package dev.cotenant.zoo;

import static dev.cotenant.ir.GraphBuilder.f;
import static dev.cotenant.ir.GraphBuilder.i;
import static dev.cotenant.ir.GraphBuilder.ints;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.Tensor;
import java.util.List;
import java.util.Map;

/**
 * BERT encoders (Devlin et al., "BERT: Pre-training of Deep Bidirectional Transformers", NAACL
 * 2019) as a PyTorch export writes them at opset 17: embeddings (word + position + token type),
 * LayerNormalization, per layer self-attention from MatMul/Add/Reshape/Transpose/Softmax, GELU in
 * its exact erf form {@code 0.5 x (1 + erf(x / sqrt 2))}, and the pooler (first token, dense,
 * tanh). Inputs {@code input_ids} and {@code attention_mask} are int64 [batch, seq].
 */
final class Bert {

    record Config(int layers, int hidden, int heads, int intermediate, int vocab, int maxPositions) {}

    static final Config BASE = new Config(12, 768, 12, 3072, 30522, 512);
    static final Config TINY = new Config(2, 128, 2, 512, 30522, 512);

    private Bert() {}

    static Model build(String name, Config c, int batch, int seq, long seed) {
        GraphBuilder b = new GraphBuilder(name, seed);
        int h = c.hidden();
        int d = h / c.heads();
        float std = 0.02f; // BERT's initializer range
        String ids = b.input("input_ids", DataType.INT64, new int[] {batch < 0 ? -1 : batch, seq}, "batch");
        String mask = b.input("attention_mask", DataType.INT64, new int[] {batch < 0 ? -1 : batch, seq}, "batch");

        String wordEmb = b.normal("embeddings.word", std, c.vocab(), h);
        String posTable = b.normal("embeddings.position", std, c.maxPositions(), h);
        String typeTable = b.normal("embeddings.token_type", std, 2, h);
        long[] positions = new long[seq];
        for (int p = 0; p < seq; p++) {
            positions[p] = p;
        }
        // Position and token-type lookups take constant indices, so constant folding turns them into plain tensors.
        String posEmb = b.node("Gather", List.of(posTable, b.longs("position_ids", positions)), Map.of("axis", i(0)));
        String typeEmb = b.node("Gather", List.of(typeTable, b.longs("token_type_ids", new long[seq])), Map.of("axis", i(0)));
        String x = b.node("Gather", List.of(wordEmb, ids), Map.of("axis", i(0)));
        x = b.node("Add", x, posEmb);
        x = b.node("Add", x, typeEmb);
        x = layerNorm(b, x, h, "embeddings.ln");

        // (1 - mask) * -10000, broadcast over heads and query positions: [batch, 1, 1, seq]
        String m = b.node("Cast", List.of(mask), Map.of("to", i(DataType.FLOAT.code())));
        m = b.node("Sub", b.constant("one", Tensor.scalar(1f)), m);
        m = b.node("Mul", m, b.constant("neg_large", Tensor.scalar(-10000f)));
        m = b.node("Unsqueeze", m, b.longs("mask_axes", 1, 2));

        String split = b.longs("split_heads_shape", 0, seq, c.heads(), d);
        String merge = b.longs("merge_heads_shape", 0, seq, h);
        String scale = b.constant("attn_scale", Tensor.scalar((float) Math.sqrt(d)));
        for (int layer = 0; layer < c.layers(); layer++) {
            String p = "layer" + layer + ".";
            String q = heads(b, linear(b, x, h, h, p + "query"), split, List.of(0L, 2L, 1L, 3L));
            String k = heads(b, linear(b, x, h, h, p + "key"), split, List.of(0L, 2L, 3L, 1L));
            String v = heads(b, linear(b, x, h, h, p + "value"), split, List.of(0L, 2L, 1L, 3L));
            String s = b.node("MatMul", q, k);
            s = b.node("Div", s, scale);
            s = b.node("Add", s, m);
            s = b.node("Softmax", List.of(s), Map.of("axis", i(-1)));
            String ctx = b.node("MatMul", s, v);
            ctx = b.node("Transpose", List.of(ctx), Map.of("perm", ints(0, 2, 1, 3)));
            ctx = b.node("Reshape", ctx, merge);
            String attn = linear(b, ctx, h, h, p + "attention.output");
            x = layerNorm(b, b.node("Add", attn, x), h, p + "attention.ln");
            String ff = linear(b, x, h, c.intermediate(), p + "intermediate");
            ff = gelu(b, ff);
            ff = linear(b, ff, c.intermediate(), h, p + "output");
            x = layerNorm(b, b.node("Add", ff, x), h, p + "output.ln");
        }
        b.output(x);
        String cls = b.node("Gather", List.of(x, b.constant("cls_index", Tensor.scalar(0L))), Map.of("axis", i(1)));
        String pooled = b.node("Tanh", linear(b, cls, h, h, "pooler"));
        b.output(pooled);
        return b.model(17);
    }

    private static String linear(GraphBuilder b, String x, int in, int out, String name) {
        String w = b.normal(name + ".weight", 0.02f, in, out);
        String bias = b.uniform(name + ".bias", -0.02f, 0.02f, out);
        return b.node("Add", b.node("MatMul", x, w), bias);
    }

    private static String heads(GraphBuilder b, String x, String shape, List<Long> perm) {
        String r = b.node("Reshape", x, shape);
        return b.node("Transpose", List.of(r), Map.of("perm", ints(perm.stream().mapToLong(Long::longValue).toArray())));
    }

    private static String layerNorm(GraphBuilder b, String x, int h, String name) {
        String g = b.uniform(name + ".weight", 0.9f, 1.1f, h);
        String beta = b.uniform(name + ".bias", -0.05f, 0.05f, h);
        return b.node("LayerNormalization", List.of(x, g, beta), Map.of("axis", i(-1), "epsilon", f(1e-12f)));
    }

    private static String gelu(GraphBuilder b, String x) {
        String y = b.node("Div", x, b.constant(b.fresh("sqrt2"), Tensor.scalar((float) Math.sqrt(2))));
        y = b.node("Erf", y);
        y = b.node("Add", y, b.constant(b.fresh("one"), Tensor.scalar(1f)));
        y = b.node("Mul", x, y);
        return b.node("Mul", y, b.constant(b.fresh("half"), Tensor.scalar(0.5f)));
    }
}
