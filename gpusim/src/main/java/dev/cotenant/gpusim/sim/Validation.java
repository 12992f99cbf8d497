package dev.cotenant.gpusim.sim;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.HostRuntime;
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
 * the model as the publishing system runs it: lowered and fed by the matching host runtime
 * ({@code native} for TensorRT, {@code eager} for PyTorch, whose per-operator dispatch cost is
 * fitted on the batch-1 row and checked on the others).
 */
public final class Validation {

    /** One published figure; {@code runtime} is the built-in host runtime that ran it. */
    public record Figure(String model, String gpu, Precision precision, int batch, double publishedMs, String runtime,
                         String source) {}

    /** One row of the table: a figure and its simulated time. */
    public record Row(Figure figure, double simulatedMs, int kernels) {
        public double error() {
            return simulatedMs / figure.publishedMs() - 1;
        }
    }

    /** BERT-base, TensorRT, A100-40GB, sequence 128, average GPU latency. */
    public static final List<Figure> BERT = List.of(
            new Figure("bert-base", "a100", Precision.FP16, 1, 0.64, "native", "TensorRT, GPU latency"),
            new Figure("bert-base", "a100", Precision.FP16, 8, 1.36, "native", "TensorRT, GPU latency"),
            new Figure("bert-base", "a100", Precision.FP16, 32, 4.06, "native", "TensorRT, GPU latency"));

    /** ResNet-50: TensorRT FP16 behind an inference server (end to end), and PyTorch eager FP32. */
    public static final List<Figure> RESNET = List.of(
            new Figure("resnet50", "a100", Precision.FP16, 1, 2.13, "native", "TensorRT via server, end to end"),
            new Figure("resnet50", "a100", Precision.FP16, 8, 3.9, "native", "TensorRT via server, end to end"),
            new Figure("resnet50", "a100", Precision.FP16, 32, 11.2, "native", "TensorRT via server, end to end"),
            new Figure("resnet50", "v100", Precision.FP16, 1, 2.84, "native", "TensorRT via server, end to end"),
            new Figure("resnet50", "v100", Precision.FP16, 8, 5.98, "native", "TensorRT via server, end to end"),
            new Figure("resnet50", "v100", Precision.FP16, 32, 15.7, "native", "TensorRT via server, end to end"),
            new Figure("resnet50", "v100", Precision.FP32, 1, 10.4, "eager", "PyTorch eager"),
            new Figure("resnet50", "v100", Precision.FP32, 8, 11.5, "eager", "PyTorch eager"),
            new Figure("resnet50", "v100", Precision.FP32, 32, 29.4, "eager", "PyTorch eager"));

    private Validation() {}

    /** Simulates each figure's model alone on its GPU. */
    public static List<Row> simulate(List<Figure> figures) {
        List<Row> rows = new ArrayList<>();
        for (Figure f : figures) {
            Gpu gpu = Gpu.load(f.gpu());
            HostRuntime runtime = HostRuntime.load(f.runtime());
            LoweredModel m = ZooModels.lower(List.of(new ZooModels.Entry(f.model(), f.batch())), f.precision(), gpu,
                    Lowering.Fusion.of(runtime)).getFirst();
            Sharing sharing = Sharing.SHARED.withHost(new Sharing.Host(runtime, Sharing.DEFAULT_WORK_QUEUES, false));
            double us = Simulator.run(gpu, new Submission(List.of(GpuStream.of(f.model(), 0, m.inference(runtime))), sharing))
                    .makespanUs();
            rows.add(new Row(f, us / 1e3, m.kernels().size()));
        }
        return rows;
    }

    /** Every figure: BERT, then ResNet-50. */
    public static List<Figure> all() {
        List<Figure> all = new ArrayList<>(BERT);
        all.addAll(RESNET);
        return all;
    }

    /** Mean absolute error, as a fraction. */
    public static double mape(List<Row> rows) {
        return rows.stream().mapToDouble(r -> Math.abs(r.error())).average().orElse(0);
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
        b.append(String.format(Locale.ROOT, "mean absolute error %.1f%% over %d rows (BERT-base, GPU latency: %.1f%%)%n", 100 * mape(rows),
                rows.size(), 100 * mape(rows.stream().filter(r -> r.figure().model().equals("bert-base")).toList())));
        return b.toString();
    }

    /** Prints the validation table. */
    public static void main(String[] args) {
        System.out.print(table(simulate(all())));
    }
}
