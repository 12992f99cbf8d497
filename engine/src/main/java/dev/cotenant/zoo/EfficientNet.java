package dev.cotenant.zoo;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;

/**
 * EfficientNet-B0 (Tan and Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural
 * Networks", ICML 2019) at 224x224: MBConv blocks (1x1 expansion, kxk depthwise, squeeze-and-
 * excitation with ratio 0.25 of the block's input channels, 1x1 projection), swish activations.
 */
final class EfficientNet {

    /** Expansion, kernel, stride, output channels, repeats: Table 1 of the paper. */
    private static final int[][] B0 = {
        {1, 3, 1, 16, 1}, {6, 3, 2, 24, 2}, {6, 5, 2, 40, 2}, {6, 3, 2, 80, 3}, {6, 5, 1, 112, 3}, {6, 5, 2, 192, 4}, {6, 3, 1, 320, 1},
    };

    private EfficientNet() {}

    static Model build(String name, int batch, long seed) {
        GraphBuilder gb = new GraphBuilder(name, seed);
        Layers l = new Layers(gb);
        String x = gb.input("input", DataType.FLOAT, new int[] {batch < 0 ? -1 : batch, 3, 224, 224}, "batch");
        x = l.swish(l.convBn(x, 3, 32, 3, 2, 1, 1));
        int cin = 32;
        for (int[] s : B0) {
            for (int r = 0; r < s[4]; r++) {
                int stride = r == 0 ? s[2] : 1;
                int k = s[1];
                int hidden = cin * s[0];
                String y = x;
                if (s[0] != 1) {
                    y = l.swish(l.convBn(y, cin, hidden, 1, 1, 0, 1));
                }
                y = l.swish(l.convBn(y, hidden, hidden, k, stride, k / 2, hidden));
                int squeezed = Math.max(1, cin / 4);
                String se = l.globalAvgPool(y);
                se = l.swish(l.convBias(se, hidden, squeezed, 1, 1, 0));
                se = gb.node("Sigmoid", l.convBias(se, squeezed, hidden, 1, 1, 0));
                y = gb.node("Mul", y, se);
                y = l.convBn(y, hidden, s[3], 1, 1, 0, 1);
                x = stride == 1 && cin == s[3] ? l.add(x, y) : y;
                cin = s[3];
            }
        }
        x = l.swish(l.convBn(x, cin, 1280, 1, 1, 0, 1));
        x = l.flatten(l.globalAvgPool(x));
        x = l.linear(x, 1280, 1000);
        gb.output(x);
        return gb.model(13);
    }
}
