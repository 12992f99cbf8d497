package dev.cotenant.passes;

import dev.cotenant.ir.Graph;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.Topology;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.kernels.Workers;
import dev.cotenant.ops.BoundOp;
import dev.cotenant.ops.Op;
import dev.cotenant.ops.OpContext;
import dev.cotenant.ops.OpTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One walk over a graph that binds every operator to its input types: it yields the type of every
 * value it can reach and the value of every value computable from constants alone. Shape
 * inference and constant folding are two views of this walk.
 */
final class Evaluation {

    final Map<String, TensorType> types = new HashMap<>();
    final Map<String, Tensor> values = new HashMap<>();
    /** Outputs of nodes that were evaluated here (not initializers). */
    final Map<String, Tensor> folded = new HashMap<>();

    Evaluation(Graph g, Map<String, Integer> opsets, Map<String, TensorType> inputTypes) {
        g.initializers().forEach((k, v) -> {
            types.put(k, v.type());
            values.put(k, v);
        });
        for (ValueInfo in : g.feeds()) {
            TensorType t = inputTypes.get(in.name());
            if (t == null && in.type() != null && in.type().shape().isConcrete()) {
                t = in.type();
            }
            if (t != null) {
                types.put(in.name(), t);
            }
        }
        for (Node n : Topology.order(g)) {
            String domain = OpTable.normalise(n.domain());
            Op op = OpTable.standard().find(domain, n.opType());
            if (op == null) {
                throw new ModelException("unknown operator '" + n.opType() + "' (domain '" + (domain.isEmpty() ? "ai.onnx" : domain)
                        + "', opset " + opsets.getOrDefault(domain, -1) + ") at node '" + n.label() + "'");
            }
            List<TensorType> inTypes = new ArrayList<>();
            List<Tensor> inValues = new ArrayList<>();
            boolean typed = true;
            boolean allKnown = true;
            for (String in : n.inputs()) {
                if (in.isEmpty()) {
                    inTypes.add(null);
                    inValues.add(null);
                    continue;
                }
                TensorType t = types.get(in);
                typed &= t != null;
                allKnown &= values.containsKey(in);
                inTypes.add(t);
                inValues.add(values.get(in));
            }
            if (!typed) {
                continue;
            }
            int opset = opsets.getOrDefault(domain, domain.equals(OpTable.COTENANT_DOMAIN) ? 1 : -1);
            BoundOp b;
            try {
                b = op.bind(new OpContext(n, opset, inTypes, inValues));
            } catch (OpContext.ValueNeeded e) {
                continue;
            }
            for (int i = 0; i < n.outputs().size() && i < b.outputTypes().size(); i++) {
                if (!n.outputs().get(i).isEmpty()) {
                    types.put(n.outputs().get(i), b.outputTypes().get(i));
                }
            }
            if ((allKnown || !b.readsInputValues()) && deterministic(n)) {
                Tensor[] ins = inValues.toArray(Tensor[]::new);
                Tensor[] outs = new Tensor[n.outputs().size()];
                for (int i = 0; i < outs.length; i++) {
                    TensorType t = b.outputTypes().get(i);
                    outs[i] = Tensor.allocate(t.dataType(), t.dims());
                }
                b.run(ins, outs, Workers.single());
                for (int i = 0; i < outs.length; i++) {
                    String out = n.outputs().get(i);
                    if (!out.isEmpty()) {
                        values.put(out, outs[i]);
                        folded.put(out, outs[i]);
                    }
                }
            }
        }
    }

    private static boolean deterministic(Node n) {
        return !n.opType().startsWith("Random") && !n.opType().equals("Multinomial") && !n.opType().equals("Bernoulli");
    }
}
