package dev.cotenant.zoo;

import static dev.cotenant.ir.GraphBuilder.ints;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;
import java.util.List;
import java.util.Map;

/**
 * U-Net (Ronneberger et al., "U-Net: Convolutional Networks for Biomedical Image Segmentation",
 * MICCAI 2015) with padded 3x3 convolutions and batch norm, as modern re-implementations write
 * it: four down stages (two conv-BN-ReLU, then 2x2 max pooling), a bottleneck, four up stages
 * (2x2 stride-2 ConvTranspose, concatenation with the skip, two conv-BN-ReLU), and a 1x1
 * classifier per pixel. {@code base} is the first stage's width (64 in the paper).
 */
final class UNet {

    private UNet() {}

    static Model build(String name, int base, int classes, int size, int batch, long seed) {
        GraphBuilder gb = new GraphBuilder(name, seed);
        Layers l = new Layers(gb);
        String x = gb.input("input", DataType.FLOAT, new int[] {batch < 0 ? -1 : batch, 3, size, size}, "batch");
        String[] skips = new String[4];
        int cin = 3;
        for (int d = 0; d < 4; d++) {
            int c = base << d;
            x = doubleConv(l, x, cin, c);
            skips[d] = x;
            x = l.maxPool(x, 2, 2, 0);
            cin = c;
        }
        x = doubleConv(l, x, cin, base << 4);
        cin = base << 4;
        for (int d = 3; d >= 0; d--) {
            int c = base << d;
            String up = gb.fresh("up");
            String w = gb.normal(up + ".weight", (float) Math.sqrt(2.0 / (cin * 4)), cin, c, 2, 2);
            String b = gb.uniform(up + ".bias", -0.01f, 0.01f, c);
            x = gb.nodeNamed(up, "ConvTranspose", List.of(x, w, b), Map.of("kernel_shape", ints(2, 2), "strides", ints(2, 2)));
            x = l.concat(1, skips[d], x);
            x = doubleConv(l, x, 2 * c, c);
            cin = c;
        }
        x = l.convBias(x, cin, classes, 1, 1, 0);
        gb.output(x);
        return gb.model(13);
    }

    private static String doubleConv(Layers l, String x, int cin, int cout) {
        x = l.relu(l.convBn(x, cin, cout, 3, 1, 1, 1));
        return l.relu(l.convBn(x, cout, cout, 3, 1, 1, 1));
    }
}
