package dev.cotenant.onnx;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.onnx.proto.OnnxProto.AttributeProto;
import dev.cotenant.onnx.proto.OnnxProto.GraphProto;
import dev.cotenant.onnx.proto.OnnxProto.NodeProto;
import dev.cotenant.onnx.proto.OnnxProto.SparseTensorProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorShapeProto;
import dev.cotenant.onnx.proto.OnnxProto.TypeProto;
import dev.cotenant.onnx.proto.OnnxProto.ValueInfoProto;
import dev.cotenant.ops.OpTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GraphProto} to {@link Graph}: values, constants, nodes and attributes, subgraphs included. */
final class GraphDecoder {

    private final Path baseDir;
    private final FunctionInliner functions;

    GraphDecoder(Path baseDir, FunctionInliner functions) {
        this.baseDir = baseDir;
        this.functions = functions;
    }

    /**
     * The graph. In the main graph ({@code main}) every input and output must be a tensor of a
     * supported type; a subgraph's inputs may be left untyped.
     */
    Graph graph(GraphProto g, boolean main) {
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            String what = "initializer '" + t.getName() + "'";
            if (initializers.put(t.getName(), TensorDecoder.decode(t, baseDir, what)) != null) {
                throw new ModelException(what + " is defined twice");
            }
        }
        for (SparseTensorProto s : g.getSparseInitializerList()) {
            String name = s.getValues().getName();
            String what = "sparse initializer '" + name + "'";
            if (initializers.put(name, TensorDecoder.densify(s, baseDir, what)) != null) {
                throw new ModelException(what + " is defined twice");
            }
        }
        List<ValueInfo> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            inputs.add(valueInfo(v, main && !initializers.containsKey(v.getName()), "input"));
        }
        List<ValueInfo> outputs = new ArrayList<>();
        for (ValueInfoProto v : g.getOutputList()) {
            outputs.add(valueInfo(v, main, "output"));
        }
        Map<String, ValueInfo> valueInfo = new LinkedHashMap<>();
        for (ValueInfoProto v : g.getValueInfoList()) {
            TensorType t = tensorType(v.getType(), v.getName());
            if (t != null) {
                valueInfo.put(v.getName(), new ValueInfo(v.getName(), t));
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            for (NodeProto e : functions.isEmpty() ? List.of(n) : functions.expand(n)) {
                nodes.add(node(e));
            }
        }
        return new Graph(g.getName(), inputs, outputs, nodes, initializers, valueInfo);
    }

    private ValueInfo valueInfo(ValueInfoProto v, boolean strict, String role) {
        TypeProto tp = v.getType();
        if (strict) {
            String what = role + " '" + v.getName() + "'";
            switch (tp.getValueCase()) {
                case TENSOR_TYPE -> TensorDecoder.dataType(tp.getTensorType().getElemType(), what);
                case VALUE_NOT_SET -> { }
                default -> throw new ModelException(what + " is " + kind(tp) + "; only tensor inputs and outputs are supported");
            }
        }
        return new ValueInfo(v.getName(), tensorType(tp, v.getName()));
    }

    private static String kind(TypeProto tp) {
        return switch (tp.getValueCase()) {
            case TENSOR_TYPE -> "a tensor";
            case SEQUENCE_TYPE -> "a sequence";
            case MAP_TYPE -> "a map";
            case OPTIONAL_TYPE -> "an optional value";
            case SPARSE_TENSOR_TYPE -> "a sparse tensor";
            case OPAQUE_TYPE -> "an opaque value";
            case VALUE_NOT_SET -> "a value of no declared type";
        };
    }

    /** The declared tensor type, or {@code null} when the type is not a tensor of known element type and rank. */
    static TensorType tensorType(TypeProto tp, String name) {
        if (!tp.hasTensorType()) {
            return null;
        }
        TypeProto.Tensor t = tp.getTensorType();
        DataType type = DataType.ofCode(t.getElemType());
        if (type == null || type == DataType.UNDEFINED || !t.hasShape()) {
            return null;
        }
        TensorShapeProto s = t.getShape();
        int[] dims = new int[s.getDimCount()];
        String[] symbols = new String[dims.length];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = s.getDim(i);
            if (d.hasDimValue() && d.getDimValue() >= 0 && d.getDimValue() <= Integer.MAX_VALUE) {
                dims[i] = (int) d.getDimValue();
            } else {
                dims[i] = Shape.UNKNOWN;
                symbols[i] = d.hasDimParam() && !d.getDimParam().isEmpty() ? d.getDimParam() : null;
            }
        }
        return new TensorType(type, new Shape(dims, symbols));
    }

    private Node node(NodeProto n) {
        String label = !n.getName().isEmpty() ? n.getName() : n.getOpType() + (n.getOutputCount() > 0 ? " -> " + n.getOutput(0) : "");
        String what = n.getOpType() + " node '" + label + "'";
        if (n.getOpType().isEmpty()) {
            throw new ModelException("node '" + label + "' has no operator type");
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (AttributeProto a : n.getAttributeList()) {
            if (attrs.put(a.getName(), attribute(a, what)) != null) {
                throw new ModelException(what + ": attribute '" + a.getName() + "' is given twice");
            }
        }
        return new Node(n.getName(), n.getOpType(), OpTable.normalise(n.getDomain()), n.getInputList(), n.getOutputList(), attrs);
    }

    private Attribute attribute(AttributeProto a, String nodeWhat) {
        String what = nodeWhat + ", attribute '" + a.getName() + "'";
        if (!a.getRefAttrName().isEmpty()) {
            throw new ModelException(what + " refers to a function attribute ('" + a.getRefAttrName() + "') outside any function");
        }
        AttributeProto.AttributeType type = a.getType() != AttributeProto.AttributeType.UNDEFINED ? a.getType() : inferType(a);
        return switch (type) {
            case FLOAT -> new Attribute.Float(a.getF());
            case INT -> new Attribute.Int(a.getI());
            case STRING -> new Attribute.Str(a.getS().toString(StandardCharsets.UTF_8));
            case TENSOR -> new Attribute.TensorValue(TensorDecoder.decode(a.getT(), baseDir, what));
            case SPARSE_TENSOR -> new Attribute.TensorValue(TensorDecoder.densify(a.getSparseTensor(), baseDir, what));
            case GRAPH -> new Attribute.GraphValue(graph(a.getG(), false));
            case FLOATS -> new Attribute.Floats(List.copyOf(a.getFloatsList()));
            case INTS -> new Attribute.Ints(List.copyOf(a.getIntsList()));
            case STRINGS -> new Attribute.Strs(a.getStringsList().stream().map(b -> b.toString(StandardCharsets.UTF_8)).toList());
            case TENSORS -> new Attribute.Tensors(a.getTensorsList().stream().map(t -> TensorDecoder.decode(t, baseDir, what)).toList());
            case GRAPHS -> new Attribute.Graphs(a.getGraphsList().stream().map(g -> graph(g, false)).toList());
            case SPARSE_TENSORS -> new Attribute.Tensors(a.getSparseTensorsList().stream().map(s -> TensorDecoder.densify(s, baseDir, what)).toList());
            case TYPE_PROTO, TYPE_PROTOS -> throw new ModelException(what + " is a type, which is not supported");
            case UNDEFINED -> throw new ModelException(what + " has no value");
        };
    }

    /** Files written before attributes carried their kind: the kind is whichever field is set. */
    private static AttributeProto.AttributeType inferType(AttributeProto a) {
        if (a.hasF()) {
            return AttributeProto.AttributeType.FLOAT;
        } else if (a.hasI()) {
            return AttributeProto.AttributeType.INT;
        } else if (a.hasS()) {
            return AttributeProto.AttributeType.STRING;
        } else if (a.hasT()) {
            return AttributeProto.AttributeType.TENSOR;
        } else if (a.hasG()) {
            return AttributeProto.AttributeType.GRAPH;
        } else if (a.hasSparseTensor()) {
            return AttributeProto.AttributeType.SPARSE_TENSOR;
        } else if (a.getFloatsCount() > 0) {
            return AttributeProto.AttributeType.FLOATS;
        } else if (a.getStringsCount() > 0) {
            return AttributeProto.AttributeType.STRINGS;
        } else if (a.getTensorsCount() > 0) {
            return AttributeProto.AttributeType.TENSORS;
        } else if (a.getGraphsCount() > 0) {
            return AttributeProto.AttributeType.GRAPHS;
        }
        return AttributeProto.AttributeType.INTS;
    }
}
