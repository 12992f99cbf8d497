package dev.cotenant.zoo;


import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;
import java.util.List;
import java.util.Map;

/**
 * MobileNetV2 (Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks", CVPR
 * 2018), width 1.0 at 224x224: inverted residual blocks of 1x1 expansion, 3x3 depthwise and 1x1
 * linear projection, ReLU6 exported as Clip(0, 6) as PyTorch writes it.
 */
final class MobileNetV2 {

    /** Expansion t, output channels c, repeats n, first stride s: Table 2 of the paper. */
    private static final int[][] SETTINGS = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };

    private MobileNetV2() {}

    static Model build(String name, int batch, long seed) {
        GraphBuilder gb = new GraphBuilder(name, seed);
        Layers l = new Layers(gb);
        String x = gb.input("input", DataType.FLOAT, new int[] {batch < 0 ? -1 : batch, 3, 224, 224}, "batch");
        x = relu6(gb, l.convBn(x, 3, 32, 3, 2, 1, 1));
        int cin = 32;
        for (int[] s : SETTINGS) {
            for (int r = 0; r < s[2]; r++) {
                int stride = r == 0 ? s[3] : 1;
                int hidden = cin * s[0];
                String y = x;
                if (s[0] != 1) {
                    y = relu6(gb, l.convBn(y, cin, hidden, 1, 1, 0, 1));
                }
                y = relu6(gb, l.convBn(y, hidden, hidden, 3, stride, 1, hidden));
                y = l.convBn(y, hidden, s[1], 1, 1, 0, 1);
                x = stride == 1 && cin == s[1] ? l.add(x, y) : y;
                cin = s[1];
            }
        }
        x = relu6(gb, l.convBn(x, cin, 1280, 1, 1, 0, 1));
        x = l.flatten(l.globalAvgPool(x));
        x = l.linear(x, 1280, 1000);
        gb.output(x);
        return gb.model(13);
    }

    private static String relu6(GraphBuilder gb, String x) {
        return gb.node("Clip", List.of(x, gb.constant(gb.fresh("zero"), dev.cotenant.ir.Tensor.scalar(0f)),
                gb.constant(gb.fresh("six"), dev.cotenant.ir.Tensor.scalar(6f))), Map.<String, dev.cotenant.ir.Attribute>of());
    }

}
