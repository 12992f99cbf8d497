package dev.cotenant.zoo;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;

/**
 * ResNet-18/34 (basic blocks) and ResNet-50/101/152 (bottleneck blocks), as in He et al., "Deep
 * Residual Learning for Image Recognition" (CVPR 2016), in the torchvision layout (stride on the
 * 3x3 convolution of a bottleneck, "ResNet v1.5"): 224x224 input, 1000 classes.
 */
final class ResNet {

    private ResNet() {}

    static Model build(String name, int[] blocks, boolean bottleneck, int batch, long seed) {
        GraphBuilder gb = new GraphBuilder(name, seed);
        Layers l = new Layers(gb);
        String x = gb.input("input", DataType.FLOAT, new int[] {batch < 0 ? -1 : batch, 3, 224, 224}, "batch");
        x = l.relu(l.convBn(x, 3, 64, 7, 2, 3, 1));
        x = l.maxPool(x, 3, 2, 1);
        int cin = 64;
        int[] widths = {64, 128, 256, 512};
        for (int stage = 0; stage < 4; stage++) {
            int w = widths[stage];
            int cout = bottleneck ? w * 4 : w;
            for (int blk = 0; blk < blocks[stage]; blk++) {
                int stride = blk == 0 && stage > 0 ? 2 : 1;
                String shortcut = x;
                if (stride != 1 || cin != cout) {
                    shortcut = l.convBn(x, cin, cout, 1, stride, 0, 1);
                }
                String y;
                if (bottleneck) {
                    y = l.relu(l.convBn(x, cin, w, 1, 1, 0, 1));
                    y = l.relu(l.convBn(y, w, w, 3, stride, 1, 1));
                    y = l.convBn(y, w, cout, 1, 1, 0, 1);
                } else {
                    y = l.relu(l.convBn(x, cin, w, 3, stride, 1, 1));
                    y = l.convBn(y, w, w, 3, 1, 1, 1);
                }
                x = l.relu(l.add(y, shortcut));
                cin = cout;
            }
        }
        x = l.flatten(l.globalAvgPool(x));
        x = l.linear(x, cin, 1000);
        gb.output(x);
        return gb.model(13);
    }
}
