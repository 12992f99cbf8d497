package dev.cotenant.conformance;

import dev.cotenant.ir.DataType;
import dev.cotenant.onnx.proto.OnnxProto.AttributeProto;
import dev.cotenant.onnx.proto.OnnxProto.FunctionProto;
import dev.cotenant.onnx.proto.OnnxProto.GraphProto;
import dev.cotenant.onnx.proto.OnnxProto.ModelProto;
import dev.cotenant.onnx.proto.OnnxProto.NodeProto;
import dev.cotenant.onnx.proto.OnnxProto.OptionalProto;
import dev.cotenant.onnx.proto.OnnxProto.SequenceProto;
import dev.cotenant.onnx.proto.OnnxProto.SparseTensorProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorProto;
import dev.cotenant.onnx.proto.OnnxProto.TypeProto;
import dev.cotenant.onnx.proto.OnnxProto.ValueInfoProto;
import java.util.Set;

/**
 * Finds the first use of a data type the engine does not hold (float8, float4, 2- and 4-bit
 * integers, bfloat16, string, complex) in a model or its test data: the only reason a case may be
 * skipped rather than failed. Every place a type can appear is searched: declared value types,
 * constants, the target type of casts and of operators with a {@code dtype}-like attribute,
 * subgraphs and function bodies.
 */
final class UnsupportedTypes {

    /** Attributes whose integer value is a data type. */
    private static final Set<String> TYPE_ATTRIBUTES = Set.of("to", "dtype", "output_dtype", "output_datatype");

    private UnsupportedTypes() {}

    /** {@code null}, or a reason such as {@code uses data type bfloat16 (input 'x')}. */
    static String in(ModelProto m) {
        String r = in(m.getGraph());
        for (FunctionProto f : m.getFunctionsList()) {
            for (NodeProto n : f.getNodeList()) {
                r = r != null ? r : in(n);
            }
        }
        return r;
    }

    private static String in(GraphProto g) {
        for (ValueInfoProto v : g.getInputList()) {
            String r = in(v.getType(), "input '" + v.getName() + "'");
            if (r != null) {
                return r;
            }
        }
        for (ValueInfoProto v : g.getOutputList()) {
            String r = in(v.getType(), "output '" + v.getName() + "'");
            if (r != null) {
                return r;
            }
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            String r = in(v.getType(), "value '" + v.getName() + "'");
            if (r != null) {
                return r;
            }
        }
        for (TensorProto t : g.getInitializerList()) {
            String r = code(t.getDataType(), "initializer '" + t.getName() + "'");
            if (r != null) {
                return r;
            }
        }
        for (SparseTensorProto t : g.getSparseInitializerList()) {
            String r = code(t.getValues().getDataType(), "initializer '" + t.getValues().getName() + "'");
            if (r != null) {
                return r;
            }
        }
        for (NodeProto n : g.getNodeList()) {
            String r = in(n);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static String in(NodeProto n) {
        String node = n.getOpType() + " node '" + (n.getName().isEmpty() ? n.getOpType() : n.getName()) + "'";
        for (AttributeProto a : n.getAttributeList()) {
            String where = node + ", attribute '" + a.getName() + "'";
            String r = null;
            if (a.hasT()) {
                r = code(a.getT().getDataType(), where);
            }
            if (r == null && a.hasSparseTensor()) {
                r = code(a.getSparseTensor().getValues().getDataType(), where);
            }
            for (TensorProto t : a.getTensorsList()) {
                r = r != null ? r : code(t.getDataType(), where);
            }
            if (r == null && a.hasI() && TYPE_ATTRIBUTES.contains(a.getName())) {
                r = code((int) a.getI(), where);
            }
            if (r == null && a.hasG()) {
                r = in(a.getG());
            }
            for (GraphProto g : a.getGraphsList()) {
                r = r != null ? r : in(g);
            }
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    static String in(TypeProto t, String where) {
        return switch (t.getValueCase()) {
            case TENSOR_TYPE -> code(t.getTensorType().getElemType(), where);
            case SPARSE_TENSOR_TYPE -> code(t.getSparseTensorType().getElemType(), where);
            case SEQUENCE_TYPE -> in(t.getSequenceType().getElemType(), where);
            case OPTIONAL_TYPE -> in(t.getOptionalType().getElemType(), where);
            case MAP_TYPE -> {
                String r = code(t.getMapType().getKeyType(), where);
                yield r != null ? r : in(t.getMapType().getValueType(), where);
            }
            case OPAQUE_TYPE, VALUE_NOT_SET -> null;
        };
    }

    static String in(TensorProto t, String where) {
        return code(t.getDataType(), where);
    }

    static String in(SequenceProto s, String where) {
        for (TensorProto t : s.getTensorValuesList()) {
            String r = code(t.getDataType(), where);
            if (r != null) {
                return r;
            }
        }
        for (SequenceProto inner : s.getSequenceValuesList()) {
            String r = in(inner, where);
            if (r != null) {
                return r;
            }
        }
        for (OptionalProto o : s.getOptionalValuesList()) {
            String r = in(o, where);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    static String in(OptionalProto o, String where) {
        if (o.hasTensorValue()) {
            return code(o.getTensorValue().getDataType(), where);
        }
        if (o.hasSequenceValue()) {
            return in(o.getSequenceValue(), where);
        }
        if (o.hasOptionalValue()) {
            return in(o.getOptionalValue(), where);
        }
        return null;
    }

    private static String code(int code, String where) {
        DataType t = DataType.ofCode(code);
        if (t == null || t == DataType.UNDEFINED || t.supported()) {
            return null;
        }
        return "uses data type " + t.onnxName() + " (" + where + ")";
    }
}
