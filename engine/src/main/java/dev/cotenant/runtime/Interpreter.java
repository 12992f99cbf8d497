package dev.cotenant.runtime;

import dev.cotenant.ir.Graph;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.kernels.Workers;
import dev.cotenant.ops.BoundOp;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a graph by binding every node at run time, when every input value is known. It is the
 * fallback for graphs whose shapes depend on input values (a Reshape whose target shape is a graph
 * input, say); static plans are the normal path.
 */
final class Interpreter {

    private final Graph graph;
    private final List<Node> order;
    private final Binder binder;
    private final Map<String, Tensor> constants;

    Interpreter(Graph graph, List<Node> order, Binder binder, Map<String, Tensor> constants) {
        this.graph = graph;
        this.order = order;
        this.binder = binder;
        this.constants = constants;
    }

    Map<String, Tensor> run(Map<String, Tensor> feeds, Workers workers) {
        Map<String, Tensor> values = new HashMap<>(constants);
        values.putAll(feeds);
        Map<String, TensorType> types = new HashMap<>();
        values.forEach((k, v) -> types.put(k, v.type()));
        for (Node node : order) {
            BoundOp b = binder.bind(node, types, values);
            Tensor[] ins = new Tensor[node.inputs().size()];
            for (int i = 0; i < ins.length; i++) {
                String n = node.inputs().get(i);
                ins[i] = n.isEmpty() ? null : values.get(n);
            }
            Tensor[] outs = Binder.allocateOutputs(node, b);
            try {
                b.run(ins, outs, workers);
            } catch (ModelException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new IllegalStateException(node.opType() + " node '" + node.label() + "' failed: " + e, e);
            }
            for (int i = 0; i < outs.length; i++) {
                String n = node.outputs().get(i);
                if (!n.isEmpty()) {
                    values.put(n, outs[i]);
                    types.put(n, outs[i].type());
                }
            }
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (ValueInfo o : graph.outputs()) {
            result.put(o.name(), values.get(o.name()).copy());
        }
        return result;
    }
}
