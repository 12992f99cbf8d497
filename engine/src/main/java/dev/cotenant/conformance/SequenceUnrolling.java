package dev.cotenant.conformance;

import dev.cotenant.ir.ModelException;
import dev.cotenant.onnx.proto.OnnxProto.GraphProto;
import dev.cotenant.onnx.proto.OnnxProto.ModelProto;
import dev.cotenant.onnx.proto.OnnxProto.NodeProto;
import dev.cotenant.onnx.proto.OnnxProto.TypeProto;
import dev.cotenant.onnx.proto.OnnxProto.ValueInfoProto;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs sequence and optional values through a tensor-only engine when their length is known.
 *
 * <p>The engine's values are tensors. A test that feeds a sequence of {@code k} tensors (or an
 * optional value that is present) to operators that act on each element alone (Identity) is
 * equivalent to the same graph with the sequence unrolled into {@code k} tensor values
 * {@code x[0]..x[k-1]}: this class rewrites the model that way, so the engine's own operators run
 * on every element. Any other operator on such a value is reported as unsupported, never faked.
 */
final class SequenceUnrolling {

    /** Marks a present optional tensor: one value, not unrolled. */
    static final int SINGLE = -1;

    /** The rewritten model and, for every value that was a sequence, its length (or {@link #SINGLE}). */
    record Unrolled(ModelProto model, Map<String, Integer> lengths) {}

    private SequenceUnrolling() {}

    /** The name of element {@code i} of unrolled value {@code name}. */
    static String element(String name, int i) {
        return name + "[" + i + "]";
    }

    /** {@code feedLengths}: for each non-tensor graph input, its number of elements or {@link #SINGLE}. */
    static Unrolled unroll(ModelProto m, Map<String, Integer> feedLengths) {
        GraphProto g = m.getGraph();
        Map<String, Integer> lengths = new HashMap<>(feedLengths);
        GraphProto.Builder b = g.toBuilder().clearInput().clearOutput().clearNode().clearValueInfo();
        for (ValueInfoProto v : g.getInputList()) {
            Integer k = lengths.get(v.getName());
            if (k == null) {
                b.addInput(v);
            } else {
                addElements(b, v, k, true);
            }
        }
        for (NodeProto n : g.getNodeList()) {
            String seqIn = null;
            for (String in : n.getInputList()) {
                if (lengths.containsKey(in)) {
                    seqIn = in;
                }
            }
            if (seqIn == null) {
                b.addNode(n);
                continue;
            }
            if (!n.getOpType().equals("Identity") || !n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw new ModelException(n.getOpType() + " node '" + n.getName() + "' takes sequence or optional value '" + seqIn
                        + "'; only tensors are supported by this operator");
            }
            int k = lengths.get(seqIn);
            String out = n.getOutput(0);
            lengths.put(out, k);
            if (k == SINGLE) {
                b.addNode(n);
            }
            for (int i = 0; i < k; i++) {
                b.addNode(n.toBuilder().setName(n.getName().isEmpty() ? "" : element(n.getName(), i)).setInput(0, element(seqIn, i)).setOutput(0, element(out, i)));
            }
        }
        for (ValueInfoProto v : g.getOutputList()) {
            Integer k = lengths.get(v.getName());
            if (k == null) {
                if (!v.getType().hasTensorType() && v.getType().getValueCase() != TypeProto.ValueCase.VALUE_NOT_SET) {
                    throw new ModelException("output '" + v.getName() + "' is a " + v.getType().getValueCase()
                            + " value made by an operator that is not supported on sequences");
                }
                b.addOutput(v);
            } else {
                addElements(b, v, k, false);
            }
        }
        return new Unrolled(m.toBuilder().setGraph(b).build(), lengths);
    }

    private static void addElements(GraphProto.Builder b, ValueInfoProto v, int k, boolean input) {
        TypeProto elem = tensorElement(v.getType(), v.getName());
        if (k == SINGLE) {
            ValueInfoProto e = v.toBuilder().setType(elem).build();
            if (input) {
                b.addInput(e);
            } else {
                b.addOutput(e);
            }
            return;
        }
        for (int i = 0; i < k; i++) {
            ValueInfoProto e = v.toBuilder().setName(element(v.getName(), i)).setType(elem).build();
            if (input) {
                b.addInput(e);
            } else {
                b.addOutput(e);
            }
        }
    }

    /** The tensor type inside sequence and optional wrappers. */
    private static TypeProto tensorElement(TypeProto t, String name) {
        return switch (t.getValueCase()) {
            case TENSOR_TYPE -> t;
            case SEQUENCE_TYPE -> tensorElement(t.getSequenceType().getElemType(), name);
            case OPTIONAL_TYPE -> tensorElement(t.getOptionalType().getElemType(), name);
            default -> throw new ModelException("value '" + name + "' is a " + t.getValueCase() + "; only tensors and sequences of tensors are supported");
        };
    }
}
