package dev.cotenant.passes;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.Topology;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.kernels.ConvBlocked;
import dev.cotenant.ops.OpTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves the convolutional parts of a graph into the channel-blocked layout of {@link ConvBlocked}
 * (why: see there), converting only at the edges of those parts.
 *
 * <p>One walk in topological order keeps, for every value, whether it exists in NCHW, blocked, or
 * both. A convolution (plain or fused, 2-D, float, constant weights, dense or depthwise) becomes a
 * {@code BlockedConv} whose output exists blocked only; its input is converted with {@code ToBlocked}
 * when it exists only in NCHW, except for a stem of fewer than a block's channels, which the kernel
 * reads in NCHW. Element-wise operators whose inputs all exist blocked (Add, Sub, Mul of one shape
 * or of a per-channel scale, Relu, Clip, Sigmoid...) stay blocked, and so does a channel Concat of
 * whole blocks; MaxPool and GlobalAveragePool get blocked twins. Any other
 * reader of a blocked-only value, and a graph output, gets a {@code FromBlocked} made once per
 * value, just before the first node that needs it. A shortcut {@code Add} of a dense convolution's
 * output (its only use) and another blocked value folds into that convolution as its residual input,
 * and a {@code Relu} after it as its activation: ResNet's block tail in one pass over memory; the
 * convolution moves down to the Add's place, where the residual exists. Padding lanes hold finite values, and only
 * operators that map finite values to finite values stay blocked, so they never leak into a real
 * channel.
 */
public final class BlockedLayout implements Pass {

    private static final int L = ConvBlocked.L;
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul");
    private static final Set<String> UNARY = Set.of("Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
            "Swish");

    private final Map<String, TensorType> inputTypes;

    public BlockedLayout(Map<String, TensorType> inputTypes) {
        this.inputTypes = inputTypes;
    }

    @Override
    public Graph apply(Graph g) {
        // Types as constant folding recorded them (value names and shapes survive the passes);
        // a value without one is left in NCHW.
        Map<String, TensorType> types = new HashMap<>();
        g.valueInfo().forEach((name, v) -> {
            if (v.type() != null && v.type().shape().isConcrete()) {
                types.put(name, v.type());
            }
        });
        g.initializers().forEach((name, t) -> types.put(name, t.type()));
        for (ValueInfo in : g.feeds()) {
            TensorType t = inputTypes.get(in.name());
            if (t != null) {
                types.put(in.name(), t);
            }
        }
        Rewrite r = new Rewrite(g, types);
        for (Node n : Topology.order(g)) {
            r.visit(n);
        }
        if (r.converted == 0) {
            return g;
        }
        for (ValueInfo o : g.outputs()) {
            r.needPlain(o.name());
        }
        return g.withNodes(r.nodes);
    }

    private static final class Rewrite {
        final Graph g;
        final Map<String, TensorType> types;
        final List<Node> nodes = new ArrayList<>();
        /** Values that exist in NCHW. */
        final Set<String> plain = new HashSet<>();
        /** Blocked name of values that exist blocked. */
        final Map<String, String> blocked = new HashMap<>();
        final Map<String, Integer> channels = new HashMap<>();
        final Set<String> names = new HashSet<>();
        final Uses uses;
        /** Dense blocked convolutions without activation, by the original name of their output. */
        final Map<String, Node> plainConvs = new HashMap<>();
        /** Convolutions with a folded residual and no activation yet, by the Add's output. */
        final Map<String, Node> withResidual = new HashMap<>();
        int converted;

        Rewrite(Graph g, Map<String, TensorType> types) {
            this.g = g;
            this.types = types;
            this.uses = new Uses(g);
            for (ValueInfo v : g.inputs()) {
                plain.add(v.name());
            }
            plain.addAll(g.initializers().keySet());
            names.addAll(plain);
            for (Node n : g.nodes()) {
                names.addAll(n.outputs());
            }
        }

        void visit(Node n) {
            if (convertible(n)) {
                String x = n.inputs().getFirst();
                int c = types.get(x).dims()[1];
                String in;
                if (blocked.containsKey(x)) {
                    in = blocked.get(x);
                } else if (c < L && group(n) == 1) {
                    in = x;
                } else {
                    in = needBlocked(x);
                }
                List<String> inputs = new ArrayList<>(n.inputs());
                inputs.set(0, in);
                Map<String, Attribute> attrs = new HashMap<>(n.attributes());
                String out = n.outputs().getFirst();
                Node conv = new Node(n.name(), "BlockedConv", OpTable.COTENANT_DOMAIN, inputs, List.of(blockedName(out)), attrs);
                nodes.add(conv);
                channels.put(out, types.get(out).dims()[1]);
                if (group(n) == 1 && (!(attrs.get("activation") instanceof Attribute.Str a) || a.value().isEmpty())) {
                    plainConvs.put(out, conv);
                }
                converted++;
                return;
            }
            boolean swish = n.domain().equals(OpTable.COTENANT_DOMAIN) && n.opType().equals("Swish");
            if ((n.domain().isEmpty() || swish) && n.outputs().size() == 1 && staysBlocked(n)) {
                if (foldResidual(n) || foldRelu(n)) {
                    return;
                }
                String out = n.outputs().getFirst();
                boolean all = BINARY.contains(n.opType()) || n.opType().equals("Concat");
                List<String> inputs = new ArrayList<>(n.inputs());
                for (int i = 0; i < n.inputs().size(); i++) {
                    if (i == 0 || all) {
                        inputs.set(i, blocked.get(n.inputs().get(i)));
                    } else if (!n.inputs().get(i).isEmpty()) {
                        needPlain(n.inputs().get(i));
                    }
                }
                nodes.add(new Node(n.name(), n.opType(), n.domain(), inputs, List.of(blockedName(out)), n.attributes()));
                channels.put(out, types.get(out).dims()[1]);
                return;
            }
            if (n.domain().isEmpty() && n.outputs().size() == 1 && n.inputs().size() == 1 && blocked.containsKey(n.inputs().getFirst())
                    && isFloat4d(n.inputs().getFirst())) {
                String x = n.inputs().getFirst();
                String out = n.outputs().getFirst();
                Map<String, Attribute> attrs = new HashMap<>(n.attributes());
                attrs.put("channels", new Attribute.Int(channels.get(x)));
                if (n.opType().equals("GlobalAveragePool")) {
                    nodes.add(new Node(n.name(), "BlockedGlobalAveragePool", OpTable.COTENANT_DOMAIN, List.of(blocked.get(x)), List.of(out), attrs));
                    plain.add(out);
                    return;
                }
                if (n.opType().equals("MaxPool") && simplePool(n)) {
                    nodes.add(new Node(n.name(), "BlockedMaxPool", OpTable.COTENANT_DOMAIN, List.of(blocked.get(x)), List.of(blockedName(out)), attrs));
                    channels.put(out, channels.get(x));
                    return;
                }
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    needPlain(in);
                }
            }
            nodes.add(n);
            plain.addAll(n.outputs());
        }

        /** Folds {@code Add(conv, other)} into the convolution as its residual; false when it does not apply. */
        boolean foldResidual(Node add) {
            if (!add.opType().equals("Add")) {
                return false;
            }
            for (int i = 0; i < 2; i++) {
                String a = add.inputs().get(i);
                String other = add.inputs().get(1 - i);
                Node conv = plainConvs.get(a);
                if (conv == null || a.equals(other) || uses.soleConsumer(a) != add || !types.get(a).equals(types.get(other))) {
                    continue;
                }
                nodes.remove(conv);
                plainConvs.remove(a);
                blocked.remove(a);
                List<String> inputs = new ArrayList<>(conv.inputs());
                while (inputs.size() < 3) {
                    inputs.add("");
                }
                inputs.add(blocked.get(other));
                String out = add.outputs().getFirst();
                Node fused = new Node(conv.name(), conv.opType(), conv.domain(), inputs, List.of(blockedName(out)), conv.attributes());
                nodes.add(fused);
                channels.put(out, channels.get(a));
                withResidual.put(out, fused);
                return true;
            }
            return false;
        }

        /** Folds a Relu into the convolution that produced its input with a residual. */
        boolean foldRelu(Node relu) {
            String in = relu.inputs().getFirst();
            Node conv = withResidual.get(in);
            if (!relu.opType().equals("Relu") || conv == null || uses.soleConsumer(in) != relu) {
                return false;
            }
            nodes.remove(conv);
            withResidual.remove(in);
            blocked.remove(in);
            Map<String, Attribute> attrs = new HashMap<>(conv.attributes());
            attrs.put("activation", new Attribute.Str("Relu"));
            String out = relu.outputs().getFirst();
            nodes.add(new Node(conv.name(), conv.opType(), conv.domain(), conv.inputs(), List.of(blockedName(out)), attrs));
            channels.put(out, channels.get(in));
            return true;
        }

        /** Makes {@code value} exist in NCHW, converting it back once if it exists only blocked. */
        void needPlain(String value) {
            if (plain.contains(value) || !blocked.containsKey(value)) {
                return;
            }
            nodes.add(new Node(value + "/from_blocked", "FromBlocked", OpTable.COTENANT_DOMAIN, List.of(blocked.get(value)),
                    List.of(value), Map.of("channels", new Attribute.Int(channels.get(value)))));
            plain.add(value);
        }

        String needBlocked(String value) {
            String b = blocked.get(value);
            if (b != null) {
                return b;
            }
            b = blockedName(value);
            nodes.add(new Node(value + "/to_blocked", "ToBlocked", OpTable.COTENANT_DOMAIN, List.of(value), List.of(b), Map.of()));
            channels.put(value, types.get(value).dims()[1]);
            return b;
        }

        String blockedName(String value) {
            String b = value + "#blocked";
            for (int i = 2; names.contains(b); i++) {
                b = value + "#blocked" + i;
            }
            names.add(b);
            blocked.put(value, b);
            return b;
        }

        boolean isFloat4d(String value) {
            TensorType t = types.get(value);
            return t != null && t.dataType() == DataType.FLOAT && t.dims().length == 4;
        }

        static long group(Node n) {
            return n.attributes().get("group") instanceof Attribute.Int i ? i.value() : 1;
        }

        boolean convertible(Node n) {
            boolean conv = n.domain().isEmpty() && n.opType().equals("Conv")
                    || n.domain().equals(OpTable.COTENANT_DOMAIN) && n.opType().equals("FusedConv");
            if (!conv || n.outputs().size() != 1 || n.inputs().size() < 2) {
                return false;
            }
            String x = n.inputs().getFirst();
            Tensor w = g.initializers().get(n.inputs().get(1));
            if (!isFloat4d(x) || !isFloat4d(n.outputs().getFirst()) || w == null || w.dataType() != DataType.FLOAT) {
                return false;
            }
            if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() && !g.initializers().containsKey(n.inputs().get(2))) {
                return false;
            }
            int c = types.get(x).dims()[1];
            long group = group(n);
            int[] wd = w.shape();
            if (group == 1) {
                return true;
            }
            // Depthwise only, and on an input that is (or is worth making) blocked.
            return group == c && wd[0] == c && wd[1] == 1 && c >= L;
        }

        boolean staysBlocked(Node n) {
            if (n.inputs().isEmpty() || !blocked.containsKey(n.inputs().getFirst()) || !isFloat4d(n.inputs().getFirst())) {
                return false;
            }
            TensorType first = types.get(n.inputs().getFirst());
            if (BINARY.contains(n.opType())) {
                if (n.inputs().size() != 2) {
                    return false;
                }
                String other = n.inputs().get(1);
                return blocked.containsKey(other) && broadcastsPerChannel(first, types.get(other));
            }
            if (n.opType().equals("Concat")) {
                // Along channels, of whole blocks only: then the blocked tensors concatenate as they are.
                if (!(n.attributes().get("axis") instanceof Attribute.Int a) || (a.value() != 1 && a.value() != -3)) {
                    return false;
                }
                for (String in : n.inputs()) {
                    TensorType t = types.get(in);
                    if (!blocked.containsKey(in) || t == null || t.dims().length != 4 || t.dims()[1] % L != 0) {
                        return false;
                    }
                }
                return true;
            }
            if (!UNARY.contains(n.opType())) {
                return false;
            }
            // Clip's bounds are scalars read as they are.
            for (int i = 1; i < n.inputs().size(); i++) {
                if (!n.inputs().get(i).isEmpty() && blocked.containsKey(n.inputs().get(i))) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Whether two 4-D types have the same batch and channels and spatial sizes that are equal or 1
         * (a squeeze-and-excitation scale): then their blocked forms broadcast the same way.
         */
        static boolean broadcastsPerChannel(TensorType a, TensorType b) {
            if (a == null || b == null || a.dims().length != 4 || b.dims().length != 4 || a.dataType() != b.dataType()) {
                return false;
            }
            int[] x = a.dims();
            int[] y = b.dims();
            if (x[0] != y[0] || x[1] != y[1]) {
                return false;
            }
            for (int d = 2; d < 4; d++) {
                if (x[d] != y[d] && x[d] != 1 && y[d] != 1) {
                    return false;
                }
            }
            return true;
        }

        static boolean simplePool(Node n) {
            Attribute ks = n.attributes().get("kernel_shape");
            boolean twoD = ks instanceof Attribute.Ints k && k.values().size() == 2;
            return twoD && !(n.attributes().get("ceil_mode") instanceof Attribute.Int c && c.value() != 0)
                    && !(n.attributes().get("storage_order") instanceof Attribute.Int s && s.value() != 0);
        }
    }
}
