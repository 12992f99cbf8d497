package dev.cotenant.onnx;

import dev.cotenant.ir.ModelException;
import dev.cotenant.onnx.proto.OnnxProto.AttributeProto;
import dev.cotenant.onnx.proto.OnnxProto.FunctionProto;
import dev.cotenant.onnx.proto.OnnxProto.GraphProto;
import dev.cotenant.onnx.proto.OnnxProto.NodeProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorProto;
import dev.cotenant.onnx.proto.OnnxProto.ValueInfoProto;
import dev.cotenant.ops.OpTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces calls of a model's own functions ({@code ModelProto.functions}) by the nodes of their
 * bodies, so the rest of the engine only ever sees operators.
 *
 * <p>Inlining works on the protobuf form, before decoding, so it can rewrite everything a body may
 * contain: formal inputs and outputs become the caller's value names; every other value and node
 * name of the body gets a fresh name unique in the whole model (a function called twice must not
 * produce the same value twice); an attribute that refers to the caller's attribute
 * ({@code ref_attr_name}) takes the caller's value, or the function's default, or is dropped when
 * neither exists, as the ONNX specification says. Subgraphs inside a body (the branches of an If,
 * say) see the same renaming for the outer values they use, and the same attribute references.
 * Calls inside bodies are expanded in turn; recursion is refused.
 */
final class FunctionInliner {

    private record Key(String domain, String name, String overload) {}

    private static final int MAX_DEPTH = 64;

    private final Map<Key, FunctionProto> functions = new HashMap<>();
    private final Set<String> used;
    private int calls;

    FunctionInliner(List<FunctionProto> functions, Set<String> usedNames) {
        for (FunctionProto f : functions) {
            this.functions.put(new Key(OpTable.normalise(f.getDomain()), f.getName(), f.getOverload()), f);
        }
        this.used = new HashSet<>(usedNames);
    }

    boolean isEmpty() {
        return functions.isEmpty();
    }

    /** {@code call} itself when it calls no model function, else the nodes it expands into. */
    List<NodeProto> expand(NodeProto call) {
        List<NodeProto> out = new ArrayList<>();
        expand(call, 0, out);
        return out;
    }

    private void expand(NodeProto call, int depth, List<NodeProto> out) {
        FunctionProto f = functions.get(new Key(OpTable.normalise(call.getDomain()), call.getOpType(), call.getOverload()));
        if (f == null) {
            out.add(call);
            return;
        }
        String label = call.getName().isEmpty() ? call.getOpType() : call.getName();
        if (depth >= MAX_DEPTH) {
            throw new ModelException("function '" + f.getName() + "' called at node '" + label + "' calls itself (nesting deeper than " + MAX_DEPTH + ")");
        }
        if (call.getInputCount() > f.getInputCount() || call.getOutputCount() > f.getOutputCount()) {
            throw new ModelException("node '" + label + "' calls function '" + f.getName() + "' with " + call.getInputCount() + " inputs and "
                    + call.getOutputCount() + " outputs; it has " + f.getInputCount() + " and " + f.getOutputCount());
        }
        String prefix = label + "/" + (++calls) + "/";
        Map<String, String> rename = new HashMap<>();
        for (int i = 0; i < f.getInputCount(); i++) {
            rename.put(f.getInput(i), i < call.getInputCount() ? call.getInput(i) : "");
        }
        for (int i = 0; i < f.getOutputCount(); i++) {
            String actual = i < call.getOutputCount() ? call.getOutput(i) : "";
            rename.put(f.getOutput(i), actual.isEmpty() ? fresh(prefix + f.getOutput(i)) : actual);
        }
        for (NodeProto n : f.getNodeList()) {
            for (String o : n.getOutputList()) {
                if (!o.isEmpty() && !rename.containsKey(o)) {
                    rename.put(o, fresh(prefix + o));
                }
            }
        }
        Map<String, AttributeProto> env = new HashMap<>();
        for (AttributeProto a : f.getAttributeProtoList()) {
            env.put(a.getName(), a);
        }
        for (AttributeProto a : call.getAttributeList()) {
            env.put(a.getName(), a);
        }
        for (NodeProto n : f.getNodeList()) {
            NodeProto.Builder b = n.toBuilder().clearInput().clearOutput().clearAttribute();
            b.setName(n.getName().isEmpty() ? "" : fresh(prefix + n.getName()));
            for (String in : n.getInputList()) {
                b.addInput(in.isEmpty() ? "" : rename.getOrDefault(in, in));
            }
            for (String o : n.getOutputList()) {
                b.addOutput(o.isEmpty() ? "" : rename.get(o));
            }
            for (AttributeProto a : n.getAttributeList()) {
                AttributeProto r = resolve(a, env, rename);
                if (r != null) {
                    b.addAttribute(r);
                }
            }
            expand(b.build(), depth + 1, out);
        }
    }

    /** The attribute with references resolved and subgraphs renamed, or {@code null} when it is dropped. */
    private static AttributeProto resolve(AttributeProto a, Map<String, AttributeProto> env, Map<String, String> rename) {
        if (!a.getRefAttrName().isEmpty()) {
            AttributeProto v = env.get(a.getRefAttrName());
            return v == null ? null : v.toBuilder().setName(a.getName()).clearRefAttrName().build();
        }
        if (a.hasG() || a.getGraphsCount() > 0) {
            AttributeProto.Builder b = a.toBuilder();
            if (a.hasG()) {
                b.setG(rewrite(a.getG(), env, rename));
            }
            b.clearGraphs();
            for (GraphProto g : a.getGraphsList()) {
                b.addGraphs(rewrite(g, env, rename));
            }
            return b.build();
        }
        return a;
    }

    /** A subgraph of a function body: outer names it uses are renamed, attribute references resolved. */
    private static GraphProto rewrite(GraphProto g, Map<String, AttributeProto> env, Map<String, String> rename) {
        Set<String> local = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) {
            local.add(v.getName());
        }
        for (TensorProto t : g.getInitializerList()) {
            local.add(t.getName());
        }
        for (NodeProto n : g.getNodeList()) {
            local.addAll(n.getOutputList());
        }
        Map<String, String> inner = new HashMap<>(rename);
        inner.keySet().removeAll(local);
        GraphProto.Builder b = g.toBuilder().clearNode().clearOutput();
        for (NodeProto n : g.getNodeList()) {
            NodeProto.Builder nb = n.toBuilder().clearInput().clearAttribute();
            for (String in : n.getInputList()) {
                nb.addInput(inner.getOrDefault(in, in));
            }
            for (AttributeProto a : n.getAttributeList()) {
                AttributeProto r = resolve(a, env, inner);
                if (r != null) {
                    nb.addAttribute(r);
                }
            }
            b.addNode(nb);
        }
        for (ValueInfoProto v : g.getOutputList()) {
            b.addOutput(v.toBuilder().setName(inner.getOrDefault(v.getName(), v.getName())));
        }
        return b.build();
    }

    private String fresh(String stem) {
        String name = stem;
        for (int k = 2; !used.add(name); k++) {
            name = stem + "_" + k;
        }
        return name;
    }

    /** Every value and node name used anywhere in {@code g}, subgraphs included. */
    static void collectNames(GraphProto g, Set<String> into) {
        for (ValueInfoProto v : g.getInputList()) {
            into.add(v.getName());
        }
        for (ValueInfoProto v : g.getOutputList()) {
            into.add(v.getName());
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            into.add(v.getName());
        }
        for (TensorProto t : g.getInitializerList()) {
            into.add(t.getName());
        }
        for (NodeProto n : g.getNodeList()) {
            into.add(n.getName());
            into.addAll(n.getInputList());
            into.addAll(n.getOutputList());
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collectNames(a.getG(), into);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    collectNames(sub, into);
                }
            }
        }
    }
}
