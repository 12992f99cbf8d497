package dev.cotenant.ir;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A readable, stable text form of a graph: one line per node, {@code out = Op[attrs](inputs)},
 * constants shown by type. Pass tests compare it with golden text a person can review.
 */
public final class GraphText {

    private GraphText() {}

    public static String of(Graph g) {
        StringBuilder b = new StringBuilder();
        for (ValueInfo in : g.feeds()) {
            b.append("input ").append(in.name()).append(in.type() == null ? "" : ": " + in.type()).append('\n');
        }
        for (Node n : g.nodes()) {
            b.append(String.join(", ", n.outputs())).append(" = ");
            if (!n.domain().isEmpty()) {
                b.append(n.domain()).append("::");
            }
            b.append(n.opType());
            if (!n.attributes().isEmpty()) {
                b.append('[');
                boolean first = true;
                for (Map.Entry<String, Attribute> e : new TreeMap<>(n.attributes()).entrySet()) {
                    b.append(first ? "" : ", ").append(e.getKey()).append('=').append(value(e.getValue()));
                    first = false;
                }
                b.append(']');
            }
            b.append('(');
            for (int i = 0; i < n.inputs().size(); i++) {
                String in = n.inputs().get(i);
                b.append(i > 0 ? ", " : "").append(in);
                Tensor c = g.initializers().get(in);
                if (c != null) {
                    b.append(':').append(c.type());
                }
            }
            b.append(")\n");
        }
        for (ValueInfo out : g.outputs()) {
            b.append("output ").append(out.name()).append('\n');
        }
        return b.toString();
    }

    private static String value(Attribute a) {
        return switch (a) {
            case Attribute.Int i -> Long.toString(i.value());
            case Attribute.Float f -> String.format(Locale.ROOT, "%g", f.value());
            case Attribute.Str s -> '"' + s.value() + '"';
            case Attribute.Ints i -> i.values().toString();
            case Attribute.Floats f -> f.values().toString();
            case Attribute.Strs s -> s.values().toString();
            case Attribute.TensorValue t -> t.value().type().toString();
            case Attribute.Tensors t -> "tensors(" + t.values().size() + ")";
            case Attribute.GraphValue gv -> "graph(" + gv.value().nodes().size() + " nodes)";
            case Attribute.Graphs gs -> "graphs(" + gs.values().size() + ")";
        };
    }
}
