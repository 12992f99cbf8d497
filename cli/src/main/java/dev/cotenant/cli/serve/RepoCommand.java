package dev.cotenant.cli.serve;

import dev.cotenant.cli.common.Common;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.onnx.OnnxExport;
import dev.cotenant.zoo.Zoo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "repo", description = "Writes a model repository for `serve` from zoo models: DIR/<model>/1/model.onnx (batch dimension left free) and config.pbtxt.")
public final class RepoCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR")
    Path dir;

    @Option(names = "--zoo", required = true, paramLabel = "NAME", description = "A zoo model (repeatable), or 'tiny' (Add and Relu on 16 values).")
    List<String> names = new ArrayList<>();

    @Option(names = "--max-batch", defaultValue = "8", description = "max_batch_size (default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--delay-us", defaultValue = "0", description = "max_queue_delay_microseconds (default ${DEFAULT-VALUE}).")
    long delayUs;

    @Option(names = "--queue", defaultValue = "64", description = "max_queue_size (default ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--slo-ms", paramLabel = "NAME=MS", description = "SLO of a model, e.g. resnet18=200 (repeatable).")
    List<String> slos = new ArrayList<>();

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        for (String name : names) {
            Double slo = null;
            for (String s : slos) {
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new ModelException("--slo-ms '" + s + "': expected NAME=MS");
                }
                if (s.substring(0, eq).equals(name)) {
                    try {
                        slo = Double.parseDouble(s.substring(eq + 1));
                    } catch (NumberFormatException e) {
                        throw new ModelException("--slo-ms '" + s + "': '" + s.substring(eq + 1) + "' is not a number of milliseconds");
                    }
                }
            }
            Path file = write(dir, name, maxBatch, delayUs, queue, slo);
            o.println("wrote " + file + " and " + file.getParent().getParent().resolve("config.pbtxt"));
        }
        return 0;
    }

    /**
     * Writes zoo model {@code name} (or 'tiny') into repository {@code dir}: its ONNX file as version 1
     * with the batch dimension free, and a config.pbtxt with these batching and queue settings and
     * its SLO ({@code sloMs} null for none). Returns the model file.
     */
    static Path write(Path dir, String name, int maxBatch, long delayUs, int queue, Double sloMs) throws IOException {
        Model m = name.equals("tiny") ? tiny() : Zoo.build(name, -1, 42);
        Path file = dir.resolve(name).resolve("1").resolve("model.onnx");
        Files.createDirectories(file.getParent());
        OnnxExport.write(m, file);
        String slo = sloMs == null ? ""
                : String.format(Locale.ROOT, "parameters { key: \"slo_ms\" value { string_value: \"%s\" } }%n", plain(sloMs));
        String config = String.format(Locale.ROOT, """
                name: "%s"
                platform: "onnxruntime_onnx"
                max_batch_size: %d
                dynamic_batching {
                  max_queue_delay_microseconds: %d
                  default_queue_policy { max_queue_size: %d }
                }
                %s""", name, maxBatch, delayUs, queue, slo);
        Files.writeString(file.getParent().getParent().resolve("config.pbtxt"), config);
        return file;
    }

    /** 300.0 as "300", 12.5 as "12.5". */
    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** The smallest useful model: y = Relu(x + b) over [batch, 16]. */
    static Model tiny() {
        GraphBuilder g = new GraphBuilder("tiny", 7);
        String x = g.input("x", DataType.FLOAT, new int[] {-1, 16}, "batch");
        String b = g.normal("b", 0.1f, 16);
        String y = g.node("Relu", g.node("Add", x, b));
        g.output(y);
        return g.model(17);
    }
}
