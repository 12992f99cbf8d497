package dev.cotenant.zoo;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;

/**
 * VGG-16 (configuration D of Simonyan and Zisserman, "Very Deep Convolutional Networks for
 * Large-Scale Image Recognition", ICLR 2015), without batch norm, at 224x224: thirteen 3x3
 * convolutions with ReLU in five max-pooled stages, then three fully connected layers.
 */
final class Vgg {

    private static final int[] CONFIG_D = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    private Vgg() {}

    static Model build(String name, int batch, long seed) {
        GraphBuilder gb = new GraphBuilder(name, seed);
        Layers l = new Layers(gb);
        String x = gb.input("input", DataType.FLOAT, new int[] {batch < 0 ? -1 : batch, 3, 224, 224}, "batch");
        int cin = 3;
        for (int c : CONFIG_D) {
            if (c == 0) {
                x = l.maxPool(x, 2, 2, 0);
            } else {
                x = l.relu(l.convBias(x, cin, c, 3, 1, 1));
                cin = c;
            }
        }
        x = l.flatten(x);
        x = l.relu(l.linear(x, 512 * 7 * 7, 4096));
        x = l.relu(l.linear(x, 4096, 4096));
        x = l.linear(x, 4096, 1000);
        gb.output(x);
        return gb.model(13);
    }
}
