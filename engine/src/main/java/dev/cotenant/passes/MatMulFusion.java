package dev.cotenant.passes;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ops.OpTable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds the bias {@code Add} that follows a {@code MatMul} (a transformer's linear layers:
 * {@code MatMul(x, W) + b}) into a {@code FusedMatMul} of Cotenant's domain, whose GEMM adds the bias
 * while each output tile is still in registers; {@link ActivationFusion} can then fold the activation
 * after it (GELU in BERT's feed-forward block) the same way. Without it every linear layer wrote its
 * output, read it back to add the bias, and wrote it again.
 */
public final class MatMulFusion implements Pass {

    @Override
    public Graph apply(Graph g) {
        Uses uses = new Uses(g);
        Set<Node> removed = new HashSet<>();
        Map<Node, Node> replaced = new HashMap<>();
        for (Node mm : g.nodes()) {
            if (!mm.opType().equals("MatMul") || !mm.domain().isEmpty() || mm.outputs().size() != 1 || mm.inputs().size() != 2) {
                continue;
            }
            String out = mm.outputs().getFirst();
            Node add = uses.soleConsumer(out);
            if (add == null || !add.opType().equals("Add") || !add.domain().isEmpty() || add.inputs().size() != 2) {
                continue;
            }
            String bias = add.inputs().get(0).equals(out) ? add.inputs().get(1) : add.inputs().get(0);
            Tensor b = g.initializers().get(bias);
            Tensor w = g.initializers().get(mm.inputs().get(1));
            if (b == null || w == null || bias.equals(out) || b.dataType() != DataType.FLOAT || w.dataType() != DataType.FLOAT) {
                continue;
            }
            int[] ws = w.shape();
            int n = ws.length == 0 ? 0 : ws[ws.length - 1];
            // Only a bias of one value per output column, broadcast over every row.
            int[] bs = b.shape();
            if (ws.length != 2 || bs.length == 0 || bs[bs.length - 1] != n || b.size() != n) {
                continue;
            }
            replaced.put(mm, new Node(mm.name(), "FusedMatMul", OpTable.COTENANT_DOMAIN, List.of(mm.inputs().get(0), mm.inputs().get(1), bias),
                    add.outputs(), Map.of()));
            removed.add(add);
        }
        if (removed.isEmpty()) {
            return g;
        }
        List<Node> nodes = Rewrite.nodes(g, replaced, removed);
        return g.withNodes(nodes);
    }
}
