package dev.cotenant.cli.model;

import dev.cotenant.cli.common.Common;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.ops.Cost;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Step;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", description = "Prints a model's graph after passes: nodes, shapes, FLOPs and bytes per operator, totals.")
public final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL.onnx")
    Path model;

    @Option(names = "--dim", paramLabel = "SYMBOL=N", description = "Size of a symbolic input dimension (default 1).")
    List<String> dims = new ArrayList<>();

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        Prepared p = Prepared.of(OnnxImport.load(model), List.of(), dims, true, 1);
        Model m = p.model();
        Model optimized = p.optimized();
        Map<String, TensorType> types = p.types();
        Plan plan = p.plan(Workers.single());
        long params = 0;
        for (Tensor t : m.graph().initializers().values()) {
            params += t.size();
        }
        o.printf(Locale.ROOT, "model %s  producer %s  opset %d  ir %d%n", model.getFileName(), m.producer(), m.opset(), m.irVersion());
        types.forEach((k, v) -> o.println("input  " + k + ": " + v));
        o.printf(Locale.ROOT, "%-5s %-22s %-34s %-26s %12s %12s %8s%n", "#", "op", "node", "output", "MFLOPs", "KB moved", "FLOP/B");
        long flops = 0;
        long bytes = 0;
        if (plan.interpreted()) {
            o.println("(shapes depend on input values: the plan is interpreted, per-operator costs are not known in advance)");
        }
        int i = 0;
        for (Step s : plan.steps()) {
            Cost c = s.op().cost();
            flops += c.flops();
            bytes += c.bytes();
            String op = s.node().domain().isEmpty() ? s.node().opType() : s.node().opType() + "*";
            String shape = s.outputs().length > 0 ? s.outputs()[0].type().toString() : "";
            o.printf(Locale.ROOT, "%-5d %-22s %-34s %-26s %12.3f %12.1f %8.1f%n", i++, op, abbreviate(s.node().label(), 34), shape,
                    c.flops() / 1e6, c.bytes() / 1024.0, c.intensity());
        }
        for (String out : plan.model().graph().outputs().stream().map(v -> v.name()).toList()) {
            o.println("output " + out + ": " + plan.valueTypes().get(out));
        }
        o.printf(Locale.ROOT, "nodes: %d in the file, %d after passes (* = fused by Cotenant)%n", m.graph().nodes().size(), optimized.graph().nodes().size());
        o.printf(Locale.ROOT, "parameters: %,d (%.1f MiB as float32)%n", params, params * 4 / 1048576.0);
        o.printf(Locale.ROOT, "total: %.3f GFLOPs, %.1f MiB moved, arena %.1f MiB%n", flops / 1e9, bytes / 1048576.0, plan.arenaBytes() / 1048576.0);
        return 0;
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
    }
}
