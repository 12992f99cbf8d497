package dev.cotenant.zoo;

import static dev.cotenant.ir.GraphBuilder.i;
import static dev.cotenant.ir.GraphBuilder.s;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;
import java.util.List;
import java.util.Map;

/**
 * YOLOv4-tiny (Bochkovskiy et al., "YOLOv4", 2020; the tiny network of the Darknet
 * configuration) at 416x416 for the 80 COCO classes: a CSP-Darknet-tiny backbone of 3x3
 * convolutions with batch norm and LeakyReLU(0.1), channel splits and concatenations, max pooling,
 * and two detection heads (13x13 and 26x26, 3 anchors x 85 values) joined by a nearest 2x Resize.
 */
final class YoloTiny {

    private YoloTiny() {}

    static Model build(String name, int batch, long seed) {
        GraphBuilder gb = new GraphBuilder(name, seed);
        Layers l = new Layers(gb);
        String x = gb.input("input", DataType.FLOAT, new int[] {batch < 0 ? -1 : batch, 3, 416, 416}, "batch");
        x = cbl(l, x, 3, 32, 3, 2);
        x = cbl(l, x, 32, 64, 3, 2);
        String[] r = new String[1];
        x = csp(gb, l, x, 64, r);
        x = l.maxPool(x, 2, 2, 0);
        x = csp(gb, l, x, 128, r);
        x = l.maxPool(x, 2, 2, 0);
        x = csp(gb, l, x, 256, r);
        String route23 = r[0];
        x = l.maxPool(x, 2, 2, 0);
        x = cbl(l, x, 512, 512, 3, 1);
        String neck = cbl(l, x, 512, 256, 1, 1);
        String head1 = l.convBias(cbl(l, neck, 256, 512, 3, 1), 512, 255, 1, 1, 0);
        String up = cbl(l, neck, 256, 128, 1, 1);
        up = gb.node("Resize", List.of(up, "", gb.floats(gb.fresh("scales"), new float[] {1, 1, 2, 2}, 4)),
                Map.of("mode", s("nearest"), "coordinate_transformation_mode", s("asymmetric"), "nearest_mode", s("floor")));
        String y = l.concat(1, up, route23);
        String head2 = l.convBias(cbl(l, y, 384, 256, 3, 1), 256, 255, 1, 1, 0);
        gb.output(head1);
        gb.output(head2);
        return gb.model(13);
    }

    /** Convolution, batch norm, LeakyReLU(0.1): Darknet's basic layer. */
    private static String cbl(Layers l, String x, int cin, int cout, int k, int stride) {
        String y = l.convBn(x, cin, cout, k, stride, k == 3 ? 1 : 0, 1);
        return l.leakyRelu(y, 0.1f);
    }

    /**
     * A CSP block of the tiny backbone: 3x3 conv to c, route the second half of its channels
     * through two 3x3 convs, concatenate, 1x1 conv, concatenate with the block's first conv.
     * {@code route[0]} receives the 1x1 conv's output (the detector taps it for the second head).
     */
    private static String csp(GraphBuilder gb, Layers l, String x, int c, String[] route) {
        String a = cbl(l, x, c, c, 3, 1); // the block's input always has c channels
        List<String> halves = gb.nodeMulti("Split", List.of(a), Map.of("axis", i(1)), 2);
        String b1 = cbl(l, halves.get(1), c / 2, c / 2, 3, 1);
        String b2 = cbl(l, b1, c / 2, c / 2, 3, 1);
        String cat = l.concat(1, b2, b1);
        String p = cbl(l, cat, c, c, 1, 1);
        route[0] = p;
        return l.concat(1, a, p);
    }

}
