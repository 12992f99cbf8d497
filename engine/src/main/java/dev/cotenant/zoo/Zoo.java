package dev.cotenant.zoo;

import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import java.util.List;

/**
 * Architectures built in code, layer for layer as published, with seeded random weights (no
 * weights can be downloaded where Cotenant is tested). {@code batch} < 0 leaves the batch
 * dimension symbolic.
 */
public final class Zoo {

    /** One architecture of the zoo and its published reference figures. */
    public record Entry(String name, String task, String reference, double publishedParamsM, double publishedGmacs) {}

    private static final List<Entry> ENTRIES = List.of(
            new Entry("resnet18", "classification", "He et al. 2016", 11.7, 1.8),
            new Entry("resnet50", "classification", "He et al. 2016", 25.6, 4.1),
            new Entry("mobilenetv2", "classification", "Sandler et al. 2018", 3.5, 0.3),
            new Entry("bert-base", "language", "Devlin et al. 2019", 110, 11.2),
            new Entry("bert-tiny", "language", "Turc et al. 2019", 4.4, 0.1),
            new Entry("vgg16", "classification", "Simonyan and Zisserman 2015", 138.4, 15.5),
            new Entry("efficientnet-b0", "classification", "Tan and Le 2019", 5.3, 0.39),
            new Entry("yolov4-tiny", "detection", "Bochkovskiy et al. 2020", 6.1, 3.5),
            new Entry("unet", "segmentation", "Ronneberger et al. 2015 (base 64: 31.0 M)", 7.8, 0));

    /** The sequence length BERT models get unless told otherwise. */
    public static final int DEFAULT_SEQUENCE = 128;

    private Zoo() {}

    public static List<Entry> entries() {
        return ENTRIES;
    }

    /** Builds {@code name}; BERT models get sequence length {@value #DEFAULT_SEQUENCE}. */
    public static Model build(String name, int batch, long seed) {
        return build(name, batch, DEFAULT_SEQUENCE, seed);
    }

    /** Whether {@code name}'s inputs have a sequence length (the BERT encoders). */
    public static boolean takesSequence(String name) {
        return name.startsWith("bert-");
    }

    /**
     * Builds {@code name} at the given batch size; {@code seq} is the sequence length of the BERT
     * encoders and is ignored by the image models.
     */
    public static Model build(String name, int batch, int seq, long seed) {
        if (seq < 1 || seq > 512) {
            throw new ModelException("sequence length " + seq + " is out of range: BERT takes 1 to 512 positions");
        }
        return switch (name) {
            case "resnet18" -> ResNet.build(name, new int[] {2, 2, 2, 2}, false, batch, seed);
            case "resnet50" -> ResNet.build(name, new int[] {3, 4, 6, 3}, true, batch, seed);
            case "mobilenetv2" -> MobileNetV2.build(name, batch, seed);
            case "bert-base" -> Bert.build(name, Bert.BASE, batch, seq, seed);
            case "bert-tiny" -> Bert.build(name, Bert.TINY, batch, seq, seed);
            case "vgg16" -> Vgg.build(name, batch, seed);
            case "efficientnet-b0" -> EfficientNet.build(name, batch, seed);
            case "yolov4-tiny", "yolo" -> YoloTiny.build("yolov4-tiny", batch, seed);
            case "unet", "segmentation" -> UNet.build("unet", 32, 21, 256, batch, seed);
            default -> throw new ModelException("unknown zoo model '" + name + "' (known: "
                    + String.join(", ", ENTRIES.stream().map(Entry::name).toList()) + ")");
        };
    }
}
