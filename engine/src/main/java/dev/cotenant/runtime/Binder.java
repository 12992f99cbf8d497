package dev.cotenant.runtime;

import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ops.BoundOp;
import dev.cotenant.ops.Op;
import dev.cotenant.ops.OpContext;
import dev.cotenant.ops.OpTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Looks a node's operator up and binds it to the types and known values of its inputs. */
final class Binder {

    private final OpTable table;
    private final Model model;

    Binder(OpTable table, Model model) {
        this.table = table;
        this.model = model;
    }

    BoundOp bind(Node node, Map<String, TensorType> types, Map<String, Tensor> known) {
        String domain = OpTable.normalise(node.domain());
        int opset = model.opsets().getOrDefault(domain, domain.equals(OpTable.COTENANT_DOMAIN) ? 1 : -1);
        Op op = table.find(domain, node.opType());
        if (op == null) {
            throw new ModelException("unknown operator '" + node.opType() + "' (domain '" + (domain.isEmpty() ? "ai.onnx" : domain)
                    + "', opset " + opset + ") at node '" + node.label() + "'");
        }
        List<TensorType> inTypes = new ArrayList<>(node.inputs().size());
        List<Tensor> inKnown = new ArrayList<>(node.inputs().size());
        for (String in : node.inputs()) {
            inTypes.add(in.isEmpty() ? null : types.get(in));
            inKnown.add(in.isEmpty() ? null : known.get(in));
        }
        BoundOp b = op.bind(new OpContext(node, opset, inTypes, inKnown));
        if (b.outputTypes().size() < node.outputs().size()) {
            throw new ModelException(node.opType() + " node '" + node.label() + "' lists " + node.outputs().size()
                    + " outputs but the operator produces " + b.outputTypes().size());
        }
        return b;
    }

    /** Allocates one tensor per output slot the node names. */
    static Tensor[] allocateOutputs(Node node, BoundOp b) {
        Tensor[] outs = new Tensor[node.outputs().size()];
        for (int i = 0; i < outs.length; i++) {
            TensorType t = b.outputTypes().get(i);
            outs[i] = Tensor.allocate(t.dataType(), t.dims());
        }
        return outs;
    }

    /** Whether running the node twice on the same inputs gives the same outputs. */
    static boolean deterministic(Node node) {
        return switch (node.opType()) {
            case "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli" -> false;
            default -> true;
        };
    }
}
