package dev.cotenant.onnx;

import com.google.protobuf.ByteString;
import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.onnx.proto.OnnxProto.AttributeProto;
import dev.cotenant.onnx.proto.OnnxProto.AttributeProto.AttributeType;
import dev.cotenant.onnx.proto.OnnxProto.GraphProto;
import dev.cotenant.onnx.proto.OnnxProto.ModelProto;
import dev.cotenant.onnx.proto.OnnxProto.NodeProto;
import dev.cotenant.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorShapeProto;
import dev.cotenant.onnx.proto.OnnxProto.TypeProto;
import dev.cotenant.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@link Model}s as ONNX, so that another runtime can be handed exactly the model Cotenant
 * runs. Constants are written as {@code raw_data}; declared types keep their symbolic dimensions;
 * the opset imports are the model's. Importing the result gives back an equal graph.
 */
public final class OnnxExport {

    /** The IR version written when a model built in code carries none; ONNX Runtime 1.22 reads it. */
    private static final long DEFAULT_IR_VERSION = 10;

    private OnnxExport() {}

    public static ModelProto toProto(Model model) {
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(model.irVersion() > 0 ? model.irVersion() : DEFAULT_IR_VERSION)
                .setProducerName(model.producer() == null || model.producer().isEmpty() ? "cotenant" : model.producer())
                .setGraph(graph(model.graph()));
        Map<String, Integer> opsets = new TreeMap<>(model.opsets());
        if (opsets.isEmpty()) {
            opsets.put("", model.opset());
        }
        opsets.forEach((domain, version) -> m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        return m.build();
    }

    public static byte[] toBytes(Model model) {
        return toProto(model).toByteArray();
    }

    public static void write(Model model, Path file) {
        try {
            Files.write(file, toBytes(model));
        } catch (IOException e) {
            throw new ModelException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    static GraphProto graph(Graph g) {
        GraphProto.Builder b = GraphProto.newBuilder();
        if (g.name() != null) {
            b.setName(g.name());
        }
        for (ValueInfo v : g.inputs()) {
            b.addInput(valueInfo(v));
        }
        for (ValueInfo v : g.outputs()) {
            b.addOutput(valueInfo(v));
        }
        for (ValueInfo v : g.valueInfo().values()) {
            b.addValueInfo(valueInfo(v));
        }
        g.initializers().forEach((name, t) -> b.addInitializer(TensorEncoder.encode(name, t)));
        for (Node n : g.nodes()) {
            b.addNode(node(n));
        }
        return b.build();
    }

    private static ValueInfoProto valueInfo(ValueInfo v) {
        ValueInfoProto.Builder b = ValueInfoProto.newBuilder().setName(v.name());
        TensorType t = v.type();
        if (t != null) {
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            Shape shape = t.shape();
            String[] symbols = shape.symbols();
            for (int i = 0; i < shape.rank(); i++) {
                TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
                if (shape.dim(i) >= 0) {
                    d.setDimValue(shape.dim(i));
                } else if (symbols[i] != null) {
                    d.setDimParam(symbols[i]);
                }
                s.addDim(d);
            }
            b.setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(t.dataType().code()).setShape(s)));
        }
        return b.build();
    }

    private static NodeProto node(Node n) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(n.opType()).addAllInput(n.inputs()).addAllOutput(n.outputs());
        if (n.name() != null && !n.name().isEmpty()) {
            b.setName(n.name());
        }
        if (n.domain() != null && !n.domain().isEmpty()) {
            b.setDomain(n.domain());
        }
        // Sorted, so the same graph always gives the same bytes.
        new TreeMap<>(n.attributes()).forEach((name, a) -> b.addAttribute(attribute(name, a)));
        return b.build();
    }

    private static AttributeProto attribute(String name, Attribute a) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name);
        switch (a) {
            case Attribute.Int i -> b.setType(AttributeType.INT).setI(i.value());
            case Attribute.Float f -> b.setType(AttributeType.FLOAT).setF(f.value());
            case Attribute.Str s -> b.setType(AttributeType.STRING).setS(ByteString.copyFrom(s.value(), StandardCharsets.UTF_8));
            case Attribute.TensorValue t -> b.setType(AttributeType.TENSOR).setT(TensorEncoder.encode(null, t.value()));
            case Attribute.GraphValue g -> b.setType(AttributeType.GRAPH).setG(graph(g.value()));
            case Attribute.Ints i -> b.setType(AttributeType.INTS).addAllInts(i.values());
            case Attribute.Floats f -> b.setType(AttributeType.FLOATS).addAllFloats(f.values());
            case Attribute.Strs s -> {
                b.setType(AttributeType.STRINGS);
                s.values().forEach(v -> b.addStrings(ByteString.copyFrom(v, StandardCharsets.UTF_8)));
            }
            case Attribute.Tensors t -> {
                b.setType(AttributeType.TENSORS);
                t.values().forEach(v -> b.addTensors(TensorEncoder.encode(null, v)));
            }
            case Attribute.Graphs g -> {
                b.setType(AttributeType.GRAPHS);
                g.values().forEach(v -> b.addGraphs(graph(v)));
            }
        }
        return b.build();
    }

    /** One tensor as a serialized {@code TensorProto}, the form of ONNX test data files. */
    public static byte[] tensorBytes(String name, Tensor t) {
        return TensorEncoder.encode(name, t).toByteArray();
    }
}
