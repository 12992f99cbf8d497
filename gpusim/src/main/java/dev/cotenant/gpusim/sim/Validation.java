package dev.cotenant.gpusim.sim;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.kernel.Lowering;
import dev.cotenant.gpusim.kernel.ZooModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The simulator against the published single-model figures of specs/gpus.md: each row is a model,
 * GPU, precision and batch, the published latency, what it measures, and the simulated solo time of
 * the model lowered the way the publishing system runs it (engine fusion for TensorRT, eager for
 * PyTorch).
 */
public final class Validation {

    /** One published figure. */
    public record Figure(String model, String gpu, Precision precision, int batch, double publishedMs, Lowering.Fusion fusion,
                         String source) {}

    /** One row of the table: a figure and its simulated time. */
    public record Row(Figure figure, double simulatedMs, int kernels) {
        public double error() {
            return simulatedMs / figure.publishedMs() - 1;
        }
    }

    /** BERT-base, TensorRT, A100-40GB, sequence 128, average GPU latency. */
    public static final List<Figure> BERT = List.of(
            new Figure("bert-base", "a100", Precision.FP16, 1, 0.64, Lowering.Fusion.ENGINE, "TensorRT, GPU latency"),
            new Figure("bert-base", "a100", Precision.FP16, 8, 1.36, Lowering.Fusion.ENGINE, "TensorRT, GPU latency"),
            new Figure("bert-base", "a100", Precision.FP16, 32, 4.06, Lowering.Fusion.ENGINE, "TensorRT, GPU latency"));

    /** ResNet-50: TensorRT FP16 behind an inference server (end to end), and PyTorch eager FP32. */
    public static final List<Figure> RESNET = List.of(
            new Figure("resnet50", "a100", Precision.FP16, 1, 2.13, Lowering.Fusion.ENGINE, "TensorRT via server, end to end"),
            new Figure("resnet50", "a100", Precision.FP16, 8, 3.9, Lowering.Fusion.ENGINE, "TensorRT via server, end to end"),
            new Figure("resnet50", "a100", Precision.FP16, 32, 11.2, Lowering.Fusion.ENGINE, "TensorRT via server, end to end"),
            new Figure("resnet50", "v100", Precision.FP16, 1, 2.84, Lowering.Fusion.ENGINE, "TensorRT via server, end to end"),
            new Figure("resnet50", "v100", Precision.FP16, 8, 5.98, Lowering.Fusion.ENGINE, "TensorRT via server, end to end"),
            new Figure("resnet50", "v100", Precision.FP16, 32, 15.7, Lowering.Fusion.ENGINE, "TensorRT via server, end to end"),
            new Figure("resnet50", "v100", Precision.FP32, 1, 10.4, Lowering.Fusion.EAGER, "PyTorch eager"),
            new Figure("resnet50", "v100", Precision.FP32, 8, 11.5, Lowering.Fusion.EAGER, "PyTorch eager"),
            new Figure("resnet50", "v100", Precision.FP32, 32, 29.4, Lowering.Fusion.EAGER, "PyTorch eager"));

    private Validation() {}

    /** Simulates each figure's model alone on its GPU. */
    public static List<Row> simulate(List<Figure> figures) {
        List<Row> rows = new ArrayList<>();
        ZooModels.forEachPlan(figures.stream().map(f -> new ZooModels.Entry(f.model(), f.batch())).toList(), (i, plan) -> {
            Figure f = figures.get(i);
            Gpu gpu = Gpu.load(f.gpu());
            LoweredModel m = Lowering.lower(f.model(), plan, f.precision(), gpu, f.fusion());
            double us = Simulator.solo(gpu, GpuStream.of(f.model(), 0, m.launches())).makespanUs();
            rows.add(new Row(f, us / 1e3, m.kernels().size()));
        });
        return rows;
    }

    /** The rows as a Markdown table. */
    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| model | GPU | precision | batch | published (ms) | what it measures | simulated (ms) | kernels | sim / published - 1 |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            Figure f = r.figure();
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.2f | %s | %.3f | %d | %+.0f%% |%n", f.model(),
                    f.gpu().toUpperCase(Locale.ROOT), f.precision(), f.batch(), f.publishedMs(), f.source(), r.simulatedMs(),
                    r.kernels(), 100 * r.error()));
        }
        return b.toString();
    }

    /** Prints the validation table. */
    public static void main(String[] args) {
        List<Figure> all = new ArrayList<>(BERT);
        all.addAll(RESNET);
        System.out.print(table(simulate(all)));
    }
}
