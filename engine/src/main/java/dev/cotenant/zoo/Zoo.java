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
            new Entry("resnet50", "classification", "He et al. 2016", 25.6, 4.1));

    private Zoo() {}

    public static List<Entry> entries() {
        return ENTRIES;
    }

    public static Model build(String name, int batch, long seed) {
        return switch (name) {
            case "resnet18" -> ResNet.build(name, new int[] {2, 2, 2, 2}, false, batch, seed);
            case "resnet50" -> ResNet.build(name, new int[] {3, 4, 6, 3}, true, batch, seed);
            default -> throw new ModelException("unknown zoo model '" + name + "' (known: "
                    + String.join(", ", ENTRIES.stream().map(Entry::name).toList()) + ")");
        };
    }
}
