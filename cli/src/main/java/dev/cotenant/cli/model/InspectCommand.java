package dev.cotenant.cli.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.cli.common.Common;
import dev.cotenant.cli.common.Json;
import dev.cotenant.ir.Model;
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

    @Option(names = "--dim", paramLabel = "SYMBOL=N", description = "Size of a free input dimension (repeatable); "
            + "every free dimension but the leading one must be given, the leading one is 1 when not.")
    List<String> dims = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON object instead of text: inputs, every operator with its cost, outputs and totals.")
    boolean json;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        Prepared p = Prepared.of(OnnxImport.load(model), model.getFileName().toString(), List.of(), dims, true, 1);
        Model m = p.model();
        Plan plan = p.plan(Workers.single());
        if (json) {
            o.println(Json.write(json(m, p.optimized(), p.types(), plan)));
            return 0;
        }
        o.printf(Locale.ROOT, "model %s  producer %s  opset %d  ir %d%n", model.getFileName(), m.producer(), m.opset(), m.irVersion());
        p.types().forEach((k, v) -> o.println("input  " + k + ": " + v));
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
        long params = m.graph().parameterCount();
        o.printf(Locale.ROOT, "nodes: %d in the file, %d after passes (* = fused by Cotenant)%n", m.graph().nodes().size(), p.optimized().graph().nodes().size());
        o.printf(Locale.ROOT, "parameters: %,d (%.1f MiB as float32)%n", params, params * 4 / 1048576.0);
        o.printf(Locale.ROOT, "total: %.3f GFLOPs, %.1f MiB moved, arena %.1f MiB%n", flops / 1e9, bytes / 1048576.0, plan.arenaBytes() / 1048576.0);
        return 0;
    }

    /** The same figures as one object; an operator's {@code fused} is Cotenant's own (the text's {@code *}). */
    private ObjectNode json(Model m, Model optimized, Map<String, TensorType> types, Plan plan) {
        ObjectNode o = Json.object().put("model", model.getFileName().toString()).put("producer", m.producer())
                .put("opset", m.opset()).put("ir_version", m.irVersion());
        ArrayNode inputs = o.putArray("inputs");
        types.forEach((name, t) -> inputs.add(type(name, t)));
        o.put("interpreted", plan.interpreted());
        ArrayNode operators = o.putArray("operators");
        long flops = 0;
        long bytes = 0;
        for (Step s : plan.steps()) {
            Cost c = s.op().cost();
            flops += c.flops();
            bytes += c.bytes();
            ObjectNode op = Json.object().put("index", operators.size()).put("op", s.node().opType())
                    .put("fused", !s.node().domain().isEmpty()).put("node", s.node().label());
            op.set("output", s.outputs().length > 0 ? type(null, s.outputs()[0].type()) : null);
            operators.add(op.put("flops", c.flops()).put("bytes", c.bytes()).put("intensity", Json.finite(c.intensity())));
        }
        ArrayNode outputs = o.putArray("outputs");
        for (var out : plan.model().graph().outputs()) {
            outputs.add(type(out.name(), plan.valueTypes().get(out.name())));
        }
        return o.put("nodes", m.graph().nodes().size()).put("nodes_after_passes", optimized.graph().nodes().size())
                .put("parameters", m.graph().parameterCount()).put("flops", flops).put("bytes_moved", bytes)
                .put("arena_bytes", plan.arenaBytes());
    }

    /** {@code {"name","type","shape"}} ({@code name} left out when null, type and shape null when unknown). */
    private static ObjectNode type(String name, TensorType t) {
        ObjectNode o = Json.object();
        if (name != null) {
            o.put("name", name);
        }
        o.put("type", t == null ? null : t.dataType().onnxName());
        if (t == null) {
            return o.putNull("shape");
        }
        ArrayNode shape = o.putArray("shape");
        for (int d : t.dims()) {
            shape.add(d);
        }
        return o;
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
    }
}
